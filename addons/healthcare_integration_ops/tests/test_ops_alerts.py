# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

import psycopg2

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user
from odoo.tools import mute_logger

from .test_ops_common import OpsDataMixin

MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)


class TestOpsAlerts(OpsDataMixin, TransactionCase):
    """Rules raise one alert per condition and subject, to the right owner,
    and close it once the condition clears; all of it audited."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.setup_ops_data("alert")
        cls.Rule = cls.env["hc.alert.rule"].with_company(cls.company)

    def rule(self, condition, **values):
        return self.Rule.create(
            {
                "name": f"Watch {condition}",
                "condition": condition,
                "backend_id": self.backend.id,
                "company_id": self.company.id,
                **values,
            }
        )

    def alerts(self, rule, state=None):
        domain = [("rule_id", "=", rule.id)]
        if state:
            domain.append(("state", "=", state))
        return self.env["hc.alert"].search(domain)

    def mails(self, alert):
        return self.env["mail.mail"].search(
            [("model", "=", "hc.alert"), ("res_id", "=", alert.id)]
        )

    def audit(self, action, alert):
        return self.env["hc.audit.log"].search(
            [
                ("action", "=", action),
                ("res_model", "=", "hc.alert"),
                ("res_id", "=", alert.id),
            ]
        )

    def test_raised_once_then_closed_when_the_condition_clears(self):
        dead = [
            self.message(self.flow_out, "dead", n * MIN, error_class="technical")
            for n in (5, 6)
        ]
        rule = self.rule("dead_messages", threshold=1)

        opened, closed = rule._evaluate()
        self.assertEqual(len(opened), 1)
        self.assertFalse(closed)
        alert = opened
        self.assertEqual(alert.flow_id, self.flow_out)
        self.assertEqual(alert.owner_id, self.technical_owner)
        self.assertEqual(alert.value, 2)
        self.assertIn("2 failed message(s)", alert.description)
        [activity] = alert.activity_ids
        self.assertEqual(activity.user_id, self.technical_owner)
        [mail] = self.mails(alert)
        self.assertEqual(mail.recipient_ids, self.technical_owner.partner_id)
        self.assertIn("2 failed message(s)", str(mail.body_html))
        self.assertEqual(len(self.audit("alert_open", alert)), 1)

        # still failing: no second alert, no second activity or email
        self.message(self.flow_out, "dead", 2 * MIN, error_class="technical")
        opened, closed = rule._evaluate()
        self.assertFalse(opened or closed)
        self.assertEqual(self.alerts(rule), alert)
        self.assertEqual(alert.value, 3)
        self.assertEqual(len(alert.activity_ids), 1)
        self.assertEqual(len(self.mails(alert)), 1)

        # the failures are taken in charge: the condition clears
        self.env["hc.message"].search(
            [("flow_id", "=", self.flow_out.id), ("state", "=", "dead")]
        ).action_acknowledge()
        opened, closed = rule._evaluate()
        self.assertEqual(closed, alert)
        self.assertEqual(alert.state, "closed")
        self.assertTrue(alert.closed_at)
        self.assertFalse(alert.activity_ids)
        self.assertEqual(len(self.audit("alert_close", alert)), 1)
        self.assertTrue(dead)

        # nothing more to say while it stays clear
        self.assertEqual(rule._evaluate(), (alert.browse(), alert.browse()))
        self.assertEqual(len(self.alerts(rule)), 1)

    def test_business_exceptions_go_to_the_business_owner(self):
        self.message(
            self.flow_in,
            "dead",
            3 * HOUR,
            error_class="business",
            exception_kind="mapping",
        )
        self.message(self.flow_in, "dead", 10 * MIN, error_class="business")
        # a technical failure is not a business exception
        self.message(self.flow_in, "dead", 3 * HOUR, error_class="technical")
        rule = self.rule("business_exceptions", minutes=60)
        self.assertEqual(rule.owner_role, "business")
        opened, _closed = rule._evaluate()
        self.assertEqual(len(opened), 1)
        self.assertEqual(opened.owner_id, self.business_owner)
        self.assertEqual(opened.value, 1)
        self.assertEqual(opened.activity_ids.user_id, self.business_owner)
        self.assertEqual(
            self.mails(opened).recipient_ids, self.business_owner.partner_id
        )
        # the business owner (not an integration user) reads their alert only
        alert = opened.with_user(self.business_owner)
        self.assertEqual(alert.read(["name"])[0]["name"], opened.name)
        model, domain = opened._domain_behind()
        self.assertEqual(self.env[model].search_count(domain), 1)

    def test_owner_readers(self):
        rule = self.rule("dead_messages")
        self.message(self.flow_out, "dead", MIN, error_class="technical")
        alert, _closed = rule._evaluate()
        stranger = new_test_user(self.env, "alert_stranger", groups="base.group_user")
        with self.assertRaises(AccessError):
            alert.with_user(stranger).read(["name"])
        self.assertEqual(
            alert.with_user(self.technical_owner).read(["state"])[0]["state"], "open"
        )

    def test_breaker_open_longer_than(self):
        self.failed_attempts(self.flow_out, 2, 30 * MIN)
        rule = self.rule("breaker_open", minutes=20)
        self.assertEqual(rule.owner_role, "technical")
        opened, _closed = rule._evaluate()
        self.assertEqual(len(opened), 1)
        self.assertFalse(opened.flow_id)
        self.assertEqual(opened.backend_id, self.backend)
        self.assertEqual(opened.owner_id, self.technical_owner)
        self.assertGreaterEqual(opened.value, 29)
        self.assertFalse(self.rule("breaker_open", minutes=45)._evaluate()[0])
        # a call gets through: the circuit closes, so does the alert
        message = self.message(self.flow_out, "done", MIN, latency=1)
        self.env["hc.message.attempt"].create(
            {
                "message_id": message.id,
                "number": 1,
                "started_at": self.now - timedelta(seconds=30),
                "ended_at": self.now - timedelta(seconds=29),
                "outcome": "done",
                "http_status": 200,
            }
        )
        _opened, closed = rule._evaluate()
        self.assertEqual(closed, opened)

    def test_batch_run_failed_until_a_run_succeeds(self):
        runs = self.env["hc.sync.run"]
        runs.create({"flow_id": self.flow_in.id, "kind": "pull", "state": "done"})
        runs.create({"flow_id": self.flow_in.id, "kind": "pull", "state": "dead"})
        rule = self.rule("run_failed", flow_id=self.flow_in.id)
        opened, _closed = rule._evaluate()
        self.assertEqual(opened.flow_id, self.flow_in)
        # a run still running does not clear it; a run done does
        runs.create({"flow_id": self.flow_in.id, "kind": "pull", "state": "running"})
        self.assertFalse(any(rule._evaluate()))
        runs.create({"flow_id": self.flow_in.id, "kind": "pull", "state": "done"})
        _opened, closed = rule._evaluate()
        self.assertEqual(closed, opened)

    def test_late_messages(self):
        late = self.message(
            self.flow_out, "queued", 30 * MIN, sla_deadline=self.now - 5 * MIN
        )
        self.message(self.flow_out, "queued", MIN, sla_deadline=self.now + HOUR)
        rule = self.rule("late_messages")
        opened, _closed = rule._evaluate()
        self.assertEqual(opened.value, 1)
        late.action_cancel()
        _opened, closed = rule._evaluate()
        self.assertEqual(closed, opened)

    def test_fallback_user_and_no_owner(self):
        self.backend.technical_owner_id = False
        self.message(self.flow_out, "dead", MIN, error_class="technical")
        lonely = self.rule("dead_messages")
        alert, _closed = lonely._evaluate()
        self.assertFalse(alert.owner_id)
        self.assertFalse(alert.activity_ids)
        self.assertFalse(self.mails(alert))
        self.assertIn("No owner", alert.message_ids[:1].body)
        watched = self.rule("dead_messages", fallback_user_id=self.business_owner.id)
        alert, _closed = watched._evaluate()
        self.assertEqual(alert.owner_id, self.business_owner)

    def test_one_open_alert_per_rule_and_subject_in_the_database(self):
        rule = self.rule("dead_messages")
        self.message(self.flow_out, "dead", MIN, error_class="technical")
        alert, _closed = rule._evaluate()
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.IntegrityError):
            with self.env.cr.savepoint():
                alert.copy()

    def test_scheduled_action_evaluates_every_rule(self):
        self.message(self.flow_out, "dead", MIN, error_class="technical")
        rule = self.rule("dead_messages")
        self.env.ref(
            "healthcare_integration_ops.cron_hc_alert_evaluate"
        ).method_direct_trigger()
        self.assertEqual(len(self.alerts(rule, "open")), 1)

    def test_rule_changes_are_audited(self):
        rule = self.rule("late_messages")
        rule.threshold = 4
        self.assertTrue(
            self.env["hc.audit.log"].search(
                [
                    ("res_model", "=", "hc.alert.rule"),
                    ("res_id", "=", rule.id),
                    ("action", "=", "write"),
                ]
            )
        )
