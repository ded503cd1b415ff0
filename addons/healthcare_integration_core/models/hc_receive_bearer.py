# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import models

from ..lib import bearer
from ..lib.receive import Refusal

_logger = logging.getLogger(__name__)


class HcReceive(models.AbstractModel):
    _inherit = "hc.receive"

    def _authenticate_bearer(self, backend, request, body):
        """OAuth2 bearer token (JWT) of the hospital's identity provider.

        A token is not a signature of the body: nothing is returned for the
        duplicate check (the Idempotency-Key or the payload's SHA-256 apply)::

            Authorization: Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0...
        """
        settings = backend.sudo()
        try:
            token = bearer.token_of(request.headers.get("Authorization"))
            claims = bearer.validate(
                token,
                settings.bearer_issuer,
                settings.bearer_audience,
                settings.bearer_scope,
                jwks_json=settings.bearer_jwks,
                jwks_url=settings.bearer_jwks_url,
            )
        except bearer.BearerError as exc:
            raise Refusal(401, "unauthenticated", exc.reason) from None
        _logger.debug("bearer token of %s accepted", claims.get("sub") or "?")
        return None
