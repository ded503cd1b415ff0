# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime, time, timedelta

from odoo.tests import new_test_user, tagged

from odoo.addons.healthcare_integration_core.tests.common import HcCase

# a Friday, and the Monday after it (UTC, the company's time zone here)
FRIDAY_LAST = datetime(2026, 12, 4, 17, 30)
SATURDAY = datetime(2026, 12, 5, 12, 0)
MONDAY = datetime(2026, 12, 7)


@tagged("post_install", "-at_install")
class TestSilence(HcCase):
    """An inbound flow that expects traffic alerts its owner when none came."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.partner_id.tz = "UTC"
        cls.tech = new_test_user(
            cls.env,
            login="silence_tech",
            groups="healthcare_integration_core.group_hc_user",
        )
        cls.flow_in.write(
            {
                "technical_owner_id": cls.tech.id,
                "expect_every_minutes": 60,
                "expect_weekdays_only": True,
                "expect_hour_from": 8,
                "expect_hour_to": 18,
            }
        )
        cls.rule = cls.env["hc.alert.rule"].create(
            {"name": "Silent feeds", "condition": "silence", "flow_id": cls.flow_in.id}
        )

    def last_message_at(self, when):
        self.env["hc.kpi.daily"]._observe(
            "exception_rate", 0, self.flow_in.company_id, when, flow=self.flow_in
        )

    def test_only_expected_hours_count(self):
        self.last_message_at(FRIDAY_LAST)
        # after hours, the weekend: nothing is expected
        for now in (datetime(2026, 12, 4, 18, 10), SATURDAY):
            self.assertFalse(self.rule._evaluate(now)[0], now)
        # Monday 8:20: 30 minutes on Friday and 20 this morning, within the hour
        self.assertFalse(self.rule._evaluate(MONDAY.replace(hour=8, minute=20))[0])
        # Monday 8:45: more than an hour of expected traffic without a message
        opened, _closed = self.rule._evaluate(MONDAY.replace(hour=8, minute=45))
        self.assertEqual(opened.flow_id, self.flow_in)
        self.assertEqual(opened.owner_id, self.tech)
        self.assertEqual(opened.condition, "silence")
        minutes = (MONDAY.replace(hour=8, minute=45) - FRIDAY_LAST).total_seconds()
        self.assertEqual(opened.value, round(minutes / 60))
        self.assertIn("at least every 60 minutes", opened.description)
        self.assertEqual(opened.activity_ids.user_id, self.tech)
        # a message arrives: the alert closes at the next evaluation
        self.last_message_at(MONDAY.replace(hour=8, minute=50))
        _opened, closed = self.rule._evaluate(MONDAY.replace(hour=8, minute=55))
        self.assertEqual(closed, opened)
        self.assertEqual(opened.state, "closed")

    def test_every_day_expectation_and_received_messages(self):
        self.flow_in.expect_weekdays_only = False
        self.flow_in.expect_hour_from, self.flow_in.expect_hour_to = 0, 24
        # a message received and processed dates the flow's last traffic
        message = self.receive_payload(self.flow_in, {"codes": []}, key="evt-1")
        self.assertEqual(message.state, "done")
        now = message.done_at
        self.assertFalse(self.rule._evaluate(now + timedelta(minutes=50))[0])
        [alert] = self.rule._evaluate(now + timedelta(minutes=70))[0]
        self.assertEqual(alert.value, 70)

    def test_flows_without_expectation_are_never_silent(self):
        self.flow_in.expect_every_minutes = 0
        self.assertFalse(self.rule._evaluate(MONDAY.replace(hour=12))[0])
        self.assertFalse(self.flow_out._silence_minutes(MONDAY, None))


@tagged("post_install", "-at_install")
class TestKpiExceptionRate(HcCase):
    """The business exception rate, observed as messages finish."""

    def kpi_rows(self, flow):
        self.env["hc.kpi.daily"]._compact()
        return self.env["hc.kpi.daily"].search(
            [("kpi", "=", "exception_rate"), ("flow_id", "=", flow.id)]
        )

    def test_exception_rate_per_flow(self):
        self.env["hc.crosswalk"].create(
            {
                "backend_id": self.backend.id,
                "domain": "uom",
                "external_code": "EA",
                "odoo_value": "Units",
            }
        )
        mapped = {"codes": [{"domain": "uom", "code": "EA"}]}
        unmapped = {"codes": [{"domain": "uom", "code": "BX"}]}
        results = [
            self.receive_payload(self.flow_in, body, key=f"k{n}").state
            for n, body in enumerate([mapped, mapped, mapped, unmapped])
        ]
        self.assertEqual(results, ["done", "done", "done", "dead"])
        [row] = self.kpi_rows(self.flow_in)
        self.assertEqual((row.count, row.total), (4, 1))
        self.assertEqual(row.reading, "25.0 %")
        self.assertEqual(row.company_id, self.flow_in.company_id)
        # the same key again is a duplicate, not a new observation
        self.receive_payload(self.flow_in, mapped, key="k0")
        self.assertEqual(row.count, 4)
        # outbound deliveries are observed on their own flow
        with self.jobs() as trap:
            self.send(idempotency_key="PO-1")
            self.run_jobs(trap)
        [out] = self.kpi_rows(self.flow_out)
        self.assertEqual((out.count, out.total), (1, 0))


@tagged("post_install", "-at_install")
class TestKpiExport(HcCase):
    """KPIs on known data: in the metrics scrape and on the dashboard."""

    def test_scrape_and_dashboard(self):
        kpis = self.env["hc.kpi.daily"]
        kpis.search([]).unlink()  # only the known data below
        now = datetime.combine(date.today(), time(10, 0))
        company = self.flow_in.company_id
        # this week: 1 exception in 4; the week before: 1 in 2
        for value in (1, 0, 0, 0):
            kpis._observe("exception_rate", value, company, now, flow=self.flow_in)
        for value in (1, 0):
            kpis._observe(
                "exception_rate",
                value,
                company,
                now - timedelta(days=8),
                flow=self.flow_in,
            )
        kpis._observe(
            "ack_latency",
            3600,
            company,
            now,
            flow=self.flow_in,
            partner=company.partner_id,
        )
        text = self.env["hc.ops.metrics"]._exposition().decode()
        labels = (
            f'backend="{self.backend.code}",company="{company.name}",'
            f'flow="{self.flow_in.code}",kpi="exception_rate",partner=""'
        )
        self.assertIn(f"hc_kpi_count{{{labels}}} 6.0", text)
        self.assertIn(f"hc_kpi_sum{{{labels}}} 2.0", text)
        self.assertIn(f'partner="{company.partner_id.name}"}} 3600.0', text)
        self.assertIn("hc_messages_pending", text, "the core's families are kept")

        data = self.env["hc.ops.dashboard"].get_dashboard_data()
        rows = {row["kpi"]: row for row in data["business"]["kpis"]}
        rate = rows["exception_rate"]
        self.assertEqual(rate["value"]["display"], "25.0 %")
        self.assertEqual(rate["previous"], "50.0 %")
        self.assertEqual((rate["trend"], rate["trend_tone"]), ("down", "success"))
        self.assertEqual(rows["ack_latency"]["value"]["display"], "1.0 h")
        action = rate["value"]["action"]
        # behind the figure: the observations, one row per day once compacted
        self.assertEqual(
            self.env[action["res_model"]].search_count(action["domain"]), 4
        )
        self.env["hc.kpi.daily"]._compact()
        self.assertEqual(
            self.env[action["res_model"]].search_count(action["domain"]), 1
        )
