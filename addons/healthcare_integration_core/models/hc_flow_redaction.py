# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib import redact


class HcFlowRedaction(models.Model):
    """A field masked or dropped from a flow's payloads before they are stored."""

    _name = "hc.flow.redaction"
    _description = "Integration Flow Redaction Rule"
    _inherit = ["hc.audit.mixin"]
    _order = "flow_id, sequence, id"

    sequence = fields.Integer(default=10)
    flow_id = fields.Many2one("hc.flow", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="flow_id.company_id", store=True)
    path = fields.Char(
        required=True,
        help="JSONPath (e.g. $.patient.name) for JSON payloads, XPath "
        "(e.g. //patient/name) for XML payloads.",
    )
    mode = fields.Selection(
        [("mask", "Mask"), ("drop", "Drop")], required=True, default="mask"
    )

    @api.constrains("path", "flow_id")
    def _check_path(self):
        for rule in self:
            fmt = rule.flow_id.payload_format
            probe = b"{}" if fmt in ("json", "fhir_json") else b"<probe/>"
            if fmt not in ("json", "fhir_json", "xml"):
                raise ValidationError(
                    _("Redaction rules apply to JSON and XML payloads only.")
                )
            try:
                redact.redact_payload(fmt, probe, [(rule.path, rule.mode)])
            except ValueError as exc:
                raise ValidationError(str(exc)) from None
