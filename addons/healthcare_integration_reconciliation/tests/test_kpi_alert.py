# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from odoo.tests import new_test_user, tagged

from odoo.addons.healthcare_integration_core.tests.common import HcCase

NOW = datetime(2026, 12, 7, 15, 0)
HOUR = 3600


@tagged("post_install", "-at_install")
class TestKpiAlert(HcCase):
    """A business KPI worse than its rule's threshold alerts the flow's
    business owner; the alert closes once the KPI is back."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyer = new_test_user(
            cls.env,
            login="kpi_buyer",
            groups="healthcare_integration_core.group_hc_user",
        )
        cls.flow_out.business_owner_id = cls.buyer
        cls.kpis = cls.env["hc.kpi.daily"]

    def observe(self, kpi, *values, when=NOW):
        for value in values:
            self.kpis._observe(kpi, value, self.env.company, when, flow=self.flow_out)

    def rule(self, kpi, threshold, **values):
        return self.env["hc.alert.rule"].create(
            {
                "name": f"{kpi} alert",
                "condition": "kpi",
                "kpi": kpi,
                "kpi_threshold": threshold,
                "flow_id": self.flow_out.id,
                **values,
            }
        )

    def test_duration_above_its_threshold(self):
        # acknowledgements in 3, 5 and 7 hours today (5 h on average); a slow
        # one two days ago is out of the rule's day
        self.observe("ack_latency", 3 * HOUR, 5 * HOUR, 7 * HOUR)
        self.observe("ack_latency", 40 * HOUR, when=NOW - timedelta(days=2))
        rule = self.rule("ack_latency", 4)
        self.assertEqual(rule.owner_role, "business")
        self.assertEqual(rule.kpi_unit, "h")
        opened, _closed = rule._evaluate(NOW)
        self.assertEqual(opened.flow_id, self.flow_out)
        self.assertEqual(opened.owner_id, self.buyer)
        self.assertEqual(opened.value, 5)
        self.assertIn("Order acknowledgement latency", opened.name)
        self.assertIn("is 5 h over the last 1 day(s)", opened.description)
        self.assertIn("above 4 h", opened.description)
        model, domain = opened._domain_behind()
        self.assertEqual(model, "hc.kpi.daily")
        # over three days, the slow one counts: 13.75 h
        rule.kpi_days = 3
        rule._evaluate(NOW)
        self.assertEqual(opened.value, 13.75)
        # too few observations to say
        rule.kpi_min_count = 5
        _opened, closed = rule._evaluate(NOW)
        self.assertEqual(closed, opened)
        self.assertEqual(opened.state, "closed")

    def test_rate_below_its_threshold(self):
        # invoices matched at first pass: 2 of 3 (66.67 %), alert under 90 %
        self.observe("invoice_first_pass", 1, 1, 0)
        rule = self.rule("invoice_first_pass", 90)
        opened, _closed = rule._evaluate(NOW)
        self.assertEqual(opened.value, 66.67)
        self.assertIn("below 90 %", opened.description)
        self.observe("invoice_first_pass", *[1] * 27)
        _opened, closed = rule._evaluate(NOW)
        self.assertEqual(closed, opened, "29 of 30: 96.7 %")

    def test_state_kpi_reads_its_latest_day(self):
        today = NOW.date()
        self.kpis._set_state(
            "stockout_risk",
            today - timedelta(days=1),
            self.env.company,
            4,
            3,
            flow=self.flow_out,
        )
        self.kpis._set_state(
            "stockout_risk", today, self.env.company, 4, 0, flow=self.flow_out
        )
        rule = self.rule("stockout_risk", 10, kpi_days=2)
        self.assertFalse(rule._evaluate(NOW)[0], "none at risk today")
        self.kpis._set_state(
            "stockout_risk", today, self.env.company, 4, 2, flow=self.flow_out
        )
        opened, _closed = rule._evaluate(NOW)
        self.assertEqual(opened.value, 50)
