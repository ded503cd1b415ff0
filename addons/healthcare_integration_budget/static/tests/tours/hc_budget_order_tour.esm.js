/** @odoo-module **/
/* Copyright 2026 Healthcare Integration for Odoo contributors
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */

import {registry} from "@web/core/registry";

// The order over budget is made in tests/test_tour.py.
registry.category("web_tour.tours").add("hc_budget_order_tour", {
    steps: () => [
        {
            content: "The order is held for budget, with the figures in its currency",
            trigger: ".o_form_view .alert-danger:contains(available):contains(1,000.00)",
        },
        {
            content: "The budget holder approves it over budget",
            trigger: ".o_form_view button[name=action_hc_budget_override]",
            run: "click",
        },
        {
            content: "Say why",
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Outbreak stock for Ward 4",
        },
        {
            content: "Approve",
            trigger: ".modal button[name=action_approve]",
            run: "click",
        },
        {
            content: "The approval is shown on the order",
            trigger: ".o_form_view .alert-warning:contains(Outbreak stock for Ward 4)",
        },
        {
            content: "Confirm the order",
            trigger: ".o_form_view button#draft_confirm",
            run: "click",
        },
        {
            content: "The order is confirmed",
            trigger:
                ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Purchase Order)",
        },
    ],
});
