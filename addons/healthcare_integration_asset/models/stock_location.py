# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class StockLocation(models.Model):
    _inherit = "stock.location"

    hc_department_id = fields.Many2one(
        "hr.department",
        string="Department",
        help="Department that uses the equipment received here; when empty, the "
        "department of the parent location.",
    )

    def _hc_department(self):
        """The department of this location or of its closest parent that has one."""
        self.ensure_one()
        location = self
        while location:
            if location.hc_department_id:
                return location.hc_department_id
            location = location.location_id
        return self.env["hr.department"]
