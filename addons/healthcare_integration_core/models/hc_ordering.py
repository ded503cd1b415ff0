# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import psycopg2

from odoo import _, api, fields, models
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY

from ..lib import states as st

# A follower held behind a message still in progress looks again after this
# many seconds at most, whatever it may have missed of the other's commit.
HOLD_POLL_MIN = 2
HOLD_POLL_MAX = 60


class HcOrdering(models.AbstractModel):
    """Ordered delivery per key: a message goes only once those before it are done.

    Messages of a flow with "ordered per key" that share an ordering key are
    delivered in the order of their position in the key (a replay takes its
    original's place). A follower never relies on being woken up: held behind
    a message still in progress, it looks again after a short delay (and is
    woken at once when that message ends); held behind a dead message, it
    waits without a job until the dead message is replayed, cancelled or
    resolved. Recovery releases anything held behind a message that is final.
    """

    _name = "hc.ordering"
    _description = "Integration Ordered Delivery"

    @api.model
    def _applies(self, message):
        flow = message.flow_id
        return bool(
            message.ordering_key and flow and flow._job_settings().ordered_per_key
        )

    @api.model
    def _blocker(self, message):
        """The first message before ``message`` in its key that is not settled."""
        return message.search(
            [
                ("flow_id", "=", message.flow_id.id),
                ("ordering_key", "=", message.ordering_key),
                ("key_position", "<", message.key_position),
                ("state", "not in", st.SETTLED),
                ("superseded_by_id", "=", False),
            ],
            order="key_position, id",
            limit=1,
        )

    @api.model
    def _hold(self, message):
        """Hold ``message`` if a message before it is unsettled; the job's result."""
        if not self._applies(message):
            return None
        blocker = self._blocker(message)
        if not blocker:
            return None
        reason = _(
            "held behind %(name)s (%(state)s)", name=blocker.name, state=blocker.state
        )
        if blocker.state == st.DEAD:
            return message._wait(reason, held_by=blocker)
        return message._defer(self._poll_delay(blocker), reason, held_by=blocker)

    @staticmethod
    def _poll_delay(blocker):
        seconds = HOLD_POLL_MIN
        if blocker.next_attempt_at:
            ahead = (blocker.next_attempt_at - fields.Datetime.now()).total_seconds()
            seconds = max(seconds, ahead + 1)
        return min(seconds, HOLD_POLL_MAX)

    @api.model
    def _release_after(self, message):
        """Wake the next message of the key once ``message`` is settled."""
        if not self._applies(message):
            return
        if message.state == st.DEAD and not message.superseded_by_id:
            return
        follower = message.search(
            [
                ("flow_id", "=", message.flow_id.id),
                ("ordering_key", "=", message.ordering_key),
                ("key_position", ">", message.key_position),
                ("state", "in", st.WAITING),
            ],
            order="key_position, id",
            limit=1,
        )
        if follower:
            self._wake(follower)

    @api.model
    def _wake(self, message):
        """Queue ``message`` now, unless its own job holds or changed its row.

        Waking must never fail the job that settled the head of the key (its
        partner call is done): when the follower is busy or was changed since
        this transaction began, a job is queued to look again a second later.
        """
        try:
            with self.env.cr.savepoint():
                # raw SQL: the ORM takes no row lock (NOWAIT)
                self.env.cr.execute(
                    "SELECT id FROM hc_message WHERE id = %s FOR NO KEY UPDATE NOWAIT",
                    (message.id,),
                    log_exceptions=False,  # busy is a normal answer here
                )
                # a newer job makes the follower's pending one (if any) a no-op
                message._enqueue()
        except psycopg2.OperationalError as exc:
            if exc.pgcode not in PG_CONCURRENCY_ERRORS_TO_RETRY:
                raise
            message.invalidate_recordset()
            # the holder may not be the follower's own job: a job that leaves
            # its row alone makes sure it looks again (superseded if it has one)
            self.env["hc.job.store"]._store([message._job_spec(delay=1)])

    @api.model
    def _release_stalled(self):
        """Requeue messages held without a job whose blocker is now settled."""
        held = self.env["hc.message"].search(
            [
                ("state", "in", st.WAITING),
                ("job_uuid", "=", False),
                ("ordering_key", "!=", False),
            ]
        )
        released = held.browse()
        for message in held:
            if message.flow_id._is_paused():
                continue
            blocker = self._blocker(message)
            if not blocker or blocker.state != st.DEAD:
                released |= message
        released._enqueue()
        return released
