# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

WEEKDAYS = range(5)  # Monday to Friday


class HcFlow(models.Model):
    """A flow's reconciliations, and how often it expects inbound traffic.

    A flow that expects a message at least every ``expect_every_minutes``
    (on weekdays only, between two hours of its company's time zone, if so
    configured) is *silent* when none arrived in that window; the alert
    condition ``silence`` tells its owner (``hc.alert.rule``).
    """

    _inherit = "hc.flow"

    reconciliation_ids = fields.One2many("hc.reconciliation", "flow_id")
    reconciliation_count = fields.Integer(compute="_compute_reconciliation_count")
    expect_every_minutes = fields.Integer(
        string="Expect a message every (minutes)",
        tracking=True,
        help="Inbound flows: alert when no message arrived for this long "
        "(0: no expectation).",
    )
    expect_weekdays_only = fields.Boolean(
        string="On weekdays only",
        tracking=True,
        help="Saturdays and Sundays are never silent.",
    )
    expect_hour_from = fields.Integer(
        string="From hour",
        default=0,
        help="Hours of the day (company time zone) when traffic is expected.",
    )
    expect_hour_to = fields.Integer(string="To hour", default=24)

    def _compute_reconciliation_count(self):
        counts = dict(
            self.env["hc.reconciliation"]._read_group(
                [("flow_id", "in", self.ids)], ["flow_id"], ["__count"]
            )
        )
        for flow in self:
            flow.reconciliation_count = counts.get(flow, 0)

    @api.constrains("expect_every_minutes", "expect_hour_from", "expect_hour_to")
    def _check_expectation(self):
        for flow in self:
            if flow.expect_every_minutes < 0:
                raise ValidationError(_("An expected interval is not negative."))
            if not 0 <= flow.expect_hour_from < flow.expect_hour_to <= 24:
                raise ValidationError(
                    _("Expected hours run from 0 to 24, the first before the last.")
                )

    # ------------------------------------------------------------------ silence

    def _tz(self):
        return pytz.timezone(self.company_id.partner_id.tz or "UTC")

    def _expects_traffic_at(self, moment):
        """Whether traffic is expected at ``moment`` (naive UTC)."""
        self.ensure_one()
        local = pytz.utc.localize(moment).astimezone(self._tz())
        if self.expect_weekdays_only and local.weekday() not in WEEKDAYS:
            return False
        return self.expect_hour_from <= local.hour < self.expect_hour_to

    def _silence_minutes(self, now, last_message_at):
        """Minutes of expected traffic without a message, when over the
        flow's interval; else 0.

        Only the time when traffic is expected counts: a feed quiet over the
        weekend is not silent on Monday at 8:05 when it expects a message
        hourly from 8. Counted in steps of five minutes, back to the last
        message (or a week at most).
        """
        self.ensure_one()
        if not self.expect_every_minutes or not self._expects_traffic_at(now):
            return 0
        step = timedelta(minutes=5)
        moment, expected = now, 0
        oldest = now - timedelta(days=7)
        limit = max(last_message_at or oldest, oldest)
        while moment > limit:
            if self._expects_traffic_at(moment):
                expected += 5
                if expected > self.expect_every_minutes:
                    break
            moment -= step
        return expected if expected > self.expect_every_minutes else 0

    def action_view_reconciliations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "healthcare_integration_reconciliation.hc_reconciliation_action"
        )
        action["domain"] = [("flow_id", "=", self.id)]
        action["context"] = {"default_flow_id": self.id}
        return action
