/** @odoo-module **/
/* Copyright 2026 Healthcare Integration for Odoo contributors
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */

import {BadgeField, badgeField} from "@web/views/fields/badge/badge_field";
import {StatusBarField, statusBarField} from "@web/views/fields/statusbar/statusbar_field";
import {onWillUnmount, useEffect} from "@odoo/owl";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";

export const RECORD_CHANGED = "hc.record/changed";

/**
 * Reload the form's record when the server says it changed (hc.live._notify):
 * listens to the record's own bus channel, which the server grants when the
 * user may read the record; a record being edited is left alone.
 */
export function useLiveRecord(getRecord) {
    const bus = useService("bus_service");
    let loading = false;
    const handler = async ({model, id}) => {
        const record = getRecord();
        if (loading || record.resModel !== model || record.resId !== id) {
            return;
        }
        if (await record.isDirty()) {
            return;
        }
        loading = true;
        try {
            await record.load();
        } finally {
            loading = false;
        }
    };
    bus.subscribe(RECORD_CHANGED, handler);
    useEffect(
        (resModel, resId) => {
            if (!resId) {
                return;
            }
            const channel = `hc_record:${resModel}:${resId}`;
            bus.addChannel(channel);
            return () => bus.deleteChannel(channel);
        },
        () => [getRecord().resModel, getRecord().resId]
    );
    onWillUnmount(() => bus.unsubscribe(RECORD_CHANGED, handler));
}

/** A state badge that follows its record live (e.g. an order's transmission). */
export class HcLiveBadgeField extends BadgeField {
    setup() {
        super.setup();
        useLiveRecord(() => this.props.record);
    }
}

/** A statusbar that follows its record live (e.g. a sync run at work). */
export class HcLiveStatusBarField extends StatusBarField {
    setup() {
        super.setup();
        useLiveRecord(() => this.props.record);
    }
}

registry.category("fields").add("hc_live_badge", {
    ...badgeField,
    component: HcLiveBadgeField,
});
registry.category("fields").add("hc_live_statusbar", {
    ...statusBarField,
    component: HcLiveStatusBarField,
});
