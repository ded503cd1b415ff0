# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib
import logging

import psycopg2
from psycopg2.extras import execute_values

from odoo import _, api, models
from odoo.tools import SQL

from ..exceptions import PayloadIntegrityError

_logger = logging.getLogger(__name__)

REQUEST = "request"
RESPONSE = "response"
PREVIEW_BYTES = 64 * 1024
# the cursor cache key of payloads read ahead (hc.payload._read_ahead)
READ_AHEAD = "hc_payload_read_ahead"


def checksum(body):
    return hashlib.sha256(body).hexdigest()


class HcPayload(models.AbstractModel):
    """Message payloads, in a table of the core's own.

    Payloads are rows of ``hc_message_payload`` written in the transaction of
    their message, so they commit (or roll back) with it: no file can be
    collected while its message is not yet committed, as filestore attachments
    can. PostgreSQL compresses them (TOAST). Each row keeps the SHA-256 of its
    body; a body that no longer matches it is never sent nor processed.

    No ORM model maps the table: payloads are read through the message, which
    checks the payload viewer group and audits the reads.
    """

    _name = "hc.payload"
    _description = "Integration Payload Store"

    @api.model
    def _create_table(self):
        cr = self.env.cr
        cr.execute(
            """
            CREATE TABLE IF NOT EXISTS hc_message_payload (
                message_id integer NOT NULL
                    REFERENCES hc_message(id) ON DELETE CASCADE,
                kind varchar(16) NOT NULL,
                body bytea NOT NULL,
                sha256 char(64) NOT NULL,
                size integer NOT NULL,
                PRIMARY KEY (message_id, kind)
            )
            """
        )
        try:
            with cr.savepoint(flush=False):
                cr.execute(
                    "ALTER TABLE hc_message_payload "
                    "ALTER COLUMN body SET COMPRESSION lz4"
                )
        except psycopg2.Error:
            _logger.info("lz4 compression not available; payloads use pglz")

    @api.model
    def _put(self, message_id, kind, body):
        """Store (or replace) one payload; an empty body removes it."""
        self._put_many([(message_id, kind, body)])

    @api.model
    def _put_many(self, rows):
        """Store [(message id, kind, body), ...] in one statement."""
        ahead = self.env.cr.cache.get(READ_AHEAD)
        for message_id, kind, _body in rows if ahead else ():
            ahead.pop((message_id, kind), None)
        empty = [(mid, kind) for mid, kind, body in rows if not body]
        values = [
            (mid, kind, psycopg2.Binary(body), checksum(body), len(body))
            for mid, kind, body in rows
            if body
        ]
        if empty:
            self._drop(empty)
        if values:
            execute_values(
                self.env.cr,
                """
                INSERT INTO hc_message_payload (message_id, kind, body, sha256, size)
                VALUES %s
                ON CONFLICT (message_id, kind) DO UPDATE
                   SET body = EXCLUDED.body, sha256 = EXCLUDED.sha256,
                       size = EXCLUDED.size
                """,
                values,
            )

    @api.model
    def _put_sql(self, message_id, kind, body):
        """The statement that ``_put`` runs, as an ``SQL`` that another
        statement takes in a CTE (``hc.message.attempt._record``)."""
        ahead = self.env.cr.cache.get(READ_AHEAD)
        if ahead:
            ahead.pop((message_id, kind), None)
        if not body:
            return SQL(
                "DELETE FROM hc_message_payload WHERE message_id = %s AND kind = %s",
                message_id,
                kind,
            )
        return SQL(
            """
            INSERT INTO hc_message_payload (message_id, kind, body, sha256, size)
            VALUES (%s, %s, %s, %s, %s)
            ON CONFLICT (message_id, kind) DO UPDATE
               SET body = EXCLUDED.body, sha256 = EXCLUDED.sha256,
                   size = EXCLUDED.size
            """,
            message_id,
            kind,
            psycopg2.Binary(body),
            checksum(body),
            len(body),
        )

    @api.model
    def _drop(self, keys):
        """Remove payloads, given as [(message id, kind), ...]."""
        execute_values(
            self.env.cr,
            """
            DELETE FROM hc_message_payload p USING (VALUES %s) AS k(id, kind)
             WHERE p.message_id = k.id AND p.kind = k.kind
            """,
            keys,
        )

    @api.model
    def _purge(self, message_ids):
        """Remove every payload of the messages (retention)."""
        if message_ids:
            self.env.cr.execute(
                "DELETE FROM hc_message_payload WHERE message_id = ANY(%s)",
                (list(message_ids),),
            )

    @api.model
    def _read_ahead(self, message_ids, kind):
        """Read the ``kind`` payloads of messages about to be processed in
        one query (hc.message.batch); ``_get`` then takes each from memory,
        once, and ``_put`` forgets the ones it replaces. ``_forget_ahead``
        drops what was not taken."""
        self.env.cr.execute(
            "SELECT message_id, body, sha256 FROM hc_message_payload "
            "WHERE message_id IN %s AND kind = %s",
            (tuple(message_ids), kind),
        )
        ahead = self.env.cr.cache.setdefault(READ_AHEAD, {})
        ahead.update({(mid, kind): None for mid in message_ids})
        for message_id, body, sha256 in self.env.cr.fetchall():
            ahead[message_id, kind] = (body, sha256)

    @api.model
    def _keep_ahead(self, message_id, kind, row):
        """Keep a payload read by another statement, (body, sha256) or None
        when there is none, for the next ``_get`` (see ``_read_ahead``)."""
        self.env.cr.cache.setdefault(READ_AHEAD, {})[message_id, kind] = row

    @api.model
    def _forget_ahead(self):
        self.env.cr.cache.pop(READ_AHEAD, None)

    @api.model
    def _get(self, message_id, kind):
        """The payload's bytes (b"" when none), checked against its checksum."""
        ahead = self.env.cr.cache.get(READ_AHEAD) or {}
        if (message_id, kind) in ahead:
            row = ahead.pop((message_id, kind))
        else:
            self.env.cr.execute(
                "SELECT body, sha256 FROM hc_message_payload "
                "WHERE message_id = %s AND kind = %s",
                (message_id, kind),
            )
            row = self.env.cr.fetchone()
        if not row:
            return b""
        body = bytes(row[0])
        if checksum(body) != row[1]:
            raise PayloadIntegrityError(
                _(
                    "The stored %(kind)s payload of message %(id)s does not match "
                    "its checksum: it was altered or damaged after it was stored, "
                    "so it is neither sent nor processed.",
                    kind=kind,
                    id=message_id,
                )
            )
        return body

    @api.model
    def _previews(self, message_ids):
        """{(message id, kind): (first bytes, size, sha256)} for display."""
        if not message_ids:
            return {}
        self.env.cr.execute(
            """
            SELECT message_id, kind, substring(body FROM 1 FOR %s), size, sha256
              FROM hc_message_payload WHERE message_id = ANY(%s)
            """,
            (PREVIEW_BYTES, list(message_ids)),
        )
        return {
            (mid, kind): (bytes(head), size, sha)
            for mid, kind, head, size, sha in self.env.cr.fetchall()
        }

    @api.model
    def _copy(self, source_id, target_id, kind=REQUEST):
        """Copy a payload to another message in the database (replays)."""
        self.env.cr.execute(
            """
            INSERT INTO hc_message_payload (message_id, kind, body, sha256, size)
            SELECT %s, kind, body, sha256, size FROM hc_message_payload
             WHERE message_id = %s AND kind = %s
            """,
            (target_id, source_id, kind),
        )
