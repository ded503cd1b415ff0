# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.healthcare_integration_core.tests.common import HcCase

REPORT = "/control-report"


@tagged("post_install", "-at_install")
class TestReconciliation(HcCase):
    """A flow's messages against the partner's daily control report (its API,
    here the partner simulator)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.owner = new_test_user(
            cls.env,
            login="recon_owner",
            groups="healthcare_integration_core.group_hc_user",
        )
        cls.clerk = new_test_user(
            cls.env,
            login="recon_clerk",
            groups="healthcare_integration_core.group_hc_user",
        )
        cls.flow_out.business_owner_id = cls.owner
        cls.today = fields.Date.today()
        cls.reconciliation = cls.env["hc.reconciliation"].create(
            {
                "name": "Orders with the partner's report",
                "flow_id": cls.flow_out.id,
                "source": "api",
                "control_endpoint": REPORT + "?date={date}",
                "first_day": cls.today,
                "lag_days": 0,
            }
        )

    def deliver(self, *keys):
        with self.jobs() as trap:
            messages = [self.send({"order": key}, idempotency_key=key) for key in keys]
            self.run_jobs(trap)
        for message in messages:
            self.assertEqual(message.state, "done")
        return messages

    def report(self, *documents):
        """The partner's report lists these messages (by their correlation id,
        as the partner received it) or references."""
        documents = [
            {
                "type": "core.send",
                "reference": getattr(doc, "correlation_id", doc),
                "date": str(self.today),
            }
            for doc in documents
        ]
        self.sim.script(REPORT, [{"json": {"documents": documents}}], method="GET")

    def check(self):
        return self.reconciliation._reconcile_day(self.today)

    def test_matched_period(self):
        self.report(*self.deliver("PO-1", "PO-2"))
        period = self.check()
        self.assertEqual(period.state, "matched")
        self.assertEqual((period.our_count, period.their_count), (2, 2))
        self.assertFalse(period.difference_ids)
        self.assertEqual(self.reconciliation.state, "matched")
        [call] = self.sim.requests(path=REPORT)
        self.assertEqual(call["query"].get("date"), str(self.today))
        # a day checked is not due any more
        self.assertNotIn(self.today, self.reconciliation._due_days(self.today))

    def test_days_are_utc_days_whatever_the_users_time_zone(self):
        """At 23:30 UTC a user in Auckland is already on the next day; the
        day checked is still the UTC day whose messages the period holds."""
        self.reconciliation.first_day = date(2026, 12, 6)
        user = self.env.user
        user.tz = "Pacific/Auckland"
        with freeze_time("2026-12-07 23:30:00"):
            self.assertEqual(fields.Date.context_today(user), date(2026, 12, 8))
            due = self.reconciliation.with_user(user)._due_days()
            self.assertEqual(due, [date(2026, 12, 6), date(2026, 12, 7)])
            self.report()
            self.reconciliation.with_user(user).action_check_today()
        self.assertEqual(self.reconciliation.last_period_id.day, date(2026, 12, 7))
        [call] = self.sim.requests(path=REPORT)
        self.assertEqual(call["query"].get("date"), "2026-12-07")

    def test_unmatched_period_differences_are_business_exceptions(self):
        first, second = self.deliver("PO-1", "PO-2")
        # the partner missed PO-2 and reports an order we never sent
        self.report(first, "PO-9")
        period = self.check()
        self.assertEqual(period.state, "differences")
        kinds = {d.reference: d.kind for d in period.difference_ids}
        self.assertEqual(
            kinds,
            {second.correlation_id: "missing_at_partner", "PO-9": "missing_here"},
        )
        missing = period.difference_ids.filtered(
            lambda d: d.reference == second.correlation_id
        )
        self.assertEqual(missing.message_id, second)
        # the flow's business owner is told, as for any business exception
        self.assertEqual(period.activity_ids.user_id, self.owner)
        self.assertIn("Missing at the partner", period.activity_ids.note)
        self.assertFalse(period.report_has_amounts, "the report gives no amounts")
        self.assertEqual(self.reconciliation.state, "differences")
        self.assertEqual(self.reconciliation.open_difference_count, 2)

        # the order the partner lost is sent again (same correlation) ...
        self.sim.reset()
        with self.jobs() as trap:
            missing.action_replay()
            self.run_jobs(trap)
        self.assertEqual(missing.state, "replayed")
        self.assertEqual(missing.replay_id.parent_id, second)
        self.assertEqual(missing.replay_id.state, "done")
        self.assertEqual(missing.replay_id._body(), second._body())
        [resent] = self.sim.requests(path="/api/orders")
        self.assertEqual(
            resent["headers"].get("X-Correlation-ID"), second.correlation_id
        )
        # ... the unknown one is acknowledged by an integration user
        unknown = period.difference_ids - missing
        unknown.with_user(self.clerk).action_acknowledge()
        self.assertEqual(unknown.state, "acknowledged")
        self.assertEqual(unknown.acknowledged_by_id, self.clerk)
        self.assertFalse(period.activity_ids, "every difference is settled")

        # the partner's corrected report: checked again, matched; nothing is
        # raised twice and the settled differences stay as they were
        self.report(first, second)
        period.action_check_again()
        self.assertEqual(period.state, "matched")
        self.assertEqual(period.check_count, 2)
        self.assertEqual(set(period.difference_ids.mapped("state")), {"closed"})
        self.assertEqual(len(period.difference_ids), 2)

    def totals(self, count):
        self.sim.script(
            REPORT,
            [{"json": {"totals": [{"type": "core.send", "count": count}]}}],
            method="GET",
        )

    def test_totals_only_report_compares_counts(self):
        self.deliver("PO-1")
        self.totals(1)
        period = self.check()
        self.assertEqual(period.state, "matched")
        self.deliver("PO-3")
        self.totals(1)
        period.action_check_again()
        self.assertEqual(period.state, "differences")
        [difference] = period.difference_ids
        self.assertEqual(difference.kind, "count_differs")
        self.assertEqual((difference.our_count, difference.their_count), (2, 1))
        self.assertFalse(difference.reference)
        # nothing we sent carries a count: acknowledged, not replayed
        self.assertFalse(self.reconciliation._handler().replay_difference(difference))

    def test_report_unavailable_is_checked_again(self):
        [message] = self.deliver("PO-1")
        self.sim.script(REPORT, [{"status": 503}], method="GET")
        period = self.check()
        self.assertEqual(period.state, "failed")
        self.assertIn("503", period.error_text)
        self.assertIn(self.today, self.reconciliation._due_days(self.today))
        self.sim.script(REPORT, [{"json": {"documents": "nope"}}], method="GET")
        self.assertEqual(self.check().state, "failed")
        self.assertIn("documents", period.error_text)
        self.report(message)
        self.reconciliation._cron_reconcile()
        self.assertEqual(period.state, "matched")

    def test_replay_and_acknowledge_rights(self):
        self.deliver("PO-1")
        self.report()
        [difference] = self.check().difference_ids
        with self.assertRaises(AccessError):
            difference.with_user(self.clerk).action_replay()
        outsider = new_test_user(
            self.env, login="recon_outsider", groups="base.group_user"
        )
        with self.assertRaises(AccessError):
            difference.with_user(outsider).action_acknowledge()

    def test_alert_on_open_differences(self):
        self.deliver("PO-1")
        self.report()
        self.check()
        rule = self.env["hc.alert.rule"].create(
            {
                "name": "Reconciliation differences",
                "condition": "reconciliation_differences",
                "flow_id": self.flow_out.id,
            }
        )
        self.assertEqual(rule.owner_role, "business")
        opened, _closed = rule._evaluate()
        self.assertEqual(opened.owner_id, self.owner)
        self.assertEqual(opened.value, 1)
        self.assertIn("control report", opened.description)
        model, domain = opened._domain_behind()
        self.assertEqual(self.env[model].search_count(domain), 1)
        self.reconciliation.difference_ids.action_acknowledge()
        _opened, closed = rule._evaluate()
        self.assertEqual(closed, opened)
