# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

_logger = logging.getLogger(__name__)

SOURCES = [
    ("api", "Partner's API"),
    ("file", "Partner's control file (SFTP or folder)"),
    ("trailer", "Control trailers of received files"),
    ("handler", "Computed by the handler"),
]
STATES = [
    ("new", "Not checked yet"),
    ("matched", "Matched"),
    ("differences", "Differences"),
    ("failed", "Report unavailable"),
]


class HcReconciliation(models.Model):
    """A reconciliation a flow declares: what it exchanged, per day and document
    type, against the partner's control report.

    Each day is checked once it is ``lag_days`` old (the partner's report is
    complete), by the scheduled action; the result is one period per day:
    matched, or its differences (business exceptions for the flow's business
    owner, acknowledgeable and replayable). What "exchanged" and "the
    partner's report" mean for a flow is its handler's
    (``hc.reconciliation.handler``), as a flow type names its handler.
    """

    _name = "hc.reconciliation"
    _description = "Integration Reconciliation"
    _inherit = ["mail.thread"]
    _order = "flow_id, id"

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    flow_id = fields.Many2one(
        "hc.flow", required=True, ondelete="cascade", index=True, tracking=True
    )
    backend_id = fields.Many2one(related="flow_id.backend_id", store=True)
    company_id = fields.Many2one(related="flow_id.company_id", store=True, index=True)
    handler_model = fields.Char(
        required=True,
        default="hc.reconciliation.handler",
        tracking=True,
        help="The abstract model that lists what was exchanged and reads the "
        "partner's report (hc.reconciliation.handler or one inheriting it).",
    )
    source = fields.Selection(
        SOURCES,
        required=True,
        default="api",
        tracking=True,
        help="Partner's API: GET the control endpoint on the flow's backend for "
        "each day. Control trailers: the counts the partner's X12 files declare "
        "(GE01 per functional group). Control file: read the day's file from "
        "the in folder of the SFTP (or folder) backend. Handler: the handler "
        "builds the report.",
    )
    control_file_pattern = fields.Char(
        default="control/control_{date}.json",
        help="Control file: its name in the backend's in folder; {date} is the "
        "day (YYYY-MM-DD). CSV when it ends in .csv (columns type, reference, "
        "amount, date; or type, count, amount, date), else JSON as the API's. "
        "A subfolder keeps it out of the way of the inbound flows that list "
        "the in folder.",
    )
    control_endpoint = fields.Char(
        default="/control-report?date={date}",
        help="Path of the partner's daily control report; {date} is the day "
        "(YYYY-MM-DD).",
    )
    control_backend_id = fields.Many2one(
        "hc.backend",
        ondelete="restrict",
        help="Partner's API: the backend that serves the report, when the partner "
        "reports from another system than the flow's backend.",
    )
    control_flow_id = fields.Many2one(
        "hc.flow",
        ondelete="set null",
        help="Control trailers: the inbound flow whose files carry them (the "
        "reconciled flow itself when empty).",
    )
    lag_days = fields.Integer(
        default=1,
        help="A day is checked once this many days have passed (the partner's "
        "report is complete).",
    )
    first_day = fields.Date(
        default=lambda self: fields.Date.today() - timedelta(days=1),
        required=True,
        help="The first day to reconcile.",
    )
    amount_tolerance = fields.Float(
        default=0.0, help="Amounts within this tolerance are equal."
    )
    period_ids = fields.One2many("hc.reconciliation.period", "reconciliation_id")
    difference_ids = fields.One2many(
        "hc.reconciliation.difference", "reconciliation_id"
    )
    last_period_id = fields.Many2one(
        "hc.reconciliation.period", readonly=True, string="Last period checked"
    )
    state = fields.Selection(
        STATES,
        compute="_compute_state",
        store=True,
        help="The result of the last period checked.",
    )
    open_difference_count = fields.Integer(
        compute="_compute_open_difference_count", string="Open differences"
    )

    @api.depends("last_period_id.state")
    def _compute_state(self):
        for reconciliation in self:
            period = reconciliation.last_period_id
            reconciliation.state = period.state if period else "new"

    def _compute_open_difference_count(self):
        counts = dict(
            self.env["hc.reconciliation.difference"]._read_group(
                [("reconciliation_id", "in", self.ids), ("state", "=", "open")],
                ["reconciliation_id"],
                ["__count"],
            )
        )
        for reconciliation in self:
            reconciliation.open_difference_count = counts.get(reconciliation, 0)

    @api.constrains("handler_model")
    def _check_handler_model(self):
        for reconciliation in self:
            model = reconciliation.handler_model
            if model not in self.env or not getattr(
                self.env[model], "_hc_is_reconciliation_handler", False
            ):
                raise ValidationError(
                    _(
                        "%(model)s is not a reconciliation handler (a model "
                        "inheriting hc.reconciliation.handler).",
                        model=model,
                    )
                )

    @api.constrains("lag_days", "amount_tolerance")
    def _check_figures(self):
        for reconciliation in self:
            if reconciliation.lag_days < 0 or reconciliation.amount_tolerance < 0:
                raise ValidationError(_("Lags and tolerances are not negative."))

    def _handler(self):
        self.ensure_one()
        return self.env[self.handler_model]

    # ------------------------------------------------------------------ schedule

    def _due_days(self, today=None):
        """The days not checked yet that are old enough to be checked."""
        self.ensure_one()
        # a period is a UTC day (hc.reconciliation.period._bounds), whatever
        # the time zone of the user or the scheduled action
        today = today or fields.Date.today()
        last = today - timedelta(days=self.lag_days)
        checked = set(
            self.period_ids.filtered(lambda p: p.state != "failed").mapped("day")
        )
        day, days = self.first_day, []
        while day <= last:
            if day not in checked:
                days.append(day)
            day += timedelta(days=1)
        return days

    @api.model
    def _cron_reconcile(self):
        """Check the due days of every active reconciliation; one failing
        reconciliation does not stop the others."""
        for reconciliation in self.search([("flow_id.active", "=", True)]):
            for day in reconciliation._due_days():
                try:
                    with self.env.cr.savepoint():
                        reconciliation._reconcile_day(day)
                except Exception:
                    _logger.exception(
                        "reconciliation %s of %s failed", reconciliation.name, day
                    )

    def _reconcile_day(self, day):
        """Check one day: the period, with its result and differences."""
        self.ensure_one()
        period = self.env["hc.reconciliation.period"].sudo()._for_day(self, day)
        period._check()
        if not self.last_period_id or self.last_period_id.day <= day:
            self.sudo().last_period_id = period
        return period

    # ------------------------------------------------------------------ actions

    def action_reconcile_due(self):
        for reconciliation in self:
            for day in reconciliation._due_days():
                reconciliation._reconcile_day(day)
        return True

    def action_check_today(self):
        """Check today (UTC) so far (the scheduled check waits for ``lag_days``)."""
        for reconciliation in self:
            reconciliation._reconcile_day(fields.Date.today())
        return self.action_view_periods() if len(self) == 1 else True

    def action_view_periods(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "healthcare_integration_reconciliation.hc_reconciliation_period_action"
        )
        action["domain"] = [("reconciliation_id", "=", self.id)]
        return action

    def action_view_differences(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "healthcare_integration_reconciliation.hc_reconciliation_difference_action"
        )
        action["domain"] = [("reconciliation_id", "=", self.id)]
        action["context"] = {"search_default_open": 1}
        return action
