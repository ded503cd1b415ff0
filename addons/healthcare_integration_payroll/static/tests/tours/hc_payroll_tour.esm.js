/** @odoo-module **/
/* Copyright 2026 Healthcare Integration for Odoo contributors
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */

import {registry} from "@web/core/registry";

// Records created by tests/test_tour.py (TestPayrollTour): provider "Bureau";
// readme/USAGE.md steps 1-2.
registry.category("web_tour.tours").add("hc_payroll_cutoff_tour", {
    steps: () => [
        {
            content: "Open last month's pay period",
            trigger: ".o_list_view .o_data_row td.o_data_cell[name=name]:contains(Bureau)",
            run: "click",
        },
        {
            content: "It warns that the draft input is left out of the cutoff",
            trigger: ".o_form_view .alert-warning:contains(still in draft)",
        },
        {
            content: "It lists what goes out: the validated work entry",
            trigger: ".o_form_view .o_notebook a:contains(To send)",
            run: "click",
        },
        {
            content: "Ana's work entry is to be sent",
            trigger: ".o_form_view .o_field_widget[name=pending_entry_ids] .o_data_row:contains(Ana Martins)",
        },
        {
            content: "Close cutoff and send",
            trigger: ".o_form_view .o_form_statusbar button[name=action_close_cutoff]",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The batch that went out opens",
            trigger: ".o_form_view .o_field_widget[name=kind]",
        },
    ],
});

registry.category("web_tour.tours").add("hc_payroll_results_tour", {
    steps: () => [
        {
            content: "Open the posted run",
            trigger: ".o_list_view .o_data_row:contains(Bureau) td.o_data_cell[name=name]",
            run: "click",
        },
        {
            content: "Its journal items are on the run",
            trigger: ".o_form_view .o_notebook a:contains(Journal items)",
            run: "click",
        },
        {
            content: "Wages are charged to the intensive care cost centre",
            trigger: ".o_form_view .o_field_widget[name=move_line_ids] .o_data_row:contains(T63000):contains(Intensive care)",
        },
        {
            content: "Open every journal item of the run",
            trigger: ".o_form_view .o-form-buttonbox button[name=action_view_journal_items]",
            run: "click",
        },
        {
            content: "The list shows the entry's lines, with net pay",
            trigger: ".o_list_view .o_data_row:contains(T23000)",
        },
    ],
});
