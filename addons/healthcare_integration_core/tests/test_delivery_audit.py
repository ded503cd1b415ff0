# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Two deliveries finishing at once, each answer adding an audited record
(a crosswalk of the partner's id, as the asset and EHR handlers do): the
chain's head is taken by one, the other met it after its call went out. That
one must not fail and call the partner again."""

import threading
from contextlib import contextmanager
from unittest.mock import patch

import psycopg2

from odoo import SUPERUSER_ID, api
from odoo.tests.common import TransactionCase, tagged

from odoo.addons.queue_job.exception import RetryableJobError

from .test_runtime_defects import CommittedRunsMixin

RUNS_PER_JOB = 3  # queue_job runs a job again after a concurrency failure


# after the install: the jobs run in threads of their own, while loading the
# modules holds the registry
@tagged("post_install", "-at_install")
class TestConcurrentDeliveriesAudit(CommittedRunsMixin, TransactionCase):
    @contextmanager
    def committed(self):
        # the environment's transaction given: the test runner holds the
        # registry's lock, which a thread creating an environment would wait for
        with self.registry.cursor() as cr:
            cr.transaction = api.Transaction(self.registry)
            yield api.Environment(cr, SUPERUSER_ID, {})

    def test_an_audit_entry_meeting_another_does_not_call_again(self):
        first = self.committed_message("Audited answer")
        self.addCleanup(self.remove, first)
        second = self.another_message(first)
        self.sim.reset()
        both_called = threading.Barrier(2, timeout=30)
        waited = set()

        def on_delivered(handler, message, reply):
            if message.id not in waited:
                # both calls went out, and both transactions have their snapshot
                waited.add(message.id)
                both_called.wait()
            handler.env["hc.crosswalk"].sudo().create(
                {
                    "backend_id": message.backend_id.id,
                    "domain": "product",
                    "external_code": f"answer-{message.id}",
                    "odoo_value": message.name,
                }
            )

        results, failures = {}, []

        def run(message_id):
            # as queue_job's runner: a run failing to serialize runs again
            try:
                for _run in range(RUNS_PER_JOB):
                    try:
                        results[message_id] = self.statements(message_id)[0]
                        return
                    except (
                        psycopg2.errors.SerializationFailure,
                        RetryableJobError,
                    ):
                        continue
            except Exception as exc:  # noqa: BLE001 - reported by the test
                failures.append(repr(exc))

        handler_class = type(self.env["hc.handler"])
        with patch.object(handler_class, "on_delivered", on_delivered):
            threads = [
                threading.Thread(target=run, args=(mid,)) for mid in (first, second)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)
        self.assertFalse(failures)
        self.assertEqual(results, {first: "done", second: "done"})
        # each message called once: no run of a job called again
        self.assertEqual(len(self.sim.requests(path="/api/orders")), 2)
        with self.committed() as env:
            messages = env["hc.message"].browse([first, second])
            self.assertEqual(messages.mapped("attempt_count"), [1, 1])
            self.assertEqual(messages.attempt_ids.mapped("outcome"), ["done", "done"])
            # both entries in the chain (the one set aside, once chained),
            # and the chain verifies
            entries = env["hc.audit.log"].search(
                [
                    ("res_model", "=", "hc.crosswalk"),
                    ("action", "=", "create"),
                    ("record_name", "in", [f"answer-{m}" for m in (first, second)]),
                ]
            )
            self.assertEqual(len(entries), 2)
            env.cr.execute("SELECT count(*) FROM hc_audit_pending")
            self.assertEqual(env.cr.fetchone()[0], 0)
            self.assertFalse(env["hc.audit.log"]._first_broken_entry())
