/** @odoo-module **/
/* Copyright 2026 Healthcare Integration for Odoo contributors
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */

import {FormController} from "@web/views/form/form_controller";
import {ListController} from "@web/views/list/list_controller";
import {formView} from "@web/views/form/form_view";
import {listView} from "@web/views/list/list_view";
import {onWillUnmount} from "@odoo/owl";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";

export const MESSAGE_CHANGED = "hc.message/changed";

/**
 * Call ``onChange(ids)`` whenever the server says messages changed (state,
 * resolution): the runtime sends one bus notification per transaction to
 * integration users (hc.message.actions._notify_changed).
 */
export function useMessageChanges(onChange) {
    const bus = useService("bus_service");
    const handler = (payload) => onChange(new Set(payload.ids || []));
    bus.subscribe(MESSAGE_CHANGED, handler);
    onWillUnmount(() => bus.unsubscribe(MESSAGE_CHANGED, handler));
}

/** The message form reloads its record when it changed, unless being edited. */
export class HcMessageFormController extends FormController {
    setup() {
        super.setup();
        useMessageChanges(async (ids) => {
            const record = this.model.root;
            if (!record.resId || !ids.has(record.resId)) {
                return;
            }
            if (await record.isDirty()) {
                return;
            }
            await record.load();
        });
    }
}

/** Message lists reload when one of their lines changed. */
export class HcMessageListController extends ListController {
    setup() {
        super.setup();
        useMessageChanges(async (ids) => {
            const shown = this.model.root.records.some((r) => ids.has(r.resId));
            if (shown && !this.model.root.editedRecord) {
                await this.model.load();
            }
        });
    }
}

registry.category("views").add("hc_message_form", {
    ...formView,
    Controller: HcMessageFormController,
});
registry.category("views").add("hc_message_list", {
    ...listView,
    Controller: HcMessageListController,
});
