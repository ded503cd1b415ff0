# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models


class HcMetricsTokenWizard(models.TransientModel):
    """Set, generate or revoke the bearer token of ``GET /hc/metrics``.

    The token is write-only: the field is never stored (not even in this
    wizard's table), only its SHA-256 is kept.
    """

    _name = "hc.metrics.token.wizard"
    _description = "Integration Metrics Token"

    token_is_set = fields.Boolean(compute="_compute_token_is_set")
    token = fields.Char(
        compute="_compute_token",
        inverse="_inverse_token",
        help="A token of your own (at least 32 characters), e.g. from your "
        "secrets vault. Write-only: only its SHA-256 is stored.",
    )
    metrics_url = fields.Char(compute="_compute_metrics_url", string="Metrics URL")

    @api.depends_context("uid")
    def _compute_token_is_set(self):
        is_set = self.env["hc.ops.metrics"]._token_is_set()
        for wizard in self:
            wizard.token_is_set = is_set

    def _compute_token(self):
        for wizard in self:
            wizard.token = False

    def _inverse_token(self):
        for wizard in self:
            if wizard.token:
                self.env["hc.ops.metrics"]._set_token(wizard.token)

    def _compute_metrics_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for wizard in self:
            wizard.metrics_url = f"{base}/hc/metrics"

    def action_save(self):
        return {"type": "ir.actions.act_window_close"}

    def action_generate(self):
        """Generate a token and show it once, in a notification."""
        token = self.env["hc.ops.metrics"]._generate_token()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("New metrics token"),
                "message": _(
                    "Copy it into your Prometheus scrape configuration now "
                    "(authorization: credentials); it is not shown again: %s",
                    token,
                ),
                "type": "warning",
                "sticky": True,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_revoke(self):
        self.env["hc.ops.metrics"]._revoke_token()
        return {"type": "ir.actions.act_window_close"}
