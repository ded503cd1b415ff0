# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo.exceptions import AccessError, UserError

from .common import ComplianceCase


class TestComplianceBlock(ComplianceCase):
    """A missing or expired mandatory document blocks new orders."""

    def override(self, order, user, reason):
        wizard = (
            self.env["hc.compliance.override"]
            .with_user(user)
            .create({"order_id": order.id, "reason": reason})
        )
        return wizard.action_override()

    def test_missing_and_expired_documents_block_with_the_reason(self):
        self.document(self.iso, "ISO-OLD", self.days(-800), self.days(-3))
        order = self.order()
        self.assertIn("expired on", order.hc_compliance_problems)
        with self.assertRaises(UserError) as caught:
            order.with_user(self.buyer).button_confirm()
        text = str(caught.exception)
        self.assertIn("ISO 13485 certificate ISO-OLD: expired on", text)
        self.assertIn("Liability insurance: missing", text)
        self.assertEqual(order.state, "draft")

    def test_a_compliant_supplier_is_ordered_from(self):
        self.document(self.iso, "ISO-1", self.days(-10), self.days(300))
        self.document(self.insurance, "POL-1", self.days(-10), self.days(300))
        order = self.order()
        self.assertFalse(order.hc_compliance_problems)
        order.button_confirm()
        self.assertEqual(order.state, "purchase")

    def test_suppliers_not_checked_are_not_blocked(self):
        other = self.env["res.partner"].create({"name": "Local", "is_company": True})
        order = self.order(other)
        order.button_confirm()
        self.assertEqual(order.state, "purchase")

    def test_override_by_an_approver_is_audited(self):
        self.document(self.iso, "ISO-1", self.days(-10), self.days(300))
        order = self.order()
        with self.assertRaises(AccessError):
            self.override(order, self.buyer, "urgent")
        self.override(
            order, self.approver, "Sole source for the burns unit; renewal filed"
        )
        self.assertEqual(order.hc_compliance_override_by, self.approver)
        order.with_user(self.buyer).button_confirm()
        self.assertEqual(order.state, "purchase")
        [entry] = self.env["hc.audit.log"].search(
            [("action", "=", "compliance_override"), ("res_id", "=", order.id)]
        )
        self.assertEqual(entry.user_id, self.approver)
        changes = json.loads(entry.changes)
        self.assertEqual(changes["problems"], ["Liability insurance: missing"])
        self.assertIn("Sole source", changes["reason"])
        self.assertFalse(self.env["hc.audit.log"]._first_broken_entry())

    def test_an_override_covers_only_the_problems_it_saw(self):
        self.document(self.iso, "ISO-1", self.days(-10), self.days(300))
        order = self.order()
        self.override(order, self.approver, "insurance renewal in the post")
        # the ISO certificate is withdrawn before the order is confirmed
        self.env["hc.compliance.document"].search(
            [("number", "=", "ISO-1")]
        ).valid_until = self.days(-1)
        with self.assertRaisesRegex(UserError, "ISO-1: expired on"):
            order.button_confirm()
