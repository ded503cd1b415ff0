/** @odoo-module **/
/* Copyright 2026 Healthcare Integration for Odoo contributors
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */

import {Component, onWillUnmount, reactive, useState} from "@odoo/owl";
import {BadgeField, badgeField} from "@web/views/fields/badge/badge_field";
import {ListController} from "@web/views/list/list_controller";
import {_t} from "@web/core/l10n/translation";
import {listView} from "@web/views/list/list_view";
import {registry} from "@web/core/registry";
import {standardWidgetProps} from "@web/views/widgets/standard_widget_props";
import {useService} from "@web/core/utils/hooks";

export const RECORD_PROGRESS = "hc.record/progress";
export const LIST_CHANGED = "hc.list/changed";

/** The last progress notice of each record at work ("model:id" -> notice). */
const progressByRecord = reactive({});

/**
 * Keep the progress notices the server sends while a long transaction works
 * (hc.live._progress_now: e.g. a file pull, file by file). The record's own
 * channel (form) or its model's live list channel brings them.
 */
function useProgressNotices() {
    const bus = useService("bus_service");
    const handler = (notice) => {
        progressByRecord[`${notice.model}:${notice.id}`] = notice;
    };
    bus.subscribe(RECORD_PROGRESS, handler);
    onWillUnmount(() => bus.unsubscribe(RECORD_PROGRESS, handler));
    return useState(progressByRecord);
}

/** "File 3 of 7: 855_0001.x12 (2 stored, 1 already stored)" */
export function progressText(notice) {
    if (!notice || !notice.total) {
        return "";
    }
    const counts = [];
    if (notice.stored) {
        counts.push(_t("%s stored", notice.stored));
    }
    if (notice.skipped) {
        counts.push(_t("%s already stored", notice.skipped));
    }
    const text = _t("File %(n)s of %(total)s: %(file)s", {
        n: Math.min(notice.done + 1, notice.total),
        total: notice.total,
        file: notice.file || "",
    });
    return counts.length ? `${text} (${counts.join(", ")})` : text;
}

function noticeOf(notices, record) {
    if (record.data.state !== "running") {
        return null;
    }
    return notices[`${record.resModel}:${record.resId}`] || null;
}

/** On a run's form: the file at work and how many are done, live. */
export class HcLiveProgress extends Component {
    static template = "healthcare_integration_core.HcLiveProgress";
    static props = {...standardWidgetProps};

    setup() {
        this.notices = useProgressNotices();
    }

    get notice() {
        return noticeOf(this.notices, this.props.record);
    }

    get text() {
        return progressText(this.notice);
    }

    get percent() {
        const notice = this.notice;
        return notice ? Math.round((100 * notice.done) / notice.total) : 0;
    }
}

/** A run's state in a live list, with the file at work while it runs. */
export class HcLiveRunStateField extends BadgeField {
    static template = "healthcare_integration_core.HcLiveRunStateField";

    setup() {
        super.setup();
        this.notices = useProgressNotices();
    }

    get notice() {
        return noticeOf(this.notices, this.props.record);
    }

    /** "224/300 files", the whole text in its tooltip */
    get progressShort() {
        const notice = this.notice;
        if (!notice || !notice.total) {
            return "";
        }
        return _t("%(n)s/%(total)s files", {
            n: Math.min(notice.done + 1, notice.total),
            total: notice.total,
        });
    }

    get progressText() {
        return progressText(this.notice);
    }
}

/**
 * A list that follows its records live: it listens to its model's channel
 * (hc_list:<model>, granted by ir.websocket to who may read the model) and
 * reloads when one of its records changed or a new one was created.
 */
export class HcLiveListController extends ListController {
    setup() {
        super.setup();
        const bus = useService("bus_service");
        const channel = `hc_list:${this.props.resModel}`;
        let timer = null;
        const reload = async () => {
            timer = null;
            if (!this.model.root.editedRecord) {
                await this.model.load();
            }
        };
        const handler = ({model}) => {
            if (model === this.props.resModel && !timer) {
                // one reload for the notices of a second
                timer = setTimeout(reload, 300);
            }
        };
        bus.subscribe(LIST_CHANGED, handler);
        bus.addChannel(channel);
        onWillUnmount(() => {
            clearTimeout(timer);
            bus.unsubscribe(LIST_CHANGED, handler);
            bus.deleteChannel(channel);
        });
    }
}

registry.category("view_widgets").add("hc_live_progress", {
    component: HcLiveProgress,
});
registry.category("fields").add("hc_live_run_state", {
    ...badgeField,
    component: HcLiveRunStateField,
});
registry.category("views").add("hc_live_list", {
    ...listView,
    Controller: HcLiveListController,
});
