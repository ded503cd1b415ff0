# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

BEARER = "bearer"
# the bearer settings configuration files carry
CONFIG_FIELDS = (
    "bearer_issuer",
    "bearer_audience",
    "bearer_jwks_url",
    "bearer_jwks",
    "bearer_scope",
    "bearer_token_url",
)


class HcBackend(models.Model):
    """Inbound OAuth2 bearer tokens (JWT) from the hospital's identity provider.

    With *OAuth2 bearer token (JWT)* as inbound authentication, a request
    carries ``Authorization: Bearer <access token>``; the token is accepted
    when it is signed by a key of the provider's JWKS (fetched from its URL,
    or pasted here), and its issuer, audience, validity period and scopes
    are the configured ones (see ``lib/bearer.py``). No webhook secret is
    needed on such a backend.
    """

    # one concern per file, like hc_backend_amqp.py (not merged on purpose)
    _inherit = "hc.backend"  # pylint: disable=consider-merging-classes-inherited

    inbound_auth = fields.Selection(
        selection_add=[(BEARER, "OAuth2 bearer token (JWT)")],
        ondelete={BEARER: "set default"},
    )
    bearer_issuer = fields.Char(
        string="Token issuer",
        tracking=True,
        help="The 'iss' of accepted tokens: the identity provider's issuer URL.",
    )
    bearer_audience = fields.Char(
        string="Token audience",
        tracking=True,
        help="The 'aud' accepted tokens must name, e.g. this endpoint's URL.",
    )
    bearer_jwks_url = fields.Char(
        string="JWKS URL",
        tracking=True,
        help="Where the identity provider publishes its public keys (JWKS); "
        "fetched and cached for five minutes.",
    )
    bearer_jwks = fields.Text(
        string="JWKS (JSON)",
        help="The provider's public keys, when they are configured here rather "
        "than fetched from a URL.",
    )
    bearer_scope = fields.Char(
        string="Required scopes",
        tracking=True,
        help="Space-separated scopes every token must grant, e.g. "
        "'system/SupplyRequest.write' (SMART v1 and v2 forms, wildcards).",
    )
    bearer_token_url = fields.Char(
        string="Token endpoint",
        help="The identity provider's token endpoint, announced to clients "
        "(e.g. in the FHIR CapabilityStatement).",
    )

    # EXTENDS hc.backend
    @api.model
    def _hc_config_fields(self):
        return (*super()._hc_config_fields(), *CONFIG_FIELDS)

    @api.constrains("inbound_auth", "bearer_issuer", "bearer_audience")
    def _check_bearer_settings(self):
        for backend in self.filtered(lambda b: b.inbound_auth == BEARER):
            if not backend.bearer_issuer or not backend.bearer_audience:
                raise ValidationError(
                    _("Bearer tokens need a token issuer and a token audience.")
                )
            if not backend.bearer_jwks_url and not backend.bearer_jwks:
                raise ValidationError(
                    _("Bearer tokens need the provider's JWKS (a URL or the JSON).")
                )

    @api.constrains("bearer_jwks")
    def _check_bearer_jwks(self):
        for backend in self.filtered("bearer_jwks"):
            try:
                keys = json.loads(backend.bearer_jwks).get("keys")
            except (ValueError, AttributeError):
                keys = None
            if not isinstance(keys, list) or not keys:
                raise ValidationError(
                    _("The JWKS must be a JSON object with a list of 'keys'.")
                )
