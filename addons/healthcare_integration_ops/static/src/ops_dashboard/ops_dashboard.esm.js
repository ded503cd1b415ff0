/** @odoo-module **/
/* Copyright 2026 Healthcare Integration for Odoo contributors
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */

import {Component, onWillStart, onWillUnmount, useState} from "@odoo/owl";
import {Layout} from "@web/search/layout";
import {registry} from "@web/core/registry";
import {standardActionServiceProps} from "@web/webclient/actions/action_service";
import {useMessageChanges} from "@healthcare_integration_core/message_live/message_live.esm";
import {useService} from "@web/core/utils/hooks";

// a busy runtime changes messages all the time: the figures follow, calmly
const LIVE_RELOAD_DELAY = 5000;

/**
 * One figure of the dashboard; clicking it opens the list it was counted from.
 */
export class HcFigure extends Component {
    static template = "healthcare_integration_ops.HcFigure";
    static props = {
        figure: Object,
        onOpen: Function,
        big: {type: Boolean, optional: true},
    };

    get toneClass() {
        const tone = this.props.figure.tone;
        return tone ? `text-${tone}` : "";
    }
}

/**
 * Integration > Dashboard: technical and business health per backend and flow.
 * The figures come from hc.ops.dashboard.get_dashboard_data (indexed SQL).
 */
export class HcOpsDashboard extends Component {
    static template = "healthcare_integration_ops.HcOpsDashboard";
    static components = {Layout, HcFigure};
    static props = {...standardActionServiceProps};

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.state = useState({data: null, loading: false});
        this.openFigure = this.openFigure.bind(this);
        onWillStart(() => this.load());
        // messages changed: figures again, at most every few seconds
        useMessageChanges(() => this.scheduleReload());
        onWillUnmount(() => clearTimeout(this.reloadTimer));
    }

    scheduleReload() {
        if (this.reloadTimer) {
            return;
        }
        this.reloadTimer = setTimeout(() => {
            this.reloadTimer = null;
            this.load();
        }, LIVE_RELOAD_DELAY);
    }

    async load() {
        this.state.loading = true;
        try {
            this.state.data = await this.orm.call(
                "hc.ops.dashboard",
                "get_dashboard_data",
                []
            );
        } finally {
            this.state.loading = false;
        }
    }

    openFigure(figure) {
        const action = figure.action;
        if (!action) {
            return;
        }
        this.actionService.doAction({
            type: "ir.actions.act_window",
            name: action.name,
            res_model: action.res_model,
            domain: action.domain,
            context: action.context,
            views: [
                [false, "list"],
                [false, "form"],
            ],
            target: "current",
        });
    }
}

registry.category("actions").add("hc_ops_dashboard", HcOpsDashboard);
