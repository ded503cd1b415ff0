# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

EQUIPMENT_OUT = "asset.equipment_out"


class HcAssetEamRecord(models.AbstractModel):
    """A record the EAM/CMMS keeps a copy of: each change goes out, in order.

    The inheriting model lists the fields the EAM keeps in ``_hc_eam_fields``;
    a create, or a write touching one of them, queues one revision on the
    ``asset.equipment_out`` flow. Changes that came from the EAM itself carry
    ``hc_from_eam`` in the context and are not echoed back. Example::

        class MaintenanceEquipment(models.Model):
            _inherit = ["maintenance.equipment", "hc.asset.eam.record"]
            _hc_eam_fields = frozenset({"name", "serial_no", "location"})
    """

    _name = "hc.asset.eam.record"
    _inherit = "hc.consumer.mixin"
    _description = "Record synchronized with the EAM/CMMS"

    _hc_eam_fields = frozenset()

    hc_eam_ref = fields.Char(
        string="EAM asset id",
        compute="_compute_hc_eam_ref",
        help="The id the EAM/CMMS gave this equipment (from the crosswalk).",
    )
    hc_eam_revision = fields.Integer(
        string="EAM revision", readonly=True, copy=False, help="Changes sent."
    )
    hc_eam_synced_revision = fields.Integer(
        string="EAM revision acknowledged", readonly=True, copy=False
    )
    hc_eam_in_sync = fields.Boolean(
        string="In sync with the EAM",
        compute="_compute_hc_eam_in_sync",
        store=True,
    )

    def _compute_hc_eam_ref(self):
        refs = {}
        entries = (
            self.env["hc.crosswalk"]
            .sudo()
            .search(
                [
                    ("domain", "=", "equipment"),
                    ("record_ref", "in", [f"{self._name},{rid}" for rid in self.ids]),
                ]
            )
        )
        for entry in entries:
            refs.setdefault(entry.record_ref.id, []).append(entry.external_code)
        for record in self:
            record.hc_eam_ref = ", ".join(refs.get(record.id, [])) or False

    @api.depends("hc_eam_revision", "hc_eam_synced_revision")
    def _compute_hc_eam_in_sync(self):
        for record in self:
            record.hc_eam_in_sync = (
                record.hc_eam_synced_revision >= record.hc_eam_revision
            )

    @api.model_create_multi
    def create(self, vals_list):
        # new records go out to the EAM, unless they came from it
        records = super().create(vals_list)
        if not self.env.context.get("hc_from_eam"):
            records._hc_push_to_eam()
        return records

    def write(self, vals):
        # a change the EAM keeps goes out, unless it came from the EAM
        res = super().write(vals)
        if self._hc_eam_fields & set(vals) and not self.env.context.get("hc_from_eam"):
            self._hc_push_to_eam()
        return res

    def _hc_push_to_eam(self):
        """Queue one message per record with its current EAM fields.

        Messages of one record are delivered in order (ordering key), each
        with its own revision: the EAM sees every change, once, in sequence.
        """
        messages = self.env["hc.message"]
        for record in self:
            if not record._hc_bindings(EQUIPMENT_OUT, record._hc_company()):
                continue
            revision = record.hc_eam_revision + 1
            # integration bookkeeping, whoever changed the record
            record.sudo().hc_eam_revision = revision
            messages |= record._hc_send(
                EQUIPMENT_OUT,
                idempotency_key=f"equipment/{record.id}/r{revision}",
                ordering_key=f"equipment/{record.id}",
            )
        return messages

    def _hc_acknowledge_revision(self, revision):
        """The EAM confirmed a revision; older answers never lower it."""
        for record in self.sudo():
            if revision > record.hc_eam_synced_revision:
                record.hc_eam_synced_revision = revision

    def action_hc_send_to_eam(self):
        """Send the record again (e.g. after the EAM lost it)."""
        if not self._hc_push_to_eam():
            raise UserError(
                _("No active EAM flow (%s) in this company.", EQUIPMENT_OUT)
            )
        return True
