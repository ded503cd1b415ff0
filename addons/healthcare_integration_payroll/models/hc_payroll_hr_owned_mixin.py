# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models
from odoo.exceptions import UserError


class HcPayrollHrOwnedMixin(models.AbstractModel):
    """Records whose listed fields the HR system owns.

    The HR system is the system of record for what it sends: once a record is
    managed by an HR backend (``hc_hr_backend_id``), people cannot change
    those fields in Odoo, so that the two systems never overwrite each other.
    The sync writes them (it runs with sudo, as does Odoo's own bookkeeping
    such as contracts opening); everybody else gets a clear error. A model
    lists the fields its HR system owns::

        class HrJob(models.Model):
            _name = "hr.job"
            _inherit = ["hr.job", "hc.payroll.hr.owned.mixin"]
            _hc_hr_owned_fields = ("name", "hc_code")
    """

    _name = "hc.payroll.hr.owned.mixin"
    _description = "Record owned by the HR system"
    _hc_hr_owned_fields = ()

    hc_hr_backend_id = fields.Many2one(
        "hc.backend",
        string="HR system",
        readonly=True,
        copy=False,
        index=True,
        ondelete="set null",
        help="The HR system that owns this record's HR data; it is read-only here.",
    )
    hc_last_sync = fields.Datetime(
        string="Last HR sync",
        readonly=True,
        copy=False,
        help="When the HR system last changed this record.",
    )

    def write(self, vals):
        self._hc_check_hr_owned(vals)
        return super().write(vals)

    def _hc_check_hr_owned(self, vals):
        """Refuse changes to HR-owned fields made by people, not by the sync."""
        owned = set(self._hc_hr_owned_fields) & set(vals)
        if not owned or self.env.su:
            return
        for record in self.sudo().filtered("hc_hr_backend_id"):
            changed = sorted(n for n in owned if record._hc_differs(n, vals[n]))
            if changed:
                labels = ", ".join(record._fields[n].string for n in changed)
                raise UserError(
                    _(
                        "%(record)s is managed by the HR system %(backend)s, which "
                        "owns %(fields)s: change them there, the next sync brings "
                        "them here.",
                        record=record.display_name,
                        backend=record.hc_hr_backend_id.name,
                        fields=labels,
                    )
                )

    def _hc_differs(self, name, value):
        field = self._fields[name]
        current = self[name]
        if field.type == "many2one":
            new = value.id if isinstance(value, models.BaseModel) else value
            return (current.id or False) != (new or False)
        return (current or False) != (value or False)
