/** @odoo-module **/
/* Copyright 2026 Healthcare Integration for Odoo contributors
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */

import {registry} from "@web/core/registry";

// Records created by tests/test_ops_tour.py (TestOpsDashboardTour).
const FAILURES = "[data-hc-figure='flow/tour_ops/tour_ops_out/failures']";

registry.category("web_tour.tours").add("hc_ops_dashboard_tour", {
    url: "/odoo/action-healthcare_integration_ops.hc_ops_dashboard_action",
    steps: () => [
        {
            content: "The dashboard lists the backend and its flow",
            trigger: ".o_hc_ops_dashboard [data-hc-backend=tour_ops] tr[data-hc-flow=tour_ops_out]",
        },
        {
            content: "Its breaker is closed",
            trigger: ".o_hc_ops_dashboard [data-hc-backend=tour_ops] .o_hc_breaker:contains(Closed)",
        },
        {
            content: "The flow's figure of the last 24 hours counts its 3 messages",
            trigger: ".o_hc_ops_dashboard [data-hc-figure='flow/tour_ops/tour_ops_out/day_total']:contains(3)",
        },
        {
            content: "Two failures wait to be acknowledged: open them",
            trigger: `.o_hc_ops_dashboard a${FAILURES}:contains(2)`,
            run: "click",
        },
        {
            content: "The list behind the figure shows the first failure",
            trigger: ".o_list_view .o_data_row:contains(TOUR-OPS-DEAD-1)",
        },
        {
            content: "and the second",
            trigger: ".o_list_view .o_data_row:contains(TOUR-OPS-DEAD-2)",
        },
        {
            content: "and nothing else: two rows, the done message is not listed",
            trigger: ".o_list_view:not(:has(.o_data_row:contains(TOUR-OPS-DONE-1)))",
        },
        {
            content: "The list is named after the figure",
            trigger: ".o_breadcrumb:contains(failures to acknowledge)",
        },
        {
            content: "Back to the dashboard",
            trigger: ".o_breadcrumb .breadcrumb-item a",
            run: "click",
        },
        {
            content: "The dashboard is shown again",
            trigger: `.o_hc_ops_dashboard ${FAILURES}`,
        },
    ],
});
