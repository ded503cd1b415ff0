/** @odoo-module **/
/* Copyright 2026 Healthcare Integration for Odoo contributors
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */

import {registry} from "@web/core/registry";

// The draft order is created by tests/test_tour.py (TestProcurementTour).
registry.category("web_tour.tours").add("hc_procurement_confirm_order_tour", {
    steps: () => [
        {
            content: "Confirm the draft order",
            trigger: ".o_form_view .o_form_statusbar button[name=button_confirm]",
            run: "click",
        },
        {
            content: "The order is confirmed",
            trigger:
                ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Purchase Order)",
        },
        {
            content: "It shows its transmission to the supplier",
            trigger: ".o_form_view .o_field_widget[name=hc_transmission_state]:contains(Queued)",
        },
        {
            content: "Open the order's integration messages",
            trigger: ".o_form_view button[name=action_view_hc_messages]",
            run: "click",
        },
        {
            content: "The order went out through the supplier's JSON flow",
            trigger:
                ".o_list_view .o_data_row td.o_data_cell:contains(Purchase order out (JSON))",
            run: "click",
        },
        {
            content: "The message form names its flow",
            trigger:
                ".o_form_view .o_field_widget[name=flow_id]:contains(Purchase order out (JSON))",
        },
        {
            content: "It is queued for delivery",
            trigger:
                ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Queued)",
        },
    ],
});
