/** @odoo-module **/
/* Copyright 2026 Healthcare Integration for Odoo contributors
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */

import {registry} from "@web/core/registry";

// Records created by tests/test_tour.py (TestEhrTour); readme/USAGE.md steps 2-4.
registry.category("web_tour.tours").add("hc_ehr_supply_tour", {
    steps: () => [
        {
            content: "Open the EHR's supply request",
            trigger: ".o_list_view .o_data_row:contains(sr-tour) td.o_data_cell[name=name]",
            run: "click",
        },
        {
            content: "Its transfer to the ward is reserved",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Reserved)",
        },
        {
            content: "Open the transfer",
            trigger: ".o_form_view button[name=action_view_pickings]",
            run: "click",
        },
        {
            content: "The transfer says which ward it goes to",
            trigger: ".o_form_view .o_field_widget[name=location_dest_id]:contains(Ward 3A test)",
        },
        {
            content: "Validate it",
            trigger: ".o_form_view .o_form_statusbar button[name=button_validate].btn-primary",
            run: "click",
        },
        {
            content: "The transfer is done",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Done)",
        },
        {
            content: "Open EHR supply",
            trigger: ".o_main_navbar .o_menu_sections button:contains(EHR supply), .o_main_navbar .o_menu_sections a:contains(EHR supply)",
            run: "click",
        },
        {
            content: "Exceptions to map",
            trigger: ".dropdown-menu .dropdown-item:contains(Exceptions to map)",
            run: "click",
        },
        {
            content: "The unknown item is listed with its code: add the mapping",
            trigger: ".o_list_view .o_data_row:contains(KIT-KNEE-07) button[name=action_add_mapping]",
            run: "click",
        },
        {
            content: "Map the code to an Odoo record",
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row:contains(KIT-KNEE-07) td[name=record_ref]",
            run: "click",
        },
        {
            content: "A product",
            trigger: ".modal .o_field_widget[name=record_ref] select",
            run: "select product.product",
        },
        {
            content: "The hip kit",
            trigger: ".modal .o_field_widget[name=record_ref] input",
            run: "edit Hip implant kit",
        },
        {
            content: "Pick it",
            trigger: ".o-autocomplete--dropdown-item:contains(Hip implant kit (test))",
            run: "click",
        },
        {
            content: "Add the mapping (and replay the message)",
            trigger: ".modal-footer button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The replay of the message opens",
            trigger: ".o_form_view .o_form_label:contains(Replay of)",
        },
    ],
});
