# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..exceptions import HcMappingError


# kept beside the wizard it feeds, out of the receive service's files
# pylint: disable=consider-merging-classes-inherited
class HcInboundMappingFailure(models.AbstractModel):
    """Keep, on a message failing for unmapped codes, which codes of which
    domain, so that its form offers *Add mapping* for exactly those."""

    _inherit = "hc.inbound"

    @api.model
    def _failed(self, message, attempt, error_class, error, kind=None):
        # EXTENDS hc.inbound: the exception is at hand only here
        if isinstance(error, HcMappingError):
            message._runtime_write(
                {
                    "unmapped_domain": error.domain,
                    "unmapped_codes": ", ".join(str(c) for c in error.codes),
                    "unmapped_entries": [[d, str(c)] for d, c in error.missing],
                }
            )
        return super()._failed(message, attempt, error_class, error, kind=kind)


class HcMappingWizard(models.TransientModel):
    """*Add mapping* on a message failing for unmapped codes: one crosswalk
    entry per code, then (by default) the message replayed."""

    _name = "hc.mapping.wizard"
    _description = "Add the crosswalk entries a message lacks"

    message_id = fields.Many2one("hc.message", required=True, readonly=True)
    backend_id = fields.Many2one(related="message_id.backend_id")
    domain = fields.Selection(
        "_selection_domain",
        readonly=True,
        help="Of every code, when the message lacks codes of one kind only.",
    )
    line_ids = fields.One2many("hc.mapping.wizard.line", "wizard_id")
    replay = fields.Boolean(
        string="Replay the message", default=True, help="Once the codes are mapped."
    )

    @api.model
    def _selection_domain(self):
        return (
            self.env["hc.crosswalk"]._fields["domain"]._description_selection(self.env)
        )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        message = self.env["hc.message"].browse(
            values.get("message_id") or self.env.context.get("default_message_id")
        )
        if message and "line_ids" in fields_list:
            values["line_ids"] = [
                fields.Command.create({"domain": domain, "external_code": code})
                for domain, code in self._unmapped(message)
            ]
        return values

    @staticmethod
    def _unmapped(message):
        """[(domain, code)] of the codes the message lacks."""
        if message.unmapped_entries:
            return [(domain, code) for domain, code in message.unmapped_entries]
        codes = [c.strip() for c in (message.unmapped_codes or "").split(",")]
        return [(message.unmapped_domain, code) for code in codes if code]

    def action_confirm(self):
        self.ensure_one()
        message = self.message_id
        lines = self.line_ids.filtered(lambda line: line.record_ref or line.odoo_value)
        if not lines:
            raise UserError(_("Map at least one code to an Odoo record or value."))
        self.env["hc.crosswalk"].create(
            [
                {
                    "backend_id": message.backend_id.id,
                    "domain": line.domain,
                    "external_code": line.external_code,
                    "record_ref": line.record_ref
                    and f"{line.record_ref._name},{line.record_ref.id}",
                    "odoo_value": line.odoo_value,
                }
                for line in lines
            ]
        )
        labels = dict(self._selection_domain())
        message.message_post(
            body=_(
                "Mapped %(codes)s for %(backend)s.",
                codes=", ".join(
                    f"{line.external_code} ({labels.get(line.domain, line.domain)})"
                    for line in lines
                ),
                backend=message.backend_id.display_name,
            )
        )
        if self.replay:
            return message.action_replay()
        return {"type": "ir.actions.act_window_close"}


class HcMappingWizardLine(models.TransientModel):
    _name = "hc.mapping.wizard.line"
    _description = "A code to map"

    wizard_id = fields.Many2one("hc.mapping.wizard", required=True, ondelete="cascade")
    domain = fields.Selection(
        lambda self: self.env["hc.mapping.wizard"]._selection_domain(),
        string="Kind of code",
        required=True,
    )
    external_code = fields.Char(required=True)
    record_ref = fields.Reference(
        selection=lambda self: self.env["hc.crosswalk"]._selection_record_ref(),
        string="Odoo record",
    )
    odoo_value = fields.Char(string="Or a plain value")
