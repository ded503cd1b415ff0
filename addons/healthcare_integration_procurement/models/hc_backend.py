# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

X12_QUALIFIERS = [
    ("ZZ", "ZZ: mutually defined"),
    ("01", "01: DUNS"),
    ("08", "08: UCC EDI communications id"),
    ("14", "14: DUNS with suffix"),
    ("12", "12: phone number"),
]


class HcBackend(models.Model):
    """What procurement needs to know about a supplier's system."""

    _inherit = "hc.backend"

    procurement_supplier_ids = fields.One2many(
        "res.partner",
        "hc_procurement_backend_id",
        string="Suppliers",
        help="Suppliers whose orders, acknowledgements, ship notices and "
        "invoices go through this backend.",
    )
    procurement_price_review_percent = fields.Float(
        string="Price change to review (%)",
        default=10.0,
        help="A catalog price that changes by more than this percentage is kept "
        "aside for review; the previous price stays in use until approved.",
    )
    x12_version = fields.Selection(
        [("004010", "004010"), ("005010", "005010")],
        string="X12 version",
        default="004010",
    )
    x12_sender_qualifier = fields.Selection(
        X12_QUALIFIERS, string="X12 sender qualifier", default="ZZ"
    )
    x12_sender_id = fields.Char(
        string="X12 sender id", help="ISA06: our interchange id with this partner."
    )
    x12_receiver_qualifier = fields.Selection(
        X12_QUALIFIERS, string="X12 receiver qualifier", default="ZZ"
    )
    x12_receiver_id = fields.Char(
        string="X12 receiver id", help="ISA08: the partner's interchange id."
    )

    @api.constrains("x12_sender_id", "x12_receiver_id")
    def _check_x12_ids(self):
        for backend in self:
            for value in (backend.x12_sender_id, backend.x12_receiver_id):
                if value and (len(value) > 15 or not value.isascii()):
                    raise ValidationError(
                        _("X12 interchange ids have at most 15 ASCII characters.")
                    )

    def _x12_envelope(self):
        """The ISA/GS parties of an interchange sent to this backend."""
        self.ensure_one()
        if not (self.x12_sender_id and self.x12_receiver_id):
            raise ValidationError(
                _(
                    "Backend %s has no X12 sender and receiver ids: set them on "
                    "its Procurement tab.",
                    self.display_name,
                )
            )
        return {
            "sender_id": self.x12_sender_id,
            "receiver_id": self.x12_receiver_id,
            "sender_qualifier": self.x12_sender_qualifier or "ZZ",
            "receiver_qualifier": self.x12_receiver_qualifier or "ZZ",
            "usage": "P" if self.environment == "production" else "T",
            "ack_requested": True,
        }

    def _x12_control_numbers(self):
        """Control numbers for interchanges sent to this backend (the core's)."""
        return self.env["hc.x12"]._control_numbers()
