/** @odoo-module **/
/* Copyright 2026 Healthcare Integration for Odoo contributors
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */

import {registry} from "@web/core/registry";

// The contract, the order and its bill are made in tests/test_tour.py.
registry.category("web_tour.tours").add("hc_contract_variance_tour", {
    steps: () => [
        {
            content: "The bill is blocked: billed over the contract price",
            trigger: ".o_form_view .alert-danger:contains(contract price 8.4 of CTR-T-1)",
        },
        {
            content: "The bill shows the contract tolerance it was held to",
            trigger: ".o_form_view .alert-danger:contains(Contract price: ±1%)",
        },
        {
            content: "Approve the variance",
            trigger: ".o_form_view button[name=action_hc_approve_variance]",
            run: "click",
        },
        {
            content: "Say why",
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Contract renewal at 8.75 signed, repository not updated yet",
        },
        {
            content: "Confirm the decision",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The approval is shown on the bill",
            trigger: ".o_form_view .alert-info:contains(Contract renewal at 8.75 signed)",
        },
    ],
});
