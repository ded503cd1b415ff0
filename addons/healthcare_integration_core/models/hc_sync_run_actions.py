# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models

from ..lib import states as st

USER_GROUP = "healthcare_integration_core.group_hc_user"


class HcSyncRunActions(models.AbstractModel):
    """What a sync run's form shows and does: its progress, followed live
    (hc.live), *Run now*'s answer, its pages.

    Inherited by ``hc.sync.run``.
    """

    _name = "hc.sync.run.actions"
    _description = "Integration Sync Run: Screens"

    progress = fields.Float(
        compute="_compute_progress",
        help="Share of the pages fetched so far that are done in order.",
    )

    def _compute_progress(self):
        # read afresh with the run (no depends: it is never stored)
        for run in self:
            if run.state != st.RUNNING:
                run.progress = 100.0
            elif run.page_count:
                run.progress = 100.0 * run.pages_done / run.page_count
            else:
                run.progress = 0.0

    @api.model_create_multi
    def create(self, vals_list):
        runs = super().create(vals_list)
        self.env["hc.live"]._notify(runs)  # the live run list shows them
        return runs

    def write(self, vals):
        res = super().write(vals)
        # an open run form follows its progress (each pull job commits some)
        self.env["hc.live"]._notify(self)
        return res

    def _action_run_now(self, joined):
        """What *Run now* answers: a word on the runs it started and those
        already at work (``joined``), then their form for who may read it."""
        lines = []
        for run in self - joined:
            purpose = run.flow_id._purpose()
            lines.append(
                _(
                    "%(flow)s started.%(purpose)s Its run: %(run)s.",
                    flow=run.flow_id.name,
                    purpose=f" {purpose}" if purpose else "",
                    run=run.name,
                )
            )
        for run in joined:
            origin = _("by the schedule") if run.origin == "schedule" else _("by hand")
            lines.append(
                _(
                    "%(flow)s was already at work (started %(origin)s): here is "
                    "its run %(run)s.",
                    run=run.name,
                    flow=run.flow_id.name,
                    origin=origin,
                )
            )
        params = {
            "type": "info",
            "message": " ".join(lines) or _("Nothing to run: the flow is paused."),
        }
        if self and self.env.user.has_group(USER_GROUP):
            params["next"] = self._action_open()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": params,
        }

    def _action_open(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "healthcare_integration_core.hc_sync_run_action"
        )
        if len(self) == 1:
            action.update(res_id=self.id, view_mode="form", views=[(False, "form")])
        else:
            action["domain"] = [("id", "in", self.ids)]
        return action

    def action_view_messages(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "healthcare_integration_core.hc_message_action"
        )
        action["domain"] = [("run_id", "=", self.id)]
        return action
