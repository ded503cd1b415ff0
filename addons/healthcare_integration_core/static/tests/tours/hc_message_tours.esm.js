/** @odoo-module **/
/* Copyright 2026 Healthcare Integration for Odoo contributors
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */

import {registry} from "@web/core/registry";

const queuedStatus = ".o_statusbar_status .o_arrow_button_current:contains(Queued)";

registry.category("web_tour.tours").add("hc_message_replay_tour", {
    url: "/odoo/action-healthcare_integration_core.hc_message_action_failed",
    steps: () => [
        {
            content: "Open the dead message from the failed messages",
            trigger: ".o_data_row:contains(TOUR-DEAD-1) td.o_data_cell",
            run: "click",
        },
        {
            content: "The form says why it failed",
            trigger: ".alert-danger:contains(partner down)",
        },
        {
            content: "Replay it",
            trigger: ".o_form_view button[name=action_replay]",
            run: "click",
        },
        {
            content: "The replay is a new message linked to the original",
            trigger: ".o_field_widget[name=parent_id]:contains(TOUR-DEAD-1)",
        },
        {
            content: "The replay is queued for delivery",
            trigger: queuedStatus,
        },
    ],
});

registry.category("web_tour.tours").add("hc_flow_test_message_tour", {
    url: "/odoo/action-healthcare_integration_core.hc_flow_action",
    steps: () => [
        {
            content: "Open the outbound flow",
            trigger: ".o_data_row:contains(Tour orders out) td.o_data_cell",
            run: "click",
        },
        {
            content: "Send its sample payload",
            trigger: ".o_form_view button[name=action_send_test_message]",
            run: "click",
        },
        {
            content: "The message of that flow is queued",
            trigger: ".o_field_widget[name=flow_id]:contains(Tour orders out)",
        },
        {
            trigger: queuedStatus,
        },
    ],
});
