# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo.exceptions import AccessError, UserError

from .common import ComplianceCase


class TestComplianceOnboarding(ComplianceCase):
    """A supplier from a sourcing platform is ordered from once onboarded."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.platform = cls.env["hc.backend"].create(
            {
                "name": "Test sourcing platform",
                "code": "t_sourcing",
                "system_type": "procurement",
                "base_url": "http://127.0.0.1:9",
                "auth_type": "none",
                "hc_supplier_onboarding": True,
            }
        )
        cls.flow = cls.env["hc.flow"].create(
            {
                "flow_type_id": cls.env.ref(
                    "healthcare_integration_procurement.flow_type_supplier_in"
                ).id,
                "backend_id": cls.platform.id,
                "max_attempts": 1,
            }
        )

    def decide(self, partner, user, decision, reason):
        wizard = (
            self.env["hc.compliance.onboarding"]
            .with_user(user)
            .create({"partner_id": partner.id, "decision": decision, "reason": reason})
        )
        return wizard.action_decide()

    def test_synced_supplier_waits_for_onboarding(self):
        message = self.receive_payload(
            self.flow,
            {
                "supplier_id": "SRC-1",
                "name": "Test Medline NL",
                "vat": "NL001234567B01",
            },
        )
        self.assertEqual(message.state, "done", message.error_text)
        supplier = message._linked_record()
        self.assertEqual(
            (supplier.hc_onboarding_state, supplier.hc_compliance_required),
            ("pending", True),
        )
        self.document(self.iso, "ISO-1", self.days(-10), self.days(300), supplier)
        self.document(self.insurance, "POL-1", self.days(-10), self.days(300), supplier)
        order = self.order(supplier)
        with self.assertRaises(UserError) as caught:
            order.button_confirm()
        self.assertIn("Onboarding: waiting for approval", str(caught.exception))
        with self.assertRaises(AccessError):
            self.decide(supplier, self.buyer, "approved", "checked")
        self.decide(supplier, self.approver, "approved", "Registration and ISO checked")
        self.assertEqual(supplier.hc_onboarding_state, "approved")
        order.button_confirm()
        self.assertEqual(order.state, "purchase")
        [entry] = self.env["hc.audit.log"].search(
            [
                ("action", "=", "supplier_onboarding_approved"),
                ("res_id", "=", supplier.id),
            ]
        )
        self.assertEqual(entry.user_id, self.approver)
        self.assertEqual(
            json.loads(entry.changes)["reason"], "Registration and ISO checked"
        )
        # a later sync does not send it back to onboarding
        self.receive_payload(
            self.flow,
            {
                "supplier_id": "SRC-1",
                "name": "Test Medline NL BV",
                "vat": "NL001234567B01",
            },
            key="again",
        )
        self.assertEqual(supplier.hc_onboarding_state, "approved")

    def test_refused_supplier_stays_blocked(self):
        supplier = self.receive_payload(
            self.flow, {"supplier_id": "SRC-2", "name": "Test Shady Supplies"}
        )._linked_record()
        self.decide(supplier, self.approver, "refused", "Sanctions screening hit")
        self.assertEqual(supplier.hc_onboarding_state, "refused")
        self.assertIn(
            "Onboarding: refused", self.order(supplier).hc_compliance_problems
        )
