# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

MASK = "***"

# A context value no request can carry (JSON has no such object): the mark of
# the runtime's own writes (``_write_runtime``), which no client can forge.
_RUNTIME_WRITE = object()


class HcAuditMixin(models.AbstractModel):
    """Writes every create, change and deletion to the audit log."""

    _name = "hc.audit.mixin"
    _description = "Integration Audit Mixin"

    # Fields whose values never reach the audit log.
    _hc_secret_fields = ()
    # Fields the runtime itself moves on (a batch flow's watermark, after
    # every page): state, not configuration. Written by ``_write_runtime``
    # they make no audit entry and no tracking message; written by a user
    # they are audited like any field.
    _hc_runtime_fields = ()

    def _write_runtime(self, vals):
        """Write runtime state without an audit entry or a tracking message.

        Only ``_hc_runtime_fields`` may be written so: a page of a pull must
        not wait on the audit chain's head behind every other pull, nor post
        a chatter message per page::

            flow._write_runtime({"watermark": "2026-11-03T00:00:00Z"})
        """
        unexpected = set(vals) - set(self._hc_runtime_fields)
        if unexpected:
            raise ValueError(f"not runtime state of {self._name}: {sorted(unexpected)}")
        return self.with_context(
            hc_runtime_write=_RUNTIME_WRITE, tracking_disable=True
        ).write(vals)

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
        if self.env.context.get("hc_runtime_write") is _RUNTIME_WRITE and set(
            vals
        ) <= set(self._hc_runtime_fields):
            return super().write(vals)
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
