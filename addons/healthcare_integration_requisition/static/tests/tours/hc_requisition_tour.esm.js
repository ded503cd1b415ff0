/** @odoo-module **/
/* Copyright 2026 Healthcare Integration for Odoo contributors
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */

import {registry} from "@web/core/registry";

// The requisition comes from the eProcurement simulator in tests/test_tour.py.
registry.category("web_tour.tours").add("hc_requisition_approve_tour", {
    steps: () => [
        {
            content: "The platform's requisition waits for this reviewer",
            trigger: ".o_form_view .o_field_widget[name=hc_platform_ref]:contains(REQ-T-TOUR)",
        },
        {
            content: "Validate the department head's tier",
            trigger: ".o_form_view button[name=validate_tier]",
            run: "click",
        },
        {
            content: "The requisition is approved",
            trigger:
                ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Approved)",
        },
        {
            content: "Open its exchanges with the platform",
            trigger: ".o_form_view button[name=action_view_hc_messages]",
            run: "click",
        },
        {
            content: "The approval status goes back to the platform",
            trigger:
                ".o_list_view .o_data_row td.o_data_cell:contains(Requisition status out (eProcurement))",
        },
    ],
});
