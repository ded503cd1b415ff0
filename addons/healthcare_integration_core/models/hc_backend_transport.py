# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import time

import psycopg2

from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import config

from odoo.addons.queue_job.exception import RetryableJobError

from ..lib import transport

TOKEN_MARGIN = 60  # seconds before expiry at which an OAuth2 token is renewed


class HcBackendTransport(models.AbstractModel):
    """How a backend is called: its HTTP transport, credentials and OAuth2
    token, and the guard against calling production from a copy. File and
    broker transports extend ``_transport_send``. Inherited by ``hc.backend``.
    """

    _name = "hc.backend.transport"
    _description = "Integration Backend: Transport"

    def _transport_config(self):
        self.ensure_one()
        settings = self._job_settings()
        if not settings.base_url:
            raise UserError(_("Backend %s has no base URL.", self.display_name))
        secrets = self._secrets("credential", "tls_key")
        return transport.TransportConfig(
            base_url=settings.base_url,
            auth_type=settings.auth_type,
            api_key_header=settings.api_key_header or "X-API-Key",
            username=settings.username,
            client_id=settings.username,
            secret=secrets["credential"],
            token_url=settings.token_url,
            scope=settings.oauth_scope,
            verify_tls=settings.verify_tls,
            client_cert_pem=settings.client_cert_pem or None,
            client_key_pem=secrets["tls_key"],
            connect_timeout=settings.connect_timeout or 5.0,
            read_timeout=settings.read_timeout or 30.0,
        )

    def _oauth_token(self, cfg, now=None):
        """The cached OAuth2 token; one worker fetches a new one once it expires.

        The token's row is locked while a new token is fetched: a second worker
        whose token also expired waits, and then (its snapshot being older than
        the new token) fails with a serialization error that queue_job retries,
        this time finding the fresh token.
        """
        self.ensure_one()
        now = now or time.time()
        secrets = self.env["hc.backend.secret"].sudo()
        # a token still valid needs no lock (only its renewal does): a job
        # takes it from its worker's copy (hc.backend.secret._ciphertexts)
        if secrets._token_expiry(self, "oauth_token") - TOKEN_MARGIN > now:
            token = secrets._reveal(self, "oauth_token")
            if token:
                return token
        cached = secrets._locked_slot(self, "oauth_token")
        if cached.expires_at - TOKEN_MARGIN > now:
            token = secrets._reveal(self, "oauth_token")
        else:
            token, expires_in = transport.fetch_oauth2_token(cfg)
            secrets._store(self, "oauth_token", token, expires_at=now + expires_in)
        return token

    def _prepare_transport(self):
        """Get what a call needs before it is made (an OAuth2 token).

        A token being fetched by another worker makes the token's lock fail
        with a serialization error: the job is retried (as a run that made no
        call, so no interrupted attempt is recorded for it) and then finds the
        fresh token. The call itself finds the token locked by this
        transaction already.
        """
        self.ensure_one()
        settings = self._job_settings()
        if settings.transport == "http" and settings.auth_type == "oauth2":
            try:
                self._oauth_token(self._transport_config())
            except psycopg2.errors.SerializationFailure as exc:
                raise RetryableJobError(
                    "OAuth2 token being renewed by another worker",
                    seconds=1,
                    ignore_retry=True,
                ) from exc

    def _transport_send(self, method, path, body, headers, message=None):
        """Send one request (or file, or event) with this backend's transport.

        ``message`` is the message being delivered, when there is one; file and
        broker transports name files and set properties from it.
        """
        self.ensure_one()
        if self._is_file_transport():
            return self._file_send(body, message)
        return self._http_send(method, path, body, headers)

    def _http_send(self, method, path, body, headers):
        """Send one request with this backend's transport and credentials."""
        self.ensure_one()
        self._check_environment()
        cfg = self._transport_config()
        token = self._oauth_token(cfg) if cfg.auth_type == "oauth2" else None
        return transport.send(
            cfg,
            method,
            path,
            body,
            headers=headers,
            token=token,
            session=transport.pooled_session(cfg),
        )

    def _check_environment(self):
        """Refuse to call a production backend from a non-production database."""
        self.ensure_one()
        production = self._job_settings().environment == "production"
        if production and not self._is_production_database():
            raise UserError(
                _(
                    "Blocked by environment: database %(db)s is not a production "
                    "database (or was neutralized) and may not call production "
                    "backend %(backend)s.",
                    db=self.env.cr.dbname,
                    backend=self.display_name,
                )
            )

    @api.model
    def _is_production_database(self):
        production = {
            name.strip()
            for name in (config.get("hc_production_databases") or "").split(",")
            if name.strip()
        }
        neutralized = (
            self.env["ir.config_parameter"].sudo().get_param("database.is_neutralized")
        )
        return self.env.cr.dbname in production and not neutralized
