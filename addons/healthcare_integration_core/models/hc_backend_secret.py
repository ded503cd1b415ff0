# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import os
import threading
from datetime import datetime

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import config

from ..lib import crypto

SECRET_SLOTS = [
    ("credential", "Credential"),
    ("webhook", "Webhook secret"),
    ("tls_key", "TLS client key"),
    ("oauth_token", "OAuth2 access token"),
    ("ssh_key", "SSH private key"),
]


# A worker's copy of the secrets its jobs read: {(database, backend id):
# (fingerprint, {slot: (ciphertext, expires_at)})}, and the clear text of
# the ciphertexts it decrypted (bounded). See HcBackendSecret._ciphertexts.
_KEPT = {}
_DECRYPTED = {}
_DECRYPTED_MAX = 256
_KEPT_LOCK = threading.Lock()
# the last write of a backend without secrets, in their fingerprint
NEVER_WRITTEN = datetime(1970, 1, 1)


def configured_keys():
    """The encryption keys configured outside the database, as configured."""
    return os.environ.get("HC_SECRET_KEYS") or config.get("hc_secret_keys")


def secret_box():
    """The SecretBox built from the keys configured outside the database."""
    keys = crypto.parse_keys(configured_keys())
    try:
        return crypto.SecretBox(keys)
    except crypto.CryptoConfigError as exc:
        raise UserError(str(exc)) from None


class HcBackendSecret(models.Model):
    """Ciphertexts of backend secrets.

    No group has any access: the backend reads and writes them through sudo()
    and only ever returns clear text to the transport layer.
    """

    _name = "hc.backend.secret"
    _description = "Integration Backend Secret (encrypted)"

    backend_id = fields.Many2one(
        "hc.backend", required=True, ondelete="cascade", index=True
    )
    slot = fields.Selection(SECRET_SLOTS, required=True)
    ciphertext = fields.Text(required=True)
    expires_at = fields.Float(help="Unix time after which the secret is stale.")

    _sql_constraints = [
        ("slot_unique", "unique(backend_id, slot)", "One secret per slot."),
    ]

    @api.model
    def _store(self, backend, slot, value, expires_at=0.0):
        with _KEPT_LOCK:
            _KEPT.pop((self.env.cr.dbname, backend.id), None)
        existing = self.sudo().search(
            [("backend_id", "=", backend.id), ("slot", "=", slot)]
        )
        if not value:
            existing.unlink()
            return
        vals = {"ciphertext": secret_box().encrypt(value), "expires_at": expires_at}
        if existing:
            existing.write(vals)
        else:
            self.sudo().create({"backend_id": backend.id, "slot": slot, **vals})

    @api.model
    def _is_set(self, backend, slot):
        return bool(
            self.sudo().search_count(
                [
                    ("backend_id", "=", backend.id),
                    ("slot", "=", slot),
                    ("ciphertext", "!=", ""),
                ]
            )
        )

    @api.model
    def _locked_slot(self, backend, slot):
        """The slot's row (created empty if missing), locked until commit.

        In a transaction whose snapshot predates another one's update of the
        row, the lock raises a serialization error: the caller's job is then
        retried with a fresh snapshot.
        """
        cr = self.env.cr
        cr.execute(
            """
            INSERT INTO hc_backend_secret (backend_id, slot, ciphertext, expires_at,
                create_uid, create_date, write_uid, write_date)
            VALUES (%s, %s, '', 0, %s, now() at time zone 'utc', %s,
                    now() at time zone 'utc')
            ON CONFLICT (backend_id, slot) DO NOTHING
            """,
            (backend.id, slot, self.env.uid, self.env.uid),
            log_exceptions=False,  # a serialization failure is retried, not a fault
        )
        cr.execute(
            "SELECT id FROM hc_backend_secret WHERE backend_id = %s AND slot = %s "
            "FOR NO KEY UPDATE",
            (backend.id, slot),
            log_exceptions=False,
        )
        secret = self.browse(cr.fetchone()[0])
        secret.invalidate_recordset()
        return secret

    @api.model
    def _reveal(self, backend, slot, ciphertexts=None):
        if ciphertexts is None:
            ciphertexts = self._ciphertexts(backend)
        ciphertext = ciphertexts.get(slot)
        if not ciphertext:
            return None
        # what the configured keys decrypt: a key removed decrypts no more
        memo = (configured_keys(), ciphertext)
        clear = _DECRYPTED.get(memo)
        if clear is not None:
            return clear
        try:
            clear = secret_box().decrypt(ciphertext)
        except crypto.SecretDecryptError:
            raise UserError(
                _(
                    "The %(slot)s of backend %(backend)s cannot be decrypted with "
                    "the configured keys.",
                    slot=slot,
                    backend=backend.display_name,
                )
            ) from None
        with _KEPT_LOCK:
            if len(_DECRYPTED) >= _DECRYPTED_MAX:
                _DECRYPTED.clear()
            _DECRYPTED[memo] = clear
        return clear

    @api.model
    def _ciphertexts(self, backend):
        """{slot: ciphertext} of a backend, in one query, or none.

        A message's job knows the fingerprint of its backend's secrets (how
        many, last written when: ``hc.message._lock`` reads it with the
        message's lock, in context as ``hc_secrets_written``): while it is
        the one this worker read them with, the worker's copy serves them
        (bench_throughput's delivery: every statement of a delivery weighs
        against a no-op job). A write on any node changes the fingerprint;
        secrets written by the running transaction are not kept.
        """
        return {slot: kept[0] for slot, kept in self._kept(backend).items()}

    @api.model
    def _token_expiry(self, backend, slot):
        """When ``slot``'s secret of ``backend`` expires (Unix time, 0: never
        or not set), as ``_ciphertexts`` reads it."""
        return (self._kept(backend).get(slot) or ("", 0.0))[1]

    @api.model
    def _fingerprint(self, backend):
        """How many secrets ``backend`` has and when they were last written:
        what ``_kept`` compares with the worker's copy (``hc.message._lock``
        reads it with a message's lock; a job calling a backend without one,
        a pull, reads it here once and passes it in context as
        ``hc_secrets_written``)."""
        self.flush_model(["backend_id"])
        [(count, written)] = self.sudo()._read_group(
            [("backend_id", "=", backend.id)], [], ["__count", "write_date:max"]
        )
        return (backend.id, count, written or NEVER_WRITTEN)

    @api.model
    def _kept(self, backend):
        """{slot: (ciphertext, expires_at)} of ``backend``."""
        key = (self.env.cr.dbname, backend.id)
        fingerprint = self.env.context.get("hc_secrets_written")
        if fingerprint and fingerprint[0] == backend.id:
            kept = _KEPT.get(key)
            if kept and kept[0] == fingerprint:
                return kept[1]
        # read on every call to a backend: one plain query, not an ORM read
        self.flush_model(["backend_id", "slot", "ciphertext", "expires_at"])
        self.env.cr.execute(
            """
            SELECT slot, ciphertext, expires_at, count(*) OVER (),
                   max(write_date) OVER ()
              FROM hc_backend_secret WHERE backend_id = %s
            """,
            (backend.id,),
        )
        rows = self.env.cr.fetchall()
        slots = {slot: (text, expires or 0.0) for slot, text, expires, *_ in rows}
        read = (backend.id, len(rows), rows[0][4] if rows else NEVER_WRITTEN)
        # kept when nothing changed since the job's lock (this transaction's
        # own writes included), and not written by this transaction
        if read == fingerprint and read[2] < self.env.cr.now():
            with _KEPT_LOCK:
                _KEPT[key] = (fingerprint, slots)
        return slots

    @api.model
    def _forget(self):
        """Drop this worker's copies (tests)."""
        with _KEPT_LOCK:
            _KEPT.clear()
            _DECRYPTED.clear()

    @api.model
    def _rotate_all(self):
        """Re-encrypt every secret under the newest key; returns the count."""
        box = secret_box()
        secrets = self.sudo().search([("ciphertext", "!=", "")])
        for secret in secrets:
            secret.ciphertext = box.rotate(secret.ciphertext)
        self.env["hc.audit.log"]._log("rotate_keys", None, {"secrets": len(secrets)})
        return len(secrets)
