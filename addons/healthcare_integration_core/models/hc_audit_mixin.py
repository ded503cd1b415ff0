# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

MASK = "***"


class HcAuditMixin(models.AbstractModel):
    """Writes every create, change and deletion to the audit log."""

    _name = "hc.audit.mixin"
    _description = "Integration Audit Mixin"

    # Fields whose values never reach the audit log.
    _hc_secret_fields = ()

    def _audit_values(self, field_names):
        values = {}
        for name in field_names:
            field = self._fields.get(name)
            if not field:
                continue
            if name in self._hc_secret_fields:
                values[name] = MASK
                continue
            value = self[name]
            if field.type in ("many2one",):
                value = value.display_name or False
            elif field.type in ("one2many", "many2many"):
                value = value.ids
            values[name] = value
        return values

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        for record, vals in zip(records, vals_list, strict=True):
            self.env["hc.audit.log"]._log(
                "create", record, {"after": record._audit_values(vals)}
            )
        return records

    def write(self, vals):
        before = {record.id: record._audit_values(vals) for record in self}
        res = super().write(vals)
        for record in self:
            self.env["hc.audit.log"]._log(
                "write",
                record,
                {"before": before[record.id], "after": record._audit_values(vals)},
            )
        return res

    def unlink(self):
        for record in self:
            self.env["hc.audit.log"]._log("unlink", record)
        return super().unlink()
