/** @odoo-module **/
/* Copyright 2026 Healthcare Integration for Odoo contributors
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */

import {registry} from "@web/core/registry";

// Receipt prepared by tests/test_ui_tour.py (serial TOUR-SN-1 of an infusion pump).
const SERIAL = "TOUR-SN-1";

registry.category("web_tour.tours").add("hc_asset_receive_capital_item_tour", {
    steps: () => [
        {
            content: "The receipt of the capital item is ready",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Ready)",
        },
        {
            content: "Validate the receipt",
            trigger: ".o_form_view .o_form_statusbar button[name=button_validate]",
            run: "click",
        },
        {
            content: "The receipt is done",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Done)",
        },
        {
            content: "Open the equipment created for its serial number",
            trigger: ".o-form-buttonbox button[name=action_hc_view_equipment]",
            run: "click",
        },
        {
            content: "The equipment form shows the received pump",
            trigger: `.o_breadcrumb .active:contains(${SERIAL})`,
        },
        {
            content: "Its lifecycle in one place",
            trigger: ".o_form_view .o_notebook a[name=hc_lifecycle]",
            run: "click",
        },
        {
            content: "It comes from the receipt, with its draft asset",
            trigger: ".o_form_view .o_field_widget[name=hc_asset_state]:contains(Draft)",
        },
        {
            content: "and its serial number",
            trigger: `.o_form_view .o_field_widget[name=hc_lot_id]:contains(${SERIAL})`,
        },
    ],
});
