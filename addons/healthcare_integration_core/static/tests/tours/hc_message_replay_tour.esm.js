/** @odoo-module **/
/* Copyright 2026 Healthcare Integration for Odoo contributors
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */

import {registry} from "@web/core/registry";

// Records created by tests/test_ui_tour.py (TestMessageReplayTour).
const DEAD_MESSAGE = "TOUR-REPLAY-DEAD-1";
const FLOW = "Tour replay orders out";
const QUEUED = ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Queued)";

registry.category("web_tour.tours").add("hc_failed_message_replay_tour", {
    url: "/odoo/action-healthcare_integration_core.hc_message_action_failed",
    steps: () => [
        {
            content: "The failed messages list shows the dead message",
            trigger: `.o_list_view .o_data_row:contains(${DEAD_MESSAGE}) td.o_data_cell[name=name]`,
            run: "click",
        },
        {
            content: "Its form is open",
            trigger: `.o_form_view .oe_title .o_field_widget[name=name]:contains(${DEAD_MESSAGE})`,
        },
        {
            content: "The form shows why it failed",
            trigger: ".o_form_view .alert-danger .o_field_widget[name=error_text]:contains(HTTP 503: partner down)",
        },
        {
            content: "The dead message is in state Dead",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Dead)",
        },
        {
            content: "Replay it",
            trigger: ".o_form_view .o_form_statusbar button[name=action_replay]",
            run: "click",
        },
        {
            content: "A new message opens, linked to the original",
            trigger: `.o_form_view .o_field_widget[name=parent_id]:contains(${DEAD_MESSAGE})`,
        },
        {
            content: "The link says it is a replay",
            trigger: ".o_form_view .o_form_label:contains(Replay of)",
        },
        {
            content: "The new message is not the original",
            trigger: `.o_form_view .oe_title .o_field_widget[name=name]:not(:contains(${DEAD_MESSAGE}))`,
        },
        {
            content: "The replay is queued for delivery",
            trigger: QUEUED,
        },
    ],
});

registry.category("web_tour.tours").add("hc_flow_send_test_message_tour", {
    url: "/odoo/action-healthcare_integration_core.hc_flow_action",
    steps: () => [
        {
            content: "Open the outbound flow",
            trigger: `.o_list_view .o_data_row:contains(${FLOW}) td.o_data_cell[name=name]`,
            run: "click",
        },
        {
            content: "Send its sample payload",
            trigger: ".o_form_view .o_form_statusbar button[name=action_send_test_message]",
            run: "click",
        },
        {
            content: "The message form of that flow opens",
            trigger: `.o_form_view .o_field_widget[name=flow_id]:contains(${FLOW})`,
        },
        {
            content: "The message is queued for delivery",
            trigger: QUEUED,
        },
    ],
});

// A business exception (tests/test_ui_tour.py, TestMessageReplayTour): codes
// of two kinds to map from the message, then the message replayed.
const MAPPING_MESSAGE = "TOUR-MAP-1";

registry.category("web_tour.tours").add("hc_business_exception_mapping_tour", {
    url: "/odoo/action-healthcare_integration_core.hc_message_action_failed",
    steps: () => [
        {
            content: "The failed list tells a business exception from a give-up",
            trigger: `.o_list_view .o_data_row:contains(${MAPPING_MESSAGE}) .o_field_widget[name=status]:contains(Business exception)`,
        },
        {
            content: "Open it",
            trigger: `.o_list_view .o_data_row:contains(${MAPPING_MESSAGE}) td.o_data_cell[name=name]`,
            run: "click",
        },
        {
            content: "It waits for a business decision, not a delivery",
            trigger:
                ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Business exception)",
        },
        {
            content: "The form says which codes to map",
            trigger: ".o_form_view .alert-danger .o_field_widget[name=unmapped_codes]:contains(CC-9, BX)",
        },
        {
            content: "Add mapping, on the message",
            trigger: ".o_form_view .o_form_statusbar button[name=action_add_mapping]",
            run: "click",
        },
        {
            content: "Each code in its own kind",
            trigger: ".modal .o_data_row:contains(CC-9) td[name=domain]:contains(Cost centre)",
        },
        {
            content: "Map the unit",
            trigger: ".modal .o_data_row:contains(BX) td[name=odoo_value]",
            run: "click",
        },
        {
            trigger: ".modal .o_data_row:contains(BX) td[name=odoo_value] input",
            run: "edit Box of 10",
        },
        {
            content: "Map the cost centre",
            trigger: ".modal .o_data_row:contains(CC-9) td[name=odoo_value]",
            run: "click",
        },
        {
            trigger: ".modal .o_data_row:contains(CC-9) td[name=odoo_value] input",
            run: "edit Ward 9",
        },
        {
            content: "Add the mapping and replay",
            trigger: ".modal footer button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The replay opens, linked to the exception",
            trigger: `.o_form_view .o_field_widget[name=parent_id]:contains(${MAPPING_MESSAGE})`,
        },
        {
            content: "and is queued",
            trigger: QUEUED,
        },
    ],
});
