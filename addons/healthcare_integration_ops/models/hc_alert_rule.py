# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.healthcare_integration_core.lib import breaker, retry

_logger = logging.getLogger(__name__)

CONDITIONS = [
    ("dead_messages", "Failed messages not acknowledged"),
    ("late_messages", "Late messages (SLA)"),
    ("breaker_open", "Circuit breaker open"),
    ("run_failed", "Batch run failed"),
    ("business_exceptions", "Business exceptions left open"),
]
BUSINESS_CONDITIONS = ("business_exceptions",)


class HcAlertRule(models.Model):
    """A condition watched on flows (or backends), alerting their owners.

    A scheduled action evaluates every rule: each flow (or backend, for the
    circuit breaker) where the condition holds gets one open alert, with an
    activity and an email for its owner; the alert closes by itself once the
    condition clears. Business exceptions go to the flow's business owner,
    technical conditions to its technical owner.
    """

    _name = "hc.alert.rule"
    _description = "Integration Alert Rule"
    _inherit = ["mail.thread", "hc.audit.mixin"]
    _order = "sequence, id"
    _check_company_auto = True

    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    condition = fields.Selection(CONDITIONS, required=True, tracking=True)
    backend_id = fields.Many2one(
        "hc.backend",
        ondelete="cascade",
        tracking=True,
        check_company=True,
        help="Watch the flows of this backend only; all backends when empty.",
    )
    flow_id = fields.Many2one(
        "hc.flow",
        ondelete="cascade",
        tracking=True,
        check_company=True,
        help="Watch this flow only; every flow (of the backend) when empty.",
    )
    threshold = fields.Integer(
        default=0,
        tracking=True,
        help="Alert when more than this many messages meet the condition.",
    )
    minutes = fields.Integer(
        default=60,
        tracking=True,
        help="Circuit breaker: open for longer than this. Business exceptions: "
        "left open for longer than this.",
    )
    owner_role = fields.Selection(
        [("business", "Business owner"), ("technical", "Technical owner")],
        compute="_compute_owner_role",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        help="Which owner of the flow (or, when the flow has none, of its "
        "backend) is alerted.",
    )
    fallback_user_id = fields.Many2one(
        "res.users",
        string="Alert when no owner",
        help="Alerted when the flow and its backend have no such owner.",
    )
    alert_ids = fields.One2many("hc.alert", "rule_id")
    open_alert_count = fields.Integer(compute="_compute_open_alert_count")

    @api.depends("condition")
    def _compute_owner_role(self):
        for rule in self:
            rule.owner_role = (
                "business" if rule.condition in BUSINESS_CONDITIONS else "technical"
            )

    def _compute_open_alert_count(self):
        counts = dict(
            self.env["hc.alert"]._read_group(
                [("rule_id", "in", self.ids), ("state", "=", "open")],
                ["rule_id"],
                ["__count"],
            )
        )
        for rule in self:
            rule.open_alert_count = counts.get(rule, 0)

    @api.constrains("threshold", "minutes", "flow_id", "backend_id")
    def _check_rule(self):
        for rule in self:
            if rule.threshold < 0 or rule.minutes < 0:
                raise ValidationError(_("Thresholds and durations are not negative."))
            if (
                rule.flow_id
                and rule.backend_id
                and (rule.flow_id.backend_id != rule.backend_id)
            ):
                raise ValidationError(
                    _("Flow %s is not a flow of the rule's backend.", rule.flow_id.name)
                )

    # ------------------------------------------------------------------ evaluation

    @api.model
    def _cron_evaluate(self):
        """Evaluate every active rule; one failing rule does not stop the others."""
        for rule in self.search([]):
            try:
                with self.env.cr.savepoint():
                    rule._evaluate()
            except Exception:
                _logger.exception("alert rule %s could not be evaluated", rule.name)

    def _evaluate(self, now=None):
        """Open the alerts of the subjects breaching the rule, close the others.

        Returns (opened, closed) alerts.
        """
        self.ensure_one()
        now = now or fields.Datetime.now()
        breaches = self._breaches(now)
        alerts = self.env["hc.alert"].sudo()
        current = alerts.search([("rule_id", "=", self.id), ("state", "=", "open")])
        by_subject = {alert._subject(): alert for alert in current}
        opened = closed = alerts
        for subject, value in breaches.items():
            alert = by_subject.get(subject)
            if alert:
                alert._update_value(value, now)
            else:
                opened |= alerts._raise(self, subject, value, now)
        for subject, alert in by_subject.items():
            if subject not in breaches:
                alert._close(now)
                closed |= alert
        return opened, closed

    def _flows(self):
        """The active flows the rule watches."""
        domain = [
            ("company_id", "=", self.company_id.id),
            ("backend_id.active", "=", True),
        ]
        if self.flow_id:
            domain.append(("id", "=", self.flow_id.id))
        elif self.backend_id:
            domain.append(("backend_id", "=", self.backend_id.id))
        return self.env["hc.flow"].sudo().search(domain)

    def _backends(self):
        if self.flow_id:
            return self.flow_id.backend_id
        if self.backend_id:
            return self.backend_id
        return (
            self.env["hc.backend"]
            .sudo()
            .search([("company_id", "=", self.company_id.id)])
        )

    def _breaches(self, now):
        """{(flow id or False, backend id): value measured} where it holds."""
        evaluate = getattr(self, f"_breaches_{self.condition}")
        return evaluate(now)

    @staticmethod
    def _by_flow(flows, values, threshold):
        return {
            (flow.id, flow.backend_id.id): values[flow.id]
            for flow in flows
            if values.get(flow.id, 0) > threshold
        }

    def _dead_counts(self, flows, business, done_before=None):
        counts = {}
        rows = self.env["hc.ops.stats"]._unacknowledged_dead(flows, done_before)
        for flow_id, error_class, _kind, count, _oldest in rows:
            if (error_class == retry.ERROR_BUSINESS) == business:
                counts[flow_id] = counts.get(flow_id, 0) + count
        return counts

    def _breaches_dead_messages(self, now):
        flows = self._flows()
        return self._by_flow(flows, self._dead_counts(flows, False), self.threshold)

    def _breaches_business_exceptions(self, now):
        flows = self._flows()
        counts = self._dead_counts(flows, True, now - timedelta(minutes=self.minutes))
        return self._by_flow(flows, counts, self.threshold)

    def _breaches_late_messages(self, now):
        flows = self._flows()
        pending = self.env["hc.ops.stats"]._pending(flows, now)
        late = {flow_id: entry["late"] for flow_id, entry in pending.items()}
        return self._by_flow(flows, late, self.threshold)

    def _breaches_run_failed(self, now):
        flows = self._flows()
        runs = self.env["hc.ops.stats"]._runs(flows, now)
        failed = {
            flow_id: 1
            for flow_id, entry in runs.items()
            if entry["last_state"] == "dead"
        }
        return self._by_flow(flows, failed, 0)

    def _breaches_breaker_open(self, now):
        breaches = {}
        stats = self.env["hc.ops.stats"]
        for backend in self._backends().filtered("active"):
            state, since = stats._breaker(backend)
            if state == breaker.CLOSED or not since:
                continue
            open_minutes = (now - since).total_seconds() / 60
            if open_minutes >= self.minutes:
                breaches[(False, backend.id)] = round(open_minutes, 1)
        return breaches

    # ------------------------------------------------------------------ actions

    def action_evaluate(self):
        for rule in self:
            rule._evaluate()
        return True

    def action_view_alerts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "healthcare_integration_ops.hc_alert_action"
        )
        action["domain"] = [("rule_id", "=", self.id)]
        return action
