# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HcComplianceDocumentType(models.Model):
    """A kind of supplier compliance document, e.g. an ISO 13485 certificate."""

    _name = "hc.compliance.document.type"
    _description = "Supplier compliance document type"
    _inherit = ["hc.audit.mixin"]
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="The code the compliance system sends, e.g. ISO13485.",
    )
    sequence = fields.Integer(default=10)
    mandatory = fields.Boolean(
        help="A supplier without a valid document of this type cannot be "
        "ordered from (an approver may override, per order).",
    )
    reminder_days = fields.Integer(
        string="Remind before expiry (days)",
        default=30,
        help="The responsible gets an activity this many days before a document "
        "of this type expires.",
    )
    responsible_id = fields.Many2one(
        "res.users",
        required=True,
        default=lambda self: self.env.user,
        help="Who renews the documents of this type with the supplier.",
    )
    company_id = fields.Many2one(
        "res.company", help="Empty: the type applies to every company."
    )
    active = fields.Boolean(default=True)
    description = fields.Text()

    _sql_constraints = [
        (
            "code_unique",
            "unique(code, company_id)",
            "A compliance document type code is used once per company.",
        ),
    ]
