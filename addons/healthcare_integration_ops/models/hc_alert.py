# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import _, api, fields, models

from odoo.addons.healthcare_integration_core.lib import states as st

from .hc_alert_rule import CONDITIONS
from .hc_ops_dashboard import BUSINESS_EXCEPTIONS, TECHNICAL_FAILURES

MAIL_TEMPLATE = "healthcare_integration_ops.mail_template_hc_alert"


class HcAlert(models.Model):
    """A condition of an alert rule that holds on one flow (or backend).

    One open alert per rule and subject: while the condition holds, the
    evaluation only updates the measured value; once it clears, the alert
    closes and its activity is marked done. Opening and closing are audited.
    """

    _name = "hc.alert"
    _description = "Integration Alert"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "opened_at desc, id desc"

    name = fields.Char(required=True, readonly=True)
    rule_id = fields.Many2one(
        "hc.alert.rule", required=True, ondelete="cascade", index=True, readonly=True
    )
    condition = fields.Selection(CONDITIONS, required=True, readonly=True, index=True)
    flow_id = fields.Many2one("hc.flow", ondelete="cascade", readonly=True, index=True)
    backend_id = fields.Many2one(
        "hc.backend", required=True, ondelete="cascade", readonly=True, index=True
    )
    company_id = fields.Many2one(
        related="backend_id.company_id", store=True, index=True
    )
    state = fields.Selection(
        [("open", "Open"), ("closed", "Closed")],
        required=True,
        default="open",
        readonly=True,
        index=True,
        tracking=True,
    )
    opened_at = fields.Datetime(required=True, readonly=True)
    closed_at = fields.Datetime(readonly=True)
    checked_at = fields.Datetime(readonly=True, string="Last checked")
    value = fields.Float(
        readonly=True, help="What the rule measured at its last check."
    )
    threshold = fields.Integer(readonly=True)
    owner_id = fields.Many2one(
        "res.users", readonly=True, index=True, help="Who was alerted."
    )
    owner_role = fields.Selection(
        [("business", "Business owner"), ("technical", "Technical owner")],
        readonly=True,
    )
    description = fields.Text(readonly=True)

    def init(self):
        # one open alert per rule and subject, even under concurrent evaluation
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS hc_alert_open_subject_uniq
                ON hc_alert (rule_id, coalesce(flow_id, 0), backend_id)
             WHERE state = 'open'
            """
        )

    def _subject(self):
        self.ensure_one()
        return (self.flow_id.id or False, self.backend_id.id)

    # ------------------------------------------------------------------ opening

    @api.model
    def _raise(self, rule, subject, value, now):
        """Open an alert on ``subject`` and tell its owner (activity and email)."""
        flow = self.env["hc.flow"].sudo().browse(subject[0] or [])
        backend = self.env["hc.backend"].sudo().browse(subject[1])
        owner = self._owner(rule, flow, backend)
        alert = self.sudo().create(
            {
                "name": self._title(rule, flow, backend),
                "rule_id": rule.id,
                "condition": rule.condition,
                "flow_id": flow.id or False,
                "backend_id": backend.id,
                "opened_at": now,
                "checked_at": now,
                "value": value,
                "threshold": rule.threshold,
                "owner_id": owner.id or False,
                "owner_role": rule.owner_role,
                "description": self._describe(rule, flow, backend, value),
            }
        )
        alert._notify_owner()
        self.env["hc.audit.log"]._log(
            "alert_open",
            alert,
            {
                "rule": rule.name,
                "condition": rule.condition,
                "value": value,
                "threshold": rule.threshold,
                "owner": owner.login or None,
            },
        )
        return alert

    def _update_value(self, value, now):
        """The condition still holds: the value measured now, in the
        description too (it says how many)."""
        self.ensure_one()
        vals = {"checked_at": now}
        if value != self.value:
            vals.update(
                value=value,
                description=self._describe(
                    self.rule_id, self.flow_id, self.backend_id, value
                ),
            )
        self.write(vals)

    @api.model
    def _owner(self, rule, flow, backend):
        business = rule.owner_role == "business"
        if flow:
            owner = flow._business_owner() if business else flow._technical_owner()
        else:
            owner = (
                backend.business_owner_id if business else backend.technical_owner_id
            )
        return owner or rule.fallback_user_id

    @api.model
    def _title(self, rule, flow, backend):
        label = dict(CONDITIONS)[rule.condition]
        return _(
            "%(condition)s: %(subject)s",
            condition=label,
            subject=flow.display_name if flow else backend.display_name,
        )

    @api.model
    def _describe(self, rule, flow, backend, value):
        params = {
            "value": f"{value:g}",
            "subject": flow.display_name if flow else backend.display_name,
            "threshold": rule.threshold,
            "minutes": rule.minutes,
        }
        if rule.condition == "dead_messages":
            return _(
                "%(value)s failed message(s) of %(subject)s wait to be acknowledged "
                "(alert above %(threshold)s).",
                **params,
            )
        if rule.condition == "late_messages":
            return _(
                "%(value)s message(s) of %(subject)s are past their SLA "
                "(alert above %(threshold)s).",
                **params,
            )
        if rule.condition == "breaker_open":
            return _(
                "The circuit breaker of %(subject)s has been open for %(value)s "
                "minutes (alert after %(minutes)s); its calls are deferred.",
                **params,
            )
        if rule.condition == "run_failed":
            return _(
                "The last batch run of %(subject)s failed; the next run resumes "
                "from the flow's watermark.",
                **params,
            )
        return _(
            "%(value)s business exception(s) of %(subject)s have been open for "
            "more than %(minutes)s minutes (alert above %(threshold)s).",
            **params,
        )

    def _notify_owner(self):
        """An activity and an email (through Odoo's mail queue) for the owner."""
        self.ensure_one()
        if not self.owner_id:
            self.message_post(
                body=_("No owner to alert: set the flow's or the backend's owners.")
            )
            return
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=self.owner_id.id,
            summary=self.name,
            note=self.description,
        )
        template = self.env.ref(MAIL_TEMPLATE, raise_if_not_found=False)
        if template and self.owner_id.email:
            template.sudo().send_mail(self.id, force_send=False)

    # ------------------------------------------------------------------ closing

    def _close(self, now=None):
        """The condition cleared: close, mark the activities done, audit."""
        now = now or fields.Datetime.now()
        for alert in self.filtered(lambda a: a.state == "open"):
            alert.sudo().write({"state": "closed", "closed_at": now, "checked_at": now})
            alert.sudo().activity_ids.action_feedback(
                feedback=_("The condition cleared; the alert closed by itself.")
            )
            self.env["hc.audit.log"]._log(
                "alert_close",
                alert,
                {"rule": alert.rule_id.name, "open_minutes": alert._open_minutes(now)},
            )

    def _open_minutes(self, now):
        return round(((self.closed_at or now) - self.opened_at).total_seconds() / 60, 1)

    # ------------------------------------------------------------------ actions

    def _domain_behind(self):
        """The records that make the condition hold (what the owner must look at)."""
        self.ensure_one()
        flow = [("flow_id", "=", self.flow_id.id)]
        now = fields.Datetime.now()
        if self.condition == "dead_messages":
            return "hc.message", TECHNICAL_FAILURES + flow
        if self.condition == "business_exceptions":
            before = now - timedelta(minutes=self.rule_id.minutes)
            return "hc.message", [
                *BUSINESS_EXCEPTIONS,
                *flow,
                ("done_at", "<", fields.Datetime.to_string(before)),
            ]
        if self.condition == "late_messages":
            return "hc.message", [
                *flow,
                ("state", "in", st.PENDING),
                ("sla_deadline", "<", fields.Datetime.to_string(now)),
            ]
        if self.condition == "run_failed":
            return "hc.sync.run", [*flow, ("state", "=", st.DEAD)]
        return "hc.message", [
            ("backend_id", "=", self.backend_id.id),
            ("direction", "=", "outbound"),
            ("state", "in", st.WAITING),
        ]

    def action_view_records(self):
        self.ensure_one()
        model, domain = self._domain_behind()
        return {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": model,
            "domain": domain,
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
        }
