/** @odoo-module **/
/* Copyright 2026 Healthcare Integration for Odoo contributors
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */

import {registry} from "@web/core/registry";

// The runtime story (step 1 of the README's "Try it"), in phases run by
// tests/test_story_tour.py (TestRuntimeStoryTour), which plays the job runner
// and the partner simulator's *Partner down* between them.
const FLOW = "Send order to partner (story)";
const CURRENT = ".o_form_view .o_statusbar_status button.o_arrow_button_current";

// Flows > Send order to partner > Send test message: a queued message
registry.category("web_tour.tours").add("hc_runtime_story_send_tour", {
    steps: () => [
        {
            content: "Open the flow Send order to partner",
            trigger: `.o_list_view .o_data_row:contains(${FLOW}) td.o_data_cell[name=name]`,
            run: "click",
        },
        {
            content: "Send test message",
            trigger: ".o_form_view .o_form_statusbar button[name=action_send_test_message]",
            run: "click",
        },
        {
            content: "The message of the flow opens",
            trigger: `.o_form_view .o_field_widget[name=flow_id]:contains(${FLOW})`,
        },
        {
            content: "It is queued",
            trigger: `${CURRENT}:contains(Queued)`,
        },
    ],
});

// the job ran: the message is done, with the partner's answer
registry.category("web_tour.tours").add("hc_runtime_story_done_tour", {
    steps: () => [
        {
            content: "The message is done",
            trigger: `${CURRENT}:contains(Done)`,
        },
        {
            content: "with the partner's answer",
            trigger: ".o_form_view .o_field_widget[name=http_status]:contains(20)",
        },
    ],
});

// the partner was down: retried, then dead; it is back: Replay
registry.category("web_tour.tours").add("hc_runtime_story_replay_tour", {
    steps: () => [
        {
            content: "The message is dead",
            trigger: `${CURRENT}:contains(Dead)`,
        },
        {
            content: "after its attempts, each answered 503",
            trigger: ".o_form_view .alert-danger:contains(503)",
        },
        {
            content: "Replay it",
            trigger: ".o_form_view .o_form_statusbar button[name=action_replay]",
            run: "click",
        },
        {
            content: "Its replay opens, linked to it",
            trigger: ".o_form_view .o_form_label:contains(Replay of)",
        },
        {
            content: "queued for delivery",
            trigger: `${CURRENT}:contains(Queued)`,
        },
    ],
});

// the replay was delivered: the dead message is resolved by it
registry.category("web_tour.tours").add("hc_runtime_story_resolved_tour", {
    steps: () => [
        {
            content: "The dead message says its replay resolved it",
            trigger: ".o_form_view .alert-success:contains(Resolved by its replay)",
        },
    ],
});
