# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a delivery to an OAuth2 backend costs, once its worker is warm
(issue #27, item 5): the token, the backend's secrets and the flow's settings
are the worker's copies while their rows are unchanged, on any node.

``bench/bench_throughput.py`` measures the rate against no-op queue_job
jobs; statement counts do not depend on the machine's load.
"""

from odoo.tests.common import TransactionCase

from .test_runtime_defects import CommittedRunsMixin

# the lock (with the flow's, backend's and secrets' write dates, and the
# payload), the message's fields, and the attempt with the partner's answer
# and the message's outcome (one statement); no token, no secret, no flow or
# backend setting read
WARM_DELIVERY_STATEMENTS = 3


class TestDeliveryCost(CommittedRunsMixin, TransactionCase):
    def oauth2_message(self):
        first = self.committed_message("OAuth2")
        with self.committed() as env:
            env["hc.message"].browse(first).backend_id.write(
                {
                    "auth_type": "oauth2",
                    "username": "demo-client",
                    "credential_secret": "demo-secret",
                    "token_url": f"{self.sim.url}/oauth/token",
                    # as bench_throughput's backend: the breaker's look at
                    # the last attempts is a statement of its own
                    "breaker_threshold": 0,
                }
            )
        self.addCleanup(self.remove, first)
        return first

    def test_a_warm_delivery_reads_no_setting_secret_or_token(self):
        first = self.oauth2_message()
        self.sim.reset()
        self.sim.require_bearer = True
        self.addCleanup(setattr, self.sim, "require_bearer", False)
        self.env["hc.job.settings"]._forget()
        self.env["hc.backend.secret"]._forget()
        self.assertEqual(self.statements(first)[0], "done")  # fetches the token
        # reads what the first job wrote (the token), then keeps it
        self.assertEqual(self.statements(self.another_message(first))[0], "done")
        result, count = self.statements(self.another_message(first))
        self.assertEqual(result, "done")
        self.assertEqual(count, WARM_DELIVERY_STATEMENTS)
        self.assertEqual(self.sim.tokens_issued, 1)
        self.assertEqual(len(self.sim.requests(path="/api/orders")), 3)

    def test_the_breaker_is_read_with_the_lock(self):
        first = self.oauth2_message()
        with self.committed() as env:
            env["hc.message"].browse(first).backend_id.breaker_threshold = 5
        self.sim.reset()
        self.env["hc.job.settings"]._forget()
        self.env["hc.backend.secret"]._forget()
        self.assertEqual(self.statements(first)[0], "done")
        self.assertEqual(self.statements(self.another_message(first))[0], "done")
        result, count = self.statements(self.another_message(first))
        self.assertEqual(result, "done")
        self.assertEqual(count, WARM_DELIVERY_STATEMENTS)
        # the breaker opens after five technical failures, as before
        self.sim.script("/api/orders", [{"status": 503, "repeat": 5}])
        with self.committed() as env:
            env["hc.flow"].search([("code", "=", "crash_out")]).max_attempts = 1
        for _n in range(5):
            self.assertEqual(self.statements(self.another_message(first))[0], "dead")
        result = self.statements(self.another_message(first))[0]
        self.assertIn("circuit breaker open", result)

    def test_a_secret_written_on_another_node_is_read_again(self):
        first = self.oauth2_message()
        self.sim.reset()
        self.env["hc.backend.secret"]._forget()
        self.assertEqual(self.statements(first)[0], "done")
        self.assertEqual(self.statements(self.another_message(first))[0], "done")
        # another worker or node changes the client secret (committed)
        with self.committed() as env:
            env["hc.message"].browse(first).backend_id.credential_secret = "wrong"
            env["hc.backend.secret"].sudo().search(
                [("slot", "=", "oauth_token")]
            ).unlink()
        message = self.another_message(first)
        self.assertEqual(self.statements(message)[0], "dead")
        with self.committed() as env:
            failed = env["hc.message"].browse(message)
            self.assertEqual(failed.error_class, "authentication")
