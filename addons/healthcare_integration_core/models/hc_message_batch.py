# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import Counter

from odoo import api, models

from ..lib import states as st
from .hc_payload import REQUEST

# messages processed by one job; more are left to a job of their own
MESSAGES_PER_JOB = 20


class HcMessageBatch(models.AbstractModel):
    """Received messages processed several per queue job.

    A queue job costs its runner a request, and its worker a dozen statements
    (reading, starting, ending it), more than processing a record-only message
    does. A received message therefore joins its flow's pending job, when
    there is one, instead of adding its own (``hc.inbound``'s ``RECEIVE``:
    the job is found by its identity key, ``_batch_key``). The job processes
    its own message, then those that joined it, in the order received, each
    as its own job would: in its own savepoint, with its own attempt, outcome
    and retry (a retry is a job of its own). Ordering per key holds as for
    any job: a message whose key has one before it unsettled waits for it.

    A job that stops (worker killed, transaction rolled back) is run again by
    queue_job with every message it had; a message whose job ended without
    it is queued again by the recovery (``hc.maintenance``). Inherited by
    ``hc.message``.
    """

    _name = "hc.message.batch"
    _description = "Integration Message Batches"

    @api.model
    def _batch_key(self, flow):
        """The identity key of the pending job that messages received on
        ``flow`` join."""
        return f"hc-inbound-{flow.id}"

    def _joinable(self):
        """Whether this message's job may have other messages joined to it:
        a received message's job (not a page of a run, processed in its pull's
        job; not a job run by hand, without a job uuid)."""
        return bool(
            self.env.context.get("job_uuid")
            and self.direction == "inbound"
            and not self.run_id
        )

    def _run_joined(self, locked, result):
        """Process the messages that joined this message's job; the job's
        result, with theirs counted."""
        job_uuid = self.env.context["job_uuid"]
        joined = self._lock_joined(job_uuid)
        if not joined:
            return result
        # the flow's and backend's write dates are this message's: one flow
        joined_run = locked._replace(stopped_runs=0)
        outcomes = Counter()
        joined.fetch(self._hc_job_fields())
        # the flow's and backend's settings are this message's, in cache
        payloads = self.env["hc.payload"]
        payloads._read_ahead(joined.ids, REQUEST)
        # one notification for them all (a savepoint runs the pending one),
        # and their processed attempts in one statement
        attempts = []
        quiet = joined.with_context(hc_notify_later=True, hc_attempts_later=attempts)
        for message in quiet:
            outcome = message._run_locked(joined_run, fetched=True)
            outcomes[outcome.split(":")[0].split(" ")[0]] += 1
        self.env["hc.inbound"]._record_processed(attempts)
        joined._notify_changed()
        self._requeue_left(job_uuid, joined)
        counted = ", ".join(f"{n} {what}" for what, n in sorted(outcomes.items()))
        return f"{result}; {len(joined)} joined: {counted}"

    def _lock_joined(self, job_uuid):
        """The pending messages that joined ``job_uuid``, locked, in the
        order received (at most MESSAGES_PER_JOB with this one); a message
        locked by another transaction is left to its own job
        (``_requeue_left``). Raw SQL: the ORM takes no row lock (SKIP
        LOCKED)."""
        self.env.cr.execute(
            """
            SELECT id FROM hc_message
             WHERE job_uuid = %s AND id != %s AND state IN %s
             ORDER BY id
             LIMIT %s
               FOR NO KEY UPDATE SKIP LOCKED
            """,
            (job_uuid, self.id, st.WAITING, MESSAGES_PER_JOB - 1),
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _requeue_left(self, job_uuid, joined):
        """Give the messages of ``job_uuid`` that this run did not take (over
        MESSAGES_PER_JOB, or locked) a job: one for them all."""
        left = self.search(
            [
                ("job_uuid", "=", job_uuid),
                ("state", "in", st.WAITING),
                ("id", "not in", [self.id, *joined.ids]),
            ],
            order="id",
        )
        if not left:
            return
        # no identity key: a message received meanwhile is not joined to it
        # (only RECEIVE's share lock makes joining a job safe)
        [next_uuid] = self.env["hc.job.store"]._store([left[0]._job_spec()])
        left._runtime_write({"job_uuid": next_uuid})
