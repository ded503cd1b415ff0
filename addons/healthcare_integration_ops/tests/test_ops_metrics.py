# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from prometheus_client.parser import text_string_to_metric_families

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

from .test_ops_common import OpsDataMixin

MIN = timedelta(minutes=1)
TOKEN = "scrape-token-for-tests-0123456789abcdef"
PARAM = "healthcare_integration_core.metrics_token_digest"


def samples(text):
    """{(sample name, frozenset of labels): value} of a Prometheus exposition."""
    parsed = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            parsed[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return parsed


def families(text):
    return {f.name: f.type for f in text_string_to_metric_families(text)}


@tagged("post_install", "-at_install")
class TestMetricsEndpoint(OpsDataMixin, HttpCase):
    """GET /hc/metrics over real HTTP, parsed with prometheus_client."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.setup_ops_data("prom")
        out, inbound = cls.flow_out, cls.flow_in
        # a bound is inclusive (le): 1 s counts at most 1 s
        for latency in (1, 2, 40):
            cls.message(out, "done", 10 * MIN, latency=latency)
        cls.message(out, "dead", 30 * MIN, error_class="technical")
        cls.message(out, "queued", 40 * MIN, sla_deadline=cls.now - MIN)
        cls.message(
            inbound, "dead", 20 * MIN, error_class="business", exception_kind="mapping"
        )
        cls.env["hc.ops.metrics"]._set_token(TOKEN)

    def scrape(self, authorization=None):
        self.env.flush_all()
        headers = {"Authorization": authorization} if authorization else {}
        return self.url_open("/hc/metrics", headers=headers)

    def labels(self, **labels):
        return frozenset({"backend": "prom_supplier", **labels}.items())

    def test_refused_without_the_token(self):
        for authorization in (None, "Bearer wrong-token", f"Basic {TOKEN}", "Bearer"):
            response = self.scrape(authorization)
            self.assertEqual(response.status_code, 401, authorization)
            self.assertIn("Bearer", response.headers["WWW-Authenticate"])
            self.assertNotIn("hc_messages", response.text)

    def test_refused_once_revoked(self):
        self.env["hc.ops.metrics"]._revoke_token()
        self.assertEqual(self.scrape(f"Bearer {TOKEN}").status_code, 401)

    def test_scrape_is_parsed_by_prometheus_client(self):
        response = self.scrape(f"Bearer {TOKEN}")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.headers["Content-Type"].startswith("text/plain"))
        text = response.text
        kinds = families(text)
        self.assertEqual(kinds["hc_messages"], "counter")
        self.assertEqual(kinds["hc_messages_dead"], "gauge")
        self.assertEqual(kinds["hc_message_latency_seconds"], "histogram")
        self.assertEqual(kinds["hc_queue_jobs"], "gauge")
        self.assertEqual(kinds["hc_backend_breaker_state"], "gauge")
        values = samples(text)
        out = {"flow": "orders_out", "direction": "outbound"}
        self.assertEqual(
            values[
                (
                    "hc_messages_total",
                    self.labels(**out, state="done", error_class=""),
                )
            ],
            3,
        )
        self.assertEqual(
            values[("hc_messages_dead", self.labels(**out, error_class="technical"))],
            1,
        )
        self.assertNotIn(
            (
                "hc_messages_total",
                self.labels(**out, state="dead", error_class="technical"),
            ),
            values,
        )
        self.assertEqual(
            values[("hc_messages_pending", self.labels(**out, state="queued"))], 1
        )
        bucket = "hc_message_latency_seconds_bucket"
        self.assertEqual(values[(bucket, self.labels(**out, le="1.0"))], 1)
        self.assertEqual(values[(bucket, self.labels(**out, le="2.5"))], 2)
        self.assertEqual(values[(bucket, self.labels(**out, le="30.0"))], 2)
        self.assertEqual(values[(bucket, self.labels(**out, le="60.0"))], 3)
        self.assertEqual(values[(bucket, self.labels(**out, le="+Inf"))], 3)
        self.assertEqual(
            values[("hc_message_latency_seconds_count", self.labels(**out))], 3
        )
        self.assertAlmostEqual(
            values[("hc_message_latency_seconds_sum", self.labels(**out))], 43, 3
        )
        self.assertEqual(
            values[
                (
                    "hc_business_exceptions_open",
                    self.labels(flow="invoices_in", kind="mapping"),
                )
            ],
            1,
        )
        self.assertEqual(
            values[("hc_messages_late", self.labels(flow="orders_out"))], 1
        )
        self.assertGreaterEqual(
            values[
                (
                    "hc_message_oldest_pending_age_seconds",
                    self.labels(flow="orders_out"),
                )
            ],
            40 * 60,
        )
        self.assertEqual(
            values[("hc_backend_breaker_state", self.labels(state="closed"))], 1
        )
        self.assertEqual(
            values[("hc_backend_breaker_state", self.labels(state="open"))], 0
        )
        self.assertEqual(values[("hc_backend_paused", self.labels())], 0)

    def test_queue_depth_per_channel(self):
        message = self.env["hc.message"].search([("flow_id", "=", self.flow_out.id)])
        message[:1].with_delay(channel="root.hc_critical")._run_job()
        values = samples(self.scrape(f"Bearer {TOKEN}").text)
        depth = values[
            (
                "hc_queue_jobs",
                frozenset({"channel": "root.hc_critical", "state": "pending"}.items()),
            )
        ]
        self.assertEqual(
            depth,
            self.env["queue.job"].search_count(
                [("channel", "=", "root.hc_critical"), ("state", "=", "pending")]
            ),
        )
        self.assertIn(
            (
                "hc_queue_oldest_job_age_seconds",
                frozenset({"channel": "root.hc_critical"}.items()),
            ),
            values,
        )


class TestMetricsToken(TransactionCase):
    """The scrape token: stored as a digest only, managed by administrators."""

    def test_only_the_digest_is_stored_and_changes_are_audited(self):
        metrics = self.env["hc.ops.metrics"]
        metrics._set_token(TOKEN)
        stored = self.env["ir.config_parameter"].get_param(PARAM)
        self.assertTrue(stored.startswith("sha256:"))
        self.assertNotIn(TOKEN, stored)
        self.assertTrue(metrics._check_token(TOKEN))
        self.assertFalse(metrics._check_token(TOKEN + "x"))
        self.assertFalse(metrics._check_token(None))
        entry = self.env["hc.audit.log"].search(
            [("action", "=", "metrics_token_set")], limit=1
        )
        self.assertNotIn(TOKEN, entry.changes or "")

    def test_generated_token_replaces_the_previous_one(self):
        metrics = self.env["hc.ops.metrics"]
        metrics._set_token(TOKEN)
        wizard = self.env["hc.metrics.token.wizard"].create({})
        action = wizard.action_generate()
        message = action["params"]["message"]
        new_token = message.rsplit(": ", 1)[-1]
        self.assertTrue(metrics._check_token(new_token))
        self.assertFalse(metrics._check_token(TOKEN))
        self.assertFalse(wizard.token)

    def test_wizard_sets_a_token_of_your_own_write_only(self):
        wizard = self.env["hc.metrics.token.wizard"].create({"token": TOKEN})
        self.assertTrue(self.env["hc.ops.metrics"]._check_token(TOKEN))
        wizard.invalidate_recordset()
        self.assertFalse(wizard.token)
        self.assertTrue(wizard.token_is_set)
        self.env.cr.execute(
            "SELECT count(*) FROM ir_config_parameter WHERE value LIKE %s",
            (f"%{TOKEN}%",),
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)
        with self.assertRaises(UserError):
            self.env["hc.ops.metrics"]._set_token("too-short")

    def test_only_administrators_manage_the_token(self):
        manager = new_test_user(
            self.env,
            "prom_manager",
            groups="base.group_user,healthcare_integration_core.group_hc_manager",
        )
        with self.assertRaises(AccessError):
            self.env["hc.ops.metrics"].with_user(manager)._set_token(TOKEN)
        with self.assertRaises(AccessError):
            self.env["hc.metrics.token.wizard"].with_user(manager).create({})


class TestRetentionKeepsCounters(OpsDataMixin, TransactionCase):
    """Deleting old messages does not make the counters go down."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_ops_data("keep")
        # messages finished 40 days ago (back-dated): the fold has not run yet
        cls.env.cr.execute("UPDATE hc_ops_tally_mark SET sealed_until = NULL")
        cls.flow_out.metadata_retention_days = 30
        for latency in (1, 2):
            cls.message(cls.flow_out, "done", timedelta(days=40), latency=latency)
        cls.message(cls.flow_out, "done", timedelta(days=1), latency=3)

    def counters(self):
        snapshot = self.env["hc.ops.metrics"]._snapshot()
        done = [
            row["count"]
            for row in snapshot["messages"]
            if row["backend"] == "keep_supplier" and row["state"] == "done"
        ]
        [latency] = [r for r in snapshot["latency"] if r["backend"] == "keep_supplier"]
        return sum(done), sum(latency["buckets"].values()), latency["sum"]

    def test_deleted_messages_stay_counted(self):
        before = self.counters()
        self.assertEqual(before[:2], (3, 3))
        deleted = self.env["hc.maintenance"]._delete_messages(100)
        self.assertGreaterEqual(deleted, 2)
        self.assertEqual(
            self.env["hc.message"].search_count([("flow_id", "=", self.flow_out.id)]), 1
        )
        after = self.counters()
        self.assertEqual(after[:2], before[:2])
        self.assertAlmostEqual(after[2], before[2], 3)

    def test_folded_then_deleted_messages_are_counted_once(self):
        before = self.counters()
        self.env["hc.ops.tally"]._cron_seal()
        self.env.cr.execute("SELECT count(*) FROM hc_ops_tally")
        self.assertTrue(self.env.cr.fetchone()[0])
        self.assertEqual(self.counters()[:2], before[:2])
        # folded already: a second fold adds nothing
        self.env["hc.ops.tally"]._cron_seal()
        self.assertEqual(self.counters()[:2], before[:2])
        self.env["hc.maintenance"]._delete_messages(100)
        after = self.counters()
        self.assertEqual(after[:2], before[:2])
        self.assertAlmostEqual(after[2], before[2], 3)
