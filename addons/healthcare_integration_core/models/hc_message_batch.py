# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import Counter

from odoo import api, models

from ..lib import states as st
from .hc_payload import REQUEST

# messages processed by one job; more are left to a job of their own
MESSAGES_PER_JOB = 20


class LaterOutcomes:
    """The outcomes of a batch job's messages, left to the job's end.

    ``ids``: the messages of the job; ``rows``: (message, values) of those
    that reached a final state, in that order. A message with an ordering key
    is written at once: a later message of its key, in the same job, reads
    its state (``hc.ordering``). So is a message the job did not lock (one a
    handler created, say).
    """

    __slots__ = ("ids", "rows")

    def __init__(self, ids):
        self.ids = set(ids)
        self.rows = []

    def takes(self, message):
        return len(message) == 1 and message.id in self.ids and not message.ordering_key


class HcMessageBatch(models.AbstractModel):
    """Received messages processed several per queue job.

    A queue job costs its runner a request, and its worker a dozen statements
    (reading, starting, ending it), more than processing a record-only message
    does. A received message therefore joins its flow's pending job, when
    there is one, instead of adding its own (``hc.inbound``'s ``RECEIVE``:
    the job is found by its identity key, ``_batch_key``). The job processes
    its own message, then those that joined it, in the order received, each
    as its own job would: in its own savepoint, with its own attempt, outcome
    and retry (a retry is a job of its own). The attempts and final states
    of its messages are written together at the end of the job (a rollback
    of the job drops them all, as before). Ordering per key holds as for
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

    def _run_batch(self, locked):
        """Process this message, then those that joined its job; the job's
        result. Their attempts and outcomes are written at the end, together
        (``LaterOutcomes``)."""
        job_uuid = self.env.context["job_uuid"]
        later = LaterOutcomes(self.ids)
        attempts = []
        # one notification for them all (a savepoint runs the pending one)
        batch = self.with_context(
            hc_outcomes_later=later, hc_attempts_later=attempts, hc_notify_later=True
        )
        result = batch._run_locked(locked)
        joined, left = batch._lock_joined(job_uuid)
        if joined:
            later.ids.update(joined.ids)
            result = batch._run_joined(joined, locked, result)
        self.env["hc.inbound"]._record_processed(attempts)
        self._write_outcomes(later)
        (self | joined).with_env(self.env)._notify_changed()
        if joined and left:
            self._requeue_left(job_uuid, joined)
        return result

    def _run_joined(self, joined, locked, result):
        """Process the messages that joined this message's job; the job's
        result, with theirs counted."""
        # the flow's and backend's write dates are this message's: one flow
        joined_run = locked._replace(stopped_runs=0)
        outcomes = Counter()
        joined.fetch(self._hc_job_fields())
        # the flow's and backend's settings are this message's, in context
        self.env["hc.payload"]._read_ahead(joined.ids, REQUEST)
        for message in joined:
            outcome = message._run_locked(joined_run)
            outcomes[outcome.split(":")[0].split(" ")[0]] += 1
        counted = ", ".join(f"{n} {what}" for what, n in sorted(outcomes.items()))
        return f"{result}; {len(joined)} joined: {counted}"

    @api.model
    def _write_outcomes(self, later):
        """Write the outcomes ``_finish`` left to the end of the job, then
        what follows each. Written one by one through the ORM, they reach
        the database in one UPDATE at the next flush (bench_throughput's end
        to end: a statement less per message)."""
        if not later.rows:
            return
        # a value equal to the cached one is not written: forgotten first,
        # every message writes the same columns, in the same UPDATE
        written = {name for _message, vals in later.rows for name in vals}
        self.browse(row[0].id for row in later.rows).invalidate_recordset(written)
        writer = self._runtime_writer()
        for message, vals in later.rows:
            writer.browse(message.id).write(vals)
        for message, vals in later.rows:
            message._after_finish(vals["state"])

    def _lock_joined(self, job_uuid):
        """(the pending messages that joined ``job_uuid``, locked, in the
        order received, at most MESSAGES_PER_JOB with this one; how many
        others are pending on it). A message locked by another transaction
        is left to its own job (``_requeue_left``). Raw SQL: the ORM takes
        no row lock (SKIP LOCKED); the count, in the same statement, spares
        most jobs the look for messages left (bench_throughput's end to end).
        No message joins a job once it runs (``hc.inbound``'s ``RECEIVE``)."""
        self.env.cr.execute(
            """
            WITH taken AS (
                SELECT id FROM hc_message
                 WHERE job_uuid = %(job)s AND id != %(id)s AND state IN %(waiting)s
                 ORDER BY id
                 LIMIT %(limit)s
                   FOR NO KEY UPDATE SKIP LOCKED
            )
            SELECT ARRAY(SELECT id FROM taken ORDER BY id),
                   (SELECT count(*) FROM hc_message
                     WHERE job_uuid = %(job)s AND id != %(id)s
                       AND state IN %(waiting)s)
            """,
            {
                "job": job_uuid,
                "id": self.id,
                "waiting": st.WAITING,
                "limit": MESSAGES_PER_JOB - 1,
            },
        )
        ids, pending = self.env.cr.fetchone()
        return self.browse(ids), pending - len(ids)

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
