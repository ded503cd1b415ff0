/** @odoo-module **/
/* Copyright 2026 Healthcare Integration for Odoo contributors
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */

import {registry} from "@web/core/registry";

// Records created by tests/test_dashboard_tour.py (TestBusinessPanelTour).
registry.category("web_tour.tours").add("hc_business_panel_tour", {
    url: "/odoo/action-healthcare_integration_ops.hc_ops_dashboard_action",
    steps: () => [
        {
            content: "The business panel shows the exception rate of the last 7 days",
            trigger: ".o_hc_business .o_hc_kpis tr[data-hc-kpi=exception_rate]:contains(25.0 %)",
        },
        {
            content: "with the 7 days before, and a falling (good) trend",
            trigger: ".o_hc_business tr[data-hc-kpi=exception_rate]:contains(50.0 %) .fa-arrow-down.text-success",
        },
        {
            content: "The acknowledgement latency reads in hours",
            trigger: ".o_hc_business tr[data-hc-kpi=ack_latency]:contains(1.0 h)",
        },
        {
            content: "The reconciliation has differences: open them",
            trigger: ".o_hc_reconciliations tr:contains(Tour orders):contains(Differences) a[data-hc-figure]:contains(1)",
            run: "click",
        },
        {
            content: "The list behind the figure shows the open difference",
            trigger: ".o_list_view .o_data_row:contains(TOUR-REF-1)",
        },
    ],
});
