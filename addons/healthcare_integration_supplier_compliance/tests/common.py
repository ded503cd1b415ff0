# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import Command, fields
from odoo.tests.common import TransactionCase

from odoo.addons.healthcare_integration_core.tests.common import HcTestMixin


class ComplianceCase(HcTestMixin, TransactionCase):
    """A compliance-checked supplier; ISO 13485 and insurance mandatory."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.today = fields.Date.context_today(cls.env["res.partner"])
        cls.types = cls.env["hc.compliance.document.type"]
        cls.types.search([]).mandatory = False
        cls.iso = cls.env.ref(
            "healthcare_integration_supplier_compliance.document_type_iso13485"
        )
        cls.insurance = cls.env.ref(
            "healthcare_integration_supplier_compliance.document_type_insurance"
        )
        (cls.iso | cls.insurance).mandatory = True
        cls.supplier = cls.env["res.partner"].create(
            {
                "name": "Test Cardinal Surgical",
                "is_company": True,
                "vat": "NL853055289B01",
                "hc_supplier_code": "CS-1",
                "hc_compliance_required": True,
            }
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Test gauze", "is_storable": True}
        )
        users = cls.env["res.users"].with_context(no_reset_password=True)
        cls.buyer = users.create(
            {
                "name": "Test buyer",
                "login": "cmp.buyer",
                "email": "cmp.buyer@hospital.example",
                "groups_id": [
                    Command.set(cls.env.ref("purchase.group_purchase_user").ids)
                ],
            }
        )
        cls.approver = users.create(
            {
                "name": "Test compliance officer",
                "login": "cmp.approver",
                "email": "cmp.approver@hospital.example",
                "groups_id": [
                    Command.set(
                        cls.env.ref(
                            "healthcare_integration_supplier_compliance."
                            "group_hc_compliance_approver"
                        ).ids
                    )
                ],
            }
        )

    def days(self, n):
        return self.today + timedelta(days=n)

    def document(self, type_, number, start, end, partner=None):
        return self.env["hc.compliance.document"].create(
            {
                "partner_id": (partner or self.supplier).id,
                "type_id": type_.id,
                "number": number,
                "valid_from": start,
                "valid_until": end,
            }
        )

    def order(self, partner=None):
        return self.env["purchase.order"].create(
            {
                "partner_id": (partner or self.supplier).id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_qty": 5,
                            "price_unit": 4,
                        }
                    )
                ],
            }
        )
