# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import os

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


def secret_box():
    """The SecretBox built from the keys configured outside the database."""
    keys = crypto.parse_keys(
        os.environ.get("HC_SECRET_KEYS") or config.get("hc_secret_keys")
    )
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
        try:
            return secret_box().decrypt(ciphertext)
        except crypto.SecretDecryptError:
            raise UserError(
                _(
                    "The %(slot)s of backend %(backend)s cannot be decrypted with "
                    "the configured keys.",
                    slot=slot,
                    backend=backend.display_name,
                )
            ) from None

    @api.model
    def _ciphertexts(self, backend):
        """{slot: ciphertext} of a backend, in one query."""
        # read on every delivery: one plain query, not an ORM search and read
        self.flush_model(["backend_id", "slot", "ciphertext"])
        self.env.cr.execute(
            "SELECT slot, ciphertext FROM hc_backend_secret WHERE backend_id = %s",
            (backend.id,),
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _rotate_all(self):
        """Re-encrypt every secret under the newest key; returns the count."""
        box = secret_box()
        secrets = self.sudo().search([("ciphertext", "!=", "")])
        for secret in secrets:
            secret.ciphertext = box.rotate(secret.ciphertext)
        self.env["hc.audit.log"]._log("rotate_keys", None, {"secrets": len(secrets)})
        return len(secrets)
