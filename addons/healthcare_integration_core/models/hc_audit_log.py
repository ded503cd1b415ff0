# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib
import json
import logging

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import AccessError

_logger = logging.getLogger(__name__)

GENESIS = "0" * 64
# the columns of an entry that its writer gives (the chain adds the hashes)
ENTRY_COLUMNS = (
    "user_id",
    "logged_at",
    "action",
    "res_model",
    "res_id",
    "record_name",
    "company_id",
    "changes",
)
# how many times the entries set aside are chained again after a commit that
# met another writer (a fresh transaction each time)
CHAIN_TRIES = 5


class HcAuditLog(models.Model):
    """Append-only, hash-chained record of interventions on the runtime."""

    _name = "hc.audit.log"
    _description = "Integration Audit Log"
    _order = "id desc"
    _rec_name = "action"

    user_id = fields.Many2one("res.users", readonly=True, index=True)
    logged_at = fields.Datetime(readonly=True, required=True, index=True)
    action = fields.Char(
        string="Action code",
        readonly=True,
        required=True,
        index=True,
        help="The action's code, as logged.",
    )
    action_label = fields.Char(string="Action", compute="_compute_action_label")
    res_model = fields.Char(readonly=True, index=True)
    res_id = fields.Integer(readonly=True, index=True)
    record_name = fields.Char(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    changes = fields.Text(
        readonly=True, help="Before and after, secrets masked (JSON)."
    )
    prev_hash = fields.Char(readonly=True, required=True)
    entry_hash = fields.Char(readonly=True, required=True, index=True)

    def init(self):
        # The chain's head: the hash of the last entry, one row that every
        # writer locks and moves. Each entry needs the hash of the last one,
        # and Odoo's transactions read a snapshot taken at their first query:
        # a writer whose snapshot predates an entry committed by another
        # worker or node would link to the same predecessor (a broken chain,
        # read as tampering). Locking the head fails to serialize instead,
        # and Odoo runs the request (or queue_job the job) again.
        cr = self.env.cr
        cr.execute(
            """
            CREATE TABLE IF NOT EXISTS hc_audit_chain_head (
                id integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
                entry_hash varchar NOT NULL
            )
            """
        )
        # NOT EXISTS rather than ON CONFLICT: an update of the modules must
        # not fail to serialize when a running node moved the head meanwhile
        cr.execute(
            """
            INSERT INTO hc_audit_chain_head (id, entry_hash)
            SELECT 1, coalesce(
                (SELECT entry_hash FROM hc_audit_log ORDER BY id DESC LIMIT 1), %s)
             WHERE NOT EXISTS (SELECT 1 FROM hc_audit_chain_head)
            """,
            (GENESIS,),
        )
        # Entries set aside by a transaction that may not move the head (see
        # _log's after_call), chained in order after its commit.
        cr.execute(
            """
            CREATE TABLE IF NOT EXISTS hc_audit_pending (
                id serial PRIMARY KEY,
                user_id integer,
                logged_at timestamp NOT NULL,
                action varchar NOT NULL,
                res_model varchar,
                res_id integer,
                record_name varchar,
                company_id integer,
                changes text
            )
            """
        )

    def _action_labels(self):
        """{action code: label} of the actions logged. An addon that logs
        actions of its own names them here, e.g.::

            def _action_labels(self):
                return {**super()._action_labels(), "budget_override": _("...")}

        A code without a label shows as words ("price_change" -> "Price change").
        """
        return {
            "create": _("Created"),
            "write": _("Changed"),
            "unlink": _("Deleted"),
            "acknowledge": _("Failure acknowledged"),
            "retry": _("Message retried"),
            "replay": _("Message replayed"),
            "resolve": _("Message marked resolved"),
            "cancel": _("Message cancelled"),
            "payload_view": _("Payload viewed"),
            "retention": _("Payloads purged (retention)"),
            "rotate_keys": _("Secret keys rotated"),
        }

    @api.depends("action")
    def _compute_action_label(self):
        labels = self._action_labels()
        for entry in self:
            code = entry.action or ""
            entry.action_label = labels.get(code) or code.replace("_", " ").capitalize()

    @api.depends("action")
    def _compute_display_name(self):
        for entry in self:
            entry.display_name = entry.action_label

    # Append-only: the ORM never writes entries, _log() inserts them.
    @api.model_create_multi
    def create(self, vals_list):  # pylint: disable=method-required-super
        raise AccessError(_("Audit entries are written by the runtime only."))

    def write(self, vals):  # pylint: disable=method-required-super
        raise AccessError(_("Audit entries cannot be changed."))

    def unlink(self):  # pylint: disable=method-required-super
        raise AccessError(_("Audit entries cannot be deleted."))

    @staticmethod
    def _digest(prev_hash, entry):
        canonical = json.dumps(entry, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(f"{prev_hash}|{canonical}".encode()).hexdigest()

    @staticmethod
    def _entry(row):
        """The hashed content of an entry (a dict of column values)."""
        return {
            "user_id": row["user_id"] or None,
            "logged_at": fields.Datetime.to_string(row["logged_at"]),
            "action": row["action"],
            "res_model": row["res_model"] or None,
            "res_id": row["res_id"] or None,
            "record_name": row["record_name"] or None,
            "changes": row["changes"] or None,
        }

    @api.model
    def _log(self, action, records=None, changes=None):
        """Append one entry per record (or one with no record).

        The entries link to the chain's head, locked until the transaction
        ends; a transaction whose snapshot predates an entry committed by
        another one fails to serialize (it is run again).

        With ``hc_audit_after_call`` in the context (a delivery whose call
        went out: running it again would call the partner again), meeting
        another writer sets the entries aside instead, in this transaction,
        and they are chained once it commits (``_chain_pending``).
        """
        rows = self._rows(action, records, changes)
        if not self.env.context.get("hc_audit_after_call"):
            self._append(rows)
            return
        try:
            with self.env.cr.savepoint(flush=False):
                self._append(rows)
        except psycopg2.errors.SerializationFailure:
            self._set_aside(rows)

    def _rows(self, action, records, changes):
        """The column values (ENTRY_COLUMNS) of the entries of ``_log``."""
        text = json.dumps(changes, sort_keys=True, default=str) if changes else None
        rows = []
        for record in list(records) if records else [None]:
            company = record and "company_id" in record._fields and record.company_id
            rows.append(
                {
                    "user_id": self.env.uid,
                    "logged_at": fields.Datetime.now(),
                    "action": action,
                    "res_model": record._name if record else None,
                    "res_id": record.id if record else None,
                    "record_name": record.display_name if record else None,
                    "company_id": company.id if company else None,
                    "changes": text,
                }
            )
        return rows

    def _append(self, rows, cr=None):
        """Link ``rows`` to the chain's head, locked, and move it past them
        (on ``cr``, by default this transaction's)."""
        cr = cr or self.env.cr
        cr.execute(
            "SELECT entry_hash FROM hc_audit_chain_head WHERE id = 1 FOR UPDATE",
            log_exceptions=False,  # a serialization failure is retried, not a fault
        )
        prev_hash = cr.fetchone()[0]
        for row in rows:
            entry_hash = self._digest(prev_hash, self._entry(row))
            cr.execute(
                """
                INSERT INTO hc_audit_log (user_id, logged_at, action, res_model,
                    res_id, record_name, company_id, changes, prev_hash, entry_hash,
                    create_uid, create_date, write_uid, write_date)
                VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, now() at time
                    zone 'utc', %s, now() at time zone 'utc')
                """,
                (
                    *(row[column] for column in ENTRY_COLUMNS),
                    prev_hash,
                    entry_hash,
                    row["user_id"],
                    row["user_id"],
                ),
            )
            prev_hash = entry_hash
        cr.execute(
            "UPDATE hc_audit_chain_head SET entry_hash = %s WHERE id = 1", (prev_hash,)
        )

    def _set_aside(self, rows):
        """Keep ``rows`` in this transaction, to chain after its commit."""
        for row in rows:
            self.env.cr.execute(
                """
                INSERT INTO hc_audit_pending (user_id, logged_at, action,
                    res_model, res_id, record_name, company_id, changes)
                VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
                """,
                tuple(row[column] for column in ENTRY_COLUMNS),
            )
        postcommit = self.env.cr.postcommit
        if not postcommit.data.get("hc_audit_pending"):
            postcommit.data["hc_audit_pending"] = True
            postcommit.add(self._chain_pending_after_commit)

    def _chain_pending_after_commit(self):
        """Chain the entries set aside, in transactions of their own (plain
        cursors: the committed environment is gone)."""
        for _try in range(CHAIN_TRIES):
            try:
                with self.env.registry.cursor() as cr:
                    self._chain_pending(cr)
                return
            except psycopg2.errors.SerializationFailure:
                continue  # another writer moved the head: a new snapshot
        _logger.warning("audit entries set aside are left to the recovery job")

    @api.model
    def _chain_pending(self, cr=None):
        """Move the entries set aside into the chain, in the order written
        (the recovery job calls it too, for entries whose writer stopped
        after its commit); their number."""
        cr = cr or self.env.cr
        cr.execute(
            """
            WITH moved AS (DELETE FROM hc_audit_pending RETURNING *)
            SELECT user_id, logged_at, action, res_model, res_id, record_name,
                   company_id, changes
              FROM moved ORDER BY id
            """,
            log_exceptions=False,  # a serialization failure is retried
        )
        rows = cr.dictfetchall()
        if rows:
            self._append(rows, cr)
        return len(rows)

    @api.model
    def _first_broken_entry(self):
        """The first entry whose hash or link does not verify, or an empty set."""
        self.env.cr.execute(
            """SELECT id, user_id, logged_at, action, res_model, res_id, record_name,
                      changes, prev_hash, entry_hash
                 FROM hc_audit_log ORDER BY id"""
        )
        prev_hash = GENESIS
        for row in self.env.cr.dictfetchall():
            expected = self._digest(prev_hash, self._entry(row))
            if row["prev_hash"] != prev_hash or row["entry_hash"] != expected:
                return self.browse(row["id"])
            prev_hash = row["entry_hash"]
        return self.browse()

    def action_verify_chain(self):
        broken = self._first_broken_entry()
        if broken:
            message = _("The audit chain is broken at entry %s.", broken.id)
            kind = "danger"
        else:
            message = _("The audit chain verifies.")
            kind = "success"
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Audit chain"),
                "message": message,
                "type": kind,
                "sticky": bool(broken),
            },
        }
