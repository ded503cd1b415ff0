/** @odoo-module **/
/* Copyright 2026 Healthcare Integration for Odoo contributors
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */

import {registry} from "@web/core/registry";

// The X12-over-SFTP story of readme/USAGE.md (step 2 of the README's "Try
// it"), in phases run by tests/test_story_tour.py (TestProcurementStoryTour),
// which plays the supplier's server between them.

// step 1: confirm the request for quotation to Northbay (the demo's; the
// test makes the same)
registry.category("web_tour.tours").add("hc_procurement_story_order_tour", {
    steps: () => [
        {
            content: "Open the request for quotation to Northbay (gloves, syringes)",
            trigger: ".o_list_view .o_data_row:contains(Test Northbay Medical Supply) td.o_data_cell[name=name]",
            run: "click",
        },
        {
            content: "Confirm the order",
            trigger: ".o_form_view .o_form_statusbar button[name=button_confirm]",
            run: "click",
        },
        {
            content: "The order is confirmed",
            trigger:
                ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Purchase Order)",
        },
        {
            content: "Its transmission to the supplier is queued",
            trigger: ".o_form_view .o_field_widget[name=hc_transmission_state]:contains(Queued)",
        },
    ],
});

// step 2: the 850 is on the supplier's server, its 855 in Odoo's in folder
registry.category("web_tour.tours").add("hc_procurement_story_fetch_tour", {
    steps: () => [
        {
            content: "The order was sent: its 850 is on the supplier's server",
            trigger: ".o_form_view .o_field_widget[name=hc_transmission_state]:contains(Sent)",
        },
        {
            content: "Do not wait for the schedule: fetch the supplier's answers now",
            trigger: ".o_form_view .o_form_statusbar button[name=action_hc_fetch_answers]",
            run: "click",
        },
        {
            content: "Odoo says the pull started",
            trigger: ".o_notification:contains(started)",
        },
        {
            content: "and lists the runs at work, one per answer the supplier sends",
            trigger: ".o_list_view .o_data_row:contains(855) .o_field_widget[name=state]:contains(Running)",
        },
        {
            content: "Open the acknowledgements' run",
            trigger: ".o_list_view .o_data_row:contains(855) td.o_data_cell[name=name]",
            run: "click",
        },
        {
            content: "It is at work; the page follows it as files come in",
            trigger:
                ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Running)",
        },
        {
            content: "on the supplier's backend",
            trigger: ".o_form_view .o_field_widget[name=backend_id]:contains(Test X12 supplier)",
        },
    ],
});

// steps 2-3: the 855 and 856 are in; the order and its receipt show them
registry.category("web_tour.tours").add("hc_procurement_story_answered_tour", {
    steps: () => [
        {
            content: "The supplier acknowledged the order",
            trigger: ".o_form_view .o_field_widget[name=hc_transmission_state]:contains(Acknowledged)",
        },
        {
            content: "The second line shows the backorder",
            trigger:
                ".o_form_view .o_field_widget[name=order_line] .o_data_row:contains(Test syringe) .o_field_widget[name=hc_ack_state]:contains(Backordered)",
        },
    ],
});

// step 3: the receipt the 856 prefilled
registry.category("web_tour.tours").add("hc_procurement_story_receipt_tour", {
    steps: () => [
        {
            content: "The receipt is ready, prefilled from the ship notice",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Ready)",
        },
        {
            content: "It lists its ship notice",
            trigger: ".o_form_view .o-form-buttonbox button[name=action_view_hc_asns]",
        },
        {
            content: "with the quantities the supplier shipped",
            trigger: ".o_form_view .o_field_widget[name=move_ids_without_package] .o_data_row:contains(Test nitrile gloves)",
        },
        {
            content: "Validate it",
            trigger: ".o_form_view .o_form_statusbar button[name=button_validate]",
            run: "click",
        },
        {
            content: "Everything shipped is received, no question asked",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Done)",
        },
    ],
});

// step 4: the 810 is in; the bill is blocked with what to do next
registry.category("web_tour.tours").add("hc_procurement_story_bill_tour", {
    steps: () => [
        {
            content: "The bill failing the three-way match is listed, with the reason",
            trigger:
                ".o_list_view .o_data_row:contains(Test Northbay Medical Supply):contains(differs from the ordered price)",
        },
        {
            content: "Open it",
            trigger: ".o_list_view .o_data_row:contains(Test Northbay Medical Supply) td.o_data_cell[name=ref]",
            run: "click",
        },
        {
            content: "It says why it is blocked, and the tolerance in force",
            trigger: ".o_form_view .alert-danger:contains(Three-way match failed):contains(Tolerance)",
        },
        {
            content: "and offers the way out: approve the variance",
            trigger: ".o_form_view button[name=action_hc_approve_variance]",
        },
        {
            content: "or ask the supplier for a credit note",
            trigger: ".o_form_view button[name=action_hc_request_credit_note]",
        },
    ],
});
