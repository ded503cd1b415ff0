# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user

from .test_ops_common import OpsDataMixin

MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)


class TestOpsDashboard(OpsDataMixin, TransactionCase):
    """The dashboard's figures on a known set of messages, and the lists behind."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.setup_ops_data("dash")
        out, inbound = cls.flow_out, cls.flow_in
        # outbound: last hour 3 done (1 s, 2 s, 10 s), 1 dead, 2 queued (one
        # late); earlier today 1 dead acknowledged, 1 done (4 s); 2 days ago 1
        for latency in (1, 2, 10):
            cls.message(out, "done", 10 * MIN, latency=latency)
        cls.dead_out = cls.message(
            out, "dead", 30 * MIN, error_class="technical", error_text="HTTP 503"
        )
        cls.late = cls.message(out, "queued", 40 * MIN, sla_deadline=cls.now - 10 * MIN)
        cls.message(out, "queued", 5 * MIN, sla_deadline=cls.now + HOUR)
        cls.message(
            out,
            "dead",
            2 * HOUR,
            error_class="technical",
            acknowledged_by_id=cls.env.uid,
        )
        cls.message(out, "done", 3 * HOUR, latency=4)
        cls.message(out, "done", 48 * HOUR, latency=1)
        # inbound: business exceptions by kind, a validation failure, a done
        for _n in range(2):
            cls.message(
                inbound,
                "dead",
                20 * MIN,
                error_class="business",
                exception_kind="mapping",
            )
        cls.message(inbound, "dead", 5 * HOUR, error_class="business")
        cls.message(inbound, "dead", 3 * HOUR, error_class="validation")
        cls.message(inbound, "done", 2 * HOUR, latency=3)
        # another company's backend: never counted for users of this one
        cls.company_b = cls.env["res.company"].create({"name": "Dashboard hospital B"})
        backend_b = cls.env["hc.backend"].create(
            {
                "name": "Dash B",
                "code": "dash_b",
                "base_url": "http://127.0.0.1:9",
                "company_id": cls.company_b.id,
            }
        )
        cls.flow_b = cls.env["hc.flow"].create(
            {
                "flow_type_id": cls.env.ref(
                    "healthcare_integration_core.flow_type_send"
                ).id,
                "name": "Dash B out",
                "code": "b_out",
                "backend_id": backend_b.id,
            }
        )
        cls.message(cls.flow_b, "dead", 10 * MIN, error_class="technical")
        cls.user = new_test_user(
            cls.env,
            "dash_user",
            groups="base.group_user,healthcare_integration_core.group_hc_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def data(self, user=None):
        return (
            self.env["hc.ops.dashboard"]
            .with_user(user or self.user)
            .get_dashboard_data()
        )

    def flow_row(self, data, flow):
        for backend in data["backends"]:
            for row in backend["flows"]:
                if row["id"] == flow.id:
                    return row
        return None

    def figures(self, data):
        """Every figure of the dashboard."""
        found = list(data["summary"])
        for backend in data["backends"]:
            for row in backend["flows"]:
                for window in ("hour", "day"):
                    found += [row[window]["total"], row[window]["rate"]]
                found += row["errors"]
                found += [row[name] for name in ("latency", "pending", "late")]
                found += [row[name] for name in ("failures", "exceptions")]
                found += [row["runs_failed"], row["issues"]]
        for owner in data["owners"]:
            found += [owner["total"], *(kind["count"] for kind in owner["kinds"])]
        for channel in data["channels"]:
            found += [channel[s] for s in ("pending", "enqueued", "started", "failed")]
        return found

    def test_technical_figures_of_a_flow(self):
        row = self.flow_row(self.data(), self.flow_out)
        self.assertEqual(row["hour"]["total"]["value"], 6)
        self.assertEqual(row["hour"]["rate"]["display"], "75.0 %")
        self.assertEqual(row["day"]["total"]["value"], 8)
        self.assertEqual(row["day"]["rate"]["display"], "66.7 %")
        errors = {e["key"].rsplit("_", 1)[-1]: e["value"] for e in row["errors"]}
        self.assertEqual(
            errors,
            {"technical": 2, "validation": 0, "authentication": 0, "business": 0},
        )
        # done in 24 h: 1, 2, 4, 10 s; p50 = 3 s, p95 = 4 + 0.85 * 6 = 9.1 s
        self.assertEqual(row["latency"]["display"], "3.0 s / 9.1 s")
        self.assertEqual(row["latency"]["value"], 4)
        self.assertEqual(row["pending"]["value"], 2)
        self.assertEqual(row["oldest"], "40 min")
        self.assertEqual(row["late"]["value"], 1)
        self.assertEqual(row["failures"]["value"], 1)
        self.assertEqual(row["exceptions"]["value"], 0)

    def test_business_figures_by_owner_and_kind(self):
        data = self.data()
        row = self.flow_row(data, self.flow_in)
        self.assertEqual(row["exceptions"]["value"], 3)
        self.assertEqual(row["failures"]["value"], 1)
        [owner] = [o for o in data["owners"] if o["owner"] == "dash buyer"]
        self.assertEqual(owner["total"]["value"], 3)
        kinds = {k["kind"]: k["count"]["value"] for k in owner["kinds"]}
        self.assertEqual(kinds, {"mapping": 2, "(unspecified)": 1})

    def test_summary(self):
        summary = {f["key"]: f for f in self.data()["summary"]}
        self.assertEqual(summary["summary/day_total"]["value"], 8 + 5)
        self.assertEqual(summary["summary/failures"]["value"], 2)
        self.assertEqual(summary["summary/exceptions"]["value"], 3)
        self.assertEqual(summary["summary/late"]["value"], 1)
        self.assertEqual(summary["summary/pending"]["display"], "2 (40 min)")
        self.assertEqual(summary["summary/breakers"]["value"], 0)
        self.assertTrue(all(f["label"] for f in summary.values()))

    def test_each_figure_opens_the_list_it_counts(self):
        self.env["hc.message"].browse(self.dead_out.id).with_delay(
            channel="root.hc_batch"
        )._run_job()
        data = self.data(self.env.user)
        checked = 0
        for figure in self.figures(data):
            action = figure["action"]
            if not action:
                continue
            # a rate's value is the number of finished messages it is taken on
            records = self.env[action["res_model"]].search(action["domain"])
            self.assertEqual(len(records), figure["value"], figure["key"])
            checked += 1
        self.assertGreater(checked, 40)
        [batch] = [c for c in data["channels"] if c["channel"] == "root.hc_batch"]
        self.assertGreaterEqual(batch["pending"]["value"], 1)

    def test_other_companies_are_not_shown(self):
        data = self.data()
        self.assertIsNone(self.flow_row(data, self.flow_b))
        self.assertNotIn("dash_b", [b["code"] for b in data["backends"]])

    def test_queue_depth_of_the_users_companies(self):
        def pending_jobs():
            channels = {c["channel"]: c for c in self.data()["channels"]}
            entry = channels.get("root.hc_critical")
            return entry["pending"]["value"] if entry else 0

        before = pending_jobs()
        message = self.env["hc.message"].browse(self.dead_out.id)
        message.with_company(self.company_b).with_delay(
            channel="root.hc_critical"
        )._run_job()
        self.assertEqual(pending_jobs(), before, "another company's job")
        message.with_company(self.company).with_delay(
            channel="root.hc_critical"
        )._run_job()
        self.assertEqual(pending_jobs(), before + 1)

    def test_only_integration_users(self):
        outsider = new_test_user(self.env, "dash_outsider", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.env["hc.ops.dashboard"].with_user(outsider).get_dashboard_data()

    def test_breaker_state_and_since(self):
        self.failed_attempts(self.flow_out, 2, 20 * MIN)
        data = self.data()
        [backend] = [b for b in data["backends"] if b["id"] == self.backend.id]
        # cooldown (60 s) elapsed: waiting for a trial call
        self.assertEqual(backend["breaker"], "half_open")
        self.assertEqual(backend["breaker_since"], "20 min")
        summary = {f["key"]: f for f in data["summary"]}
        breakers = summary["summary/breakers"]
        self.assertEqual(breakers["value"], 1)
        self.assertEqual(
            self.env["hc.backend"].search(breakers["action"]["domain"]), self.backend
        )

    def test_queries_use_the_indexes(self):
        self.env.cr.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'hc_message' "
            "AND indexname LIKE 'hc_message_ops_%%'"
        )
        self.assertEqual(
            {row[0] for row in self.env.cr.fetchall()},
            {
                "hc_message_ops_window_idx",
                "hc_message_ops_failed_idx",
                "hc_message_ops_pending_idx",
                "hc_message_ops_finished_idx",
            },
        )
