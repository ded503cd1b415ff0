# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, time, timedelta

import requests

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.healthcare_integration_core.lib import schema

from ..lib import reconcile as lib


class HcReconciliationPeriod(models.Model):
    """One day of a reconciliation: what was exchanged against the partner's
    report, and the result.

    Checking a period again (the partner corrected its report, a missing
    document was replayed) keeps the differences still found, closes those
    that are gone and adds the new ones, so an acknowledged difference is not
    raised twice.
    """

    _name = "hc.reconciliation.period"
    _description = "Integration Reconciliation Period"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "day desc, id desc"
    _rec_name = "display_name"

    reconciliation_id = fields.Many2one(
        "hc.reconciliation", required=True, ondelete="cascade", index=True
    )
    flow_id = fields.Many2one(
        related="reconciliation_id.flow_id", store=True, index=True
    )
    company_id = fields.Many2one(
        related="reconciliation_id.company_id", store=True, index=True
    )
    day = fields.Date(
        required=True,
        readonly=True,
        help="The day checked: from 00:00 to 24:00 UTC.",
    )
    state = fields.Selection(
        [
            ("new", "Not checked yet"),
            ("matched", "Matched"),
            ("differences", "Differences"),
            ("failed", "Report unavailable"),
        ],
        required=True,
        default="new",
        readonly=True,
        index=True,
        tracking=True,
    )
    checked_at = fields.Datetime(string="Checked at", readonly=True)
    check_count = fields.Integer(
        string="Checks", readonly=True, help="How many times it was checked."
    )
    our_count = fields.Integer(string="Documents exchanged", readonly=True)
    their_count = fields.Integer(string="Documents in the report", readonly=True)
    our_amount = fields.Float(string="Amount exchanged", readonly=True)
    their_amount = fields.Float(string="Amount in the report", readonly=True)
    report_has_amounts = fields.Boolean(
        readonly=True, help="The partner's report gives amounts (else counts only)."
    )
    error_text = fields.Text(readonly=True)
    difference_ids = fields.One2many(
        "hc.reconciliation.difference", "period_id", readonly=True
    )
    open_difference_count = fields.Integer(
        compute="_compute_open_difference_count", string="Open differences"
    )

    _sql_constraints = [
        (
            "day_unique",
            "unique(reconciliation_id, day)",
            "A reconciliation has one period per day.",
        ),
    ]

    @api.depends("reconciliation_id.name", "day")
    def _compute_display_name(self):
        for period in self:
            period.display_name = f"{period.reconciliation_id.name} {period.day or ''}"

    def _compute_open_difference_count(self):
        for period in self:
            period.open_difference_count = len(
                period.difference_ids.filtered(lambda d: d.state == "open")
            )

    @api.model
    def _for_day(self, reconciliation, day):
        period = self.search(
            [("reconciliation_id", "=", reconciliation.id), ("day", "=", day)]
        )
        return period or self.create(
            {"reconciliation_id": reconciliation.id, "day": day}
        )

    def _bounds(self):
        """The period's start and end (UTC, end excluded)."""
        start = datetime.combine(self.day, time.min)
        return start, start + timedelta(days=1)

    # ------------------------------------------------------------------ check

    def _check(self):
        """Compare the day's documents with the partner's report; record it."""
        self.ensure_one()
        reconciliation = self.reconciliation_id
        handler = reconciliation._handler()
        start, end = self._bounds()
        values = {
            "checked_at": fields.Datetime.now(),
            "check_count": self.check_count + 1,
        }
        try:
            found, figures = handler.compare_period(reconciliation, start, end)
        except (lib.ReportError, UserError, requests.RequestException) as exc:
            self.write({**values, "state": "failed", "error_text": str(exc)})
            return self
        except schema.PayloadValidationError as exc:
            text = "; ".join(exc.errors)
            self.write({**values, "state": "failed", "error_text": text})
            return self
        our_count, their_count, our_amount, their_amount = figures
        self.write(
            {
                **values,
                "state": "differences" if found else "matched",
                "error_text": False,
                "our_count": our_count,
                "their_count": their_count,
                "our_amount": float(our_amount or 0),
                "their_amount": float(their_amount or 0),
                "report_has_amounts": their_amount is not None,
            }
        )
        new = self.difference_ids._record(self, found)
        if new:
            self._notify_owner(new)
        return self

    def _notify_owner(self, differences):
        """An activity for the flow's business owner, as a business exception
        gets one."""
        owner = self.flow_id._business_owner()
        labels = dict(differences._fields["kind"]._description_selection(self.env))
        if not owner:
            self.message_post(
                body=_("No business owner to tell: set the flow's or its backend's.")
            )
            return
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=owner.id,
            summary=_("%s: differences with the partner's report", self.display_name),
            note=_(
                "%(count)s new difference(s): %(kinds)s",
                count=len(differences),
                kinds=", ".join(
                    sorted({labels[kind] for kind in differences.mapped("kind")})
                ),
            ),
        )

    def _on_differences_settled(self):
        """Every difference is acknowledged, replayed or gone: the activity is done."""
        for period in self:
            if period.difference_ids.filtered(lambda d: d.state == "open"):
                continue
            period.sudo().activity_ids.action_feedback(
                feedback=_("Every difference is settled.")
            )

    # ------------------------------------------------------------------ actions

    def action_check_again(self):
        for period in self:
            period._check()
            period._on_differences_settled()
        return True

    def action_view_differences(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "healthcare_integration_reconciliation.hc_reconciliation_difference_action"
        )
        action["domain"] = [("period_id", "=", self.id)]
        return action
