# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What an accepted webhook costs in statements, once a worker is warm.

The throughput benchmark (``bench/bench_throughput.py``) measures ingestion
against a bare route inserting one row; statement counts do not depend on the
machine's load, rates do. Odoo's own request handling adds one statement (the
registry's signaling check) to what is counted here.
"""

import json

from odoo.tests import TransactionCase, tagged

from odoo.addons.healthcare_integration_core.lib.receive import (
    ACCEPTED,
    DUPLICATE,
)

from .test_receive_service import ReceiveCase

# the door's statements: the flow addressed, with the write dates of its flow
# and backend and the fingerprint of the backend's secrets (their settings and
# the secrets are the worker's copies while these are unchanged), then one
# statement for the duplicate check and the message with its payload and its
# queue job; Odoo's signaling check makes three per request (issue #27: at
# most five)
ACCEPTED_WEBHOOK_STATEMENTS = 2


@tagged("post_install", "-at_install")
class TestIngestionCost(ReceiveCase, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_flows()

    def receive(self, number, key=None):
        """What the webhook route does for one signed request."""
        return self.receive_signed(number, key)

    def warm_up(self):
        """A first request fills the worker's caches; then a new transaction
        (nothing of the first one in the ORM's cache). The flow, backend and
        secrets were written by an earlier transaction, as in production (a
        worker keeps no copy of rows written by the running transaction)."""
        for table in ("hc_flow", "hc_backend", "hc_backend_secret"):
            self.env.cr.execute(
                f"UPDATE {table} SET write_date = write_date - interval '1 hour'"  # noqa: S608
            )
        self.env.invalidate_all()
        self.assertEqual(self.receive(0).outcome, ACCEPTED)
        # the job runner took its job: the next message is not joined to it
        # (hc.message.batch) but gets a job of its own
        self.env.cr.execute(
            "UPDATE queue_job SET state = 'enqueued' WHERE identity_key = %s",
            (self.env["hc.message"]._batch_key(self.flow),),
        )
        self.env.flush_all()
        self.env.invalidate_all()

    def test_an_accepted_webhook_costs_two_statements(self):
        self.warm_up()
        with self.assertQueryCount(ACCEPTED_WEBHOOK_STATEMENTS):
            receipt = self.receive(1)
        self.assertEqual(receipt.outcome, ACCEPTED)
        message = self.env["hc.message"].browse(receipt.message.id)
        self.assertEqual(message.state, "queued")
        self.assertEqual(
            message._body(), json.dumps({"item": "GLOVE-M", "n": 1}).encode()
        )
        self.env.cr.execute(
            "SELECT state, channel FROM queue_job WHERE uuid = %s", (message.job_uuid,)
        )
        self.assertEqual(self.env.cr.fetchall(), [("pending", "root.hc")])
        job = self.env["queue.job"].search([("uuid", "=", message.job_uuid)])
        self.assertEqual(job.records, message, "the job runs this message")
        self.assertEqual(job.method_name, "_run_job")
        self.assertIn(message.name, job.name)
        self.assertEqual(job.user_id, self.env["hc.message"]._processing_user())

    def test_a_duplicate_still_answers_and_marks_its_signature(self):
        self.warm_up()
        first = self.receive(1, key="same")
        again = self.receive(2, key="same")
        self.assertEqual(again.outcome, DUPLICATE)
        self.assertEqual(again.message.id, first.message.id)

    def test_settings_written_are_read_again(self):
        """A worker's copy of the flow's settings never outlives a write."""
        self.warm_up()
        self.flow.write(
            {
                "schema_type": "json",
                "schema": json.dumps(
                    {"type": "object", "required": ["sku"], "properties": {}}
                ),
            }
        )
        self.env.flush_all()
        self.env.invalidate_all()
        receipt = self.receive(3)
        self.assertEqual(receipt.status, 422, "the new schema applies at once")

    def test_a_type_schema_written_applies_at_once(self):
        """The flow type's schema is kept by each worker until it is written."""
        self.warm_up()
        self.assertEqual(self.flow.schema_type, "type")
        self.flow.flow_type_id.write(
            {
                "schema_type": "json",
                "schema": json.dumps(
                    {"type": "object", "required": ["sku"], "properties": {}}
                ),
            }
        )
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(self.receive(4).status, 422)

    def test_backend_settings_written_are_read_again(self):
        """A worker's copy of the backend's settings never outlives a write."""
        self.warm_up()
        self.backend.inbound_auth = "api_key"
        self.env.flush_all()
        self.env.invalidate_all()
        receipt = self.receive(5)
        self.assertEqual(receipt.status, 401, "signed, without the API key")

    def test_a_secret_written_applies_at_once(self):
        """A worker's copy of the webhook secret never outlives a write."""
        self.warm_up()
        self.backend.webhook_secret = "another secret"
        self.env.flush_all()
        self.env.invalidate_all()
        receipt = self.receive(6)
        self.assertEqual(receipt.status, 401, "signed with the old secret")
