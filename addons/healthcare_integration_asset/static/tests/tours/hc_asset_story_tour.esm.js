/** @odoo-module **/
/* Copyright 2026 Healthcare Integration for Odoo contributors
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */

import {registry} from "@web/core/registry";

// The asset story of readme/USAGE.md (step 4 of the README's "Try it"), run
// by tests/test_story_tour.py: three infusion pumps of order SO-88412, their
// serials STORY-SN-1..3 generated on the receipt as a storekeeper does.

// step 1: validate the receipt; three equipment with their draft asset
registry.category("web_tour.tours").add("hc_asset_story_receive_tour", {
    steps: () => [
        {
            content: "The capital equipment receipt of SO-88412 is ready",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Ready)",
        },
        {
            content: "Enter the pumps' serial numbers: open the line's details",
            trigger:
                ".o_form_view .o_field_widget[name=move_ids_without_package] .o_data_row:contains(Volumetric infusion pump) .fa-list",
            run: "click",
        },
        {
            content: "Generate them",
            trigger: ".modal .o_widget_generate_serials > button",
            run: "click",
        },
        {
            content: "from the first pump's",
            trigger: ".modal div[name=next_serial] input",
            run: "edit STORY-SN-1",
        },
        {
            content: "three of them",
            trigger: ".modal div[name=next_serial_count] input",
            run: "edit 3 && click body",
        },
        {
            content: "Generate",
            trigger: ".modal .btn-primary:contains(Generate)",
            run: "click",
        },
        {
            content: "Three serial numbers, the last STORY-SN-3",
            trigger: ".modal .o_field_cell[name=lot_name]:contains(STORY-SN-3)",
        },
        {
            content: "Save the details",
            trigger: ".modal-footer .btn-primary:contains(Save)",
            run: "click",
        },
        {
            content: "Back on the receipt",
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "Validate it",
            trigger: ".o_form_view .o_form_statusbar button[name=button_validate]",
            run: "click",
        },
        {
            content: "The receipt is done",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Done)",
        },
        {
            content: "The Equipment button counts the three pumps",
            trigger: ".o-form-buttonbox button[name=action_hc_view_equipment]:contains(3)",
            run: "click",
        },
        {
            content: "Three pumps, each with its serial",
            trigger:
                ".o_list_view:has(.o_data_row:contains(STORY-SN-1)):has(.o_data_row:contains(STORY-SN-2)):has(.o_data_row:contains(STORY-SN-3))",
        },
        {
            content: "in the store they were received into",
            trigger: ".o_list_view .o_data_row:contains(STORY-SN-1) td[name=location]:contains(ICU)",
        },
        {
            content: "Open the first pump",
            trigger: ".o_list_view .o_data_row:contains(STORY-SN-1) td[name=name]",
            run: "click",
        },
        {
            content: "Its lifecycle in one place",
            trigger: ".o_form_view .o_notebook a[name=hc_lifecycle]",
            run: "click",
        },
        {
            content: "It has a draft asset",
            trigger: ".o_form_view .o_field_widget[name=hc_asset_state]:contains(Draft)",
        },
        {
            content: "and its serial number",
            trigger: ".o_form_view .o_field_widget[name=hc_lot_id]:contains(STORY-SN-1)",
        },
        {
            content: "charged to the order's cost centre",
            trigger: ".o_form_view .o_field_widget[name=hc_cost_center_id] input:value('[CC-ICU] Intensive care')",
        },
    ],
});

// step 2: the EAM received each pump and answered its asset id
registry.category("web_tour.tours").add("hc_asset_story_eam_tour", {
    steps: () => [
        {
            content: "Its lifecycle",
            trigger: ".o_form_view .o_notebook a[name=hc_lifecycle]",
            run: "click",
        },
        {
            content: "shows the EAM's asset id",
            trigger: ".o_form_view .o_field_widget[name=hc_eam_ref]:contains(EAM-)",
        },
        {
            content: "and that the EAM is in step",
            trigger: ".o_form_view .o_field_widget[name=hc_eam_in_sync] input:checked",
        },
    ],
});
