# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import _, api, fields, models

_logger = logging.getLogger(__name__)


class HcFlowSchedule(models.AbstractModel):
    """When a flow runs on its own: batch pulls, scheduled pushes, file polling.

    Each scheduled flow owns a scheduled action, run by the least-privilege
    Integration Processor, that starts one sync run. Inherited by ``hc.flow``.
    """

    _name = "hc.flow.schedule"
    _description = "Integration Flow Schedule"

    is_scheduled = fields.Boolean(
        compute="_compute_is_scheduled",
        help="Run by its own scheduled action (batch pulls, file polling).",
    )
    # scheduled flows
    cron_id = fields.Many2one("ir.cron", readonly=True, ondelete="set null", copy=False)
    batch_interval_minutes = fields.Integer(default=60)
    batch_page_size = fields.Integer(default=100)
    watermark = fields.Char(
        tracking=True,
        copy=False,
        help="Position up to which the batch has committed every page.",
    )
    run_ids = fields.One2many("hc.sync.run", "flow_id", string="Sync runs")

    # ------------------------------------------------------------------ schedule

    def _is_scheduled(self):
        """Pulled by the scheduler: batch types, and what files bring in.

        On an SFTP or folder backend, an inbound flow has nobody to call it:
        whatever its type's trigger, its files are polled on its schedule.
        """
        return self.trigger == "schedule" or (
            self.direction == "inbound" and self.backend_id._is_file_transport()
        )

    @api.depends("trigger", "direction", "backend_id.transport")
    def _compute_is_scheduled(self):
        for flow in self:
            flow.is_scheduled = flow._is_scheduled()

    def _sync_cron(self):
        """Give each scheduled flow its own scheduled action, run by the processor.

        The action calls ``hc.sync.run._cron_run(flow id)``, which the
        Integration Processor may run; it records a failed run instead of
        failing silently in the server log.
        """
        for flow in self:
            if not flow._is_scheduled():
                flow.cron_id.sudo().active = False
                continue
            vals = {
                "name": _("Integration batch: %s", flow.display_name),
                "model_id": self.env["ir.model"]._get_id("hc.sync.run"),
                "state": "code",
                "code": f"model._cron_run({flow.id})",
                "interval_number": max(flow.batch_interval_minutes, 1),
                "interval_type": "minutes",
                "active": flow.active,
                "user_id": self.env["hc.message"]._processing_user().id,
            }
            if flow.cron_id:
                flow.cron_id.sudo().write(vals)
            else:
                flow.cron_id = self.env["ir.cron"].sudo().create(vals)

    def _run_batch(self):
        """Start one sync run now (pull or scheduled push); returns the run."""
        self.ensure_one()
        if self._is_paused():
            _logger.info("flow %s is paused; run skipped", self.display_name)
            return self.env["hc.sync.run"]
        if self.direction == "inbound":
            return self.env["hc.sync.run"]._start_pull(self)
        handler = self._handler()
        return self._send_batch(
            handler.collect_pages(self), key=handler.batch_key(self)
        )

    def _advance_watermark(self, value):
        """Runtime state: no audit entry, no tracking (``_write_runtime``)."""
        self.ensure_one()
        self.sudo()._write_runtime({"watermark": value})

    def action_run_batch(self):
        """Run now: start a run of each flow and show it. A pull already at
        work (started by the schedule, or by someone else) is shown instead:
        a flow pulls once at a time (hc.sync.run._start_pull)."""
        runs = self.env["hc.sync.run"]
        joined = runs
        for flow in self:
            running = flow.direction == "inbound" and runs._running_pull(flow)
            if running:
                joined |= running
            else:
                runs |= flow._run_batch()
        return (runs | joined)._action_run_now(joined)

    def action_view_runs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "healthcare_integration_core.hc_sync_run_action"
        )
        action["domain"] = [("flow_id", "=", self.id)]
        return action
