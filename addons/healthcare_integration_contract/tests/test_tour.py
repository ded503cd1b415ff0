# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import ContractHttpCase, contract


@tagged("post_install", "-at_install")
class TestContractTour(ContractHttpCase):
    """A bill over its contract price in the browser: blocked with the
    reason and the contract tolerance, the variance approved with a reason."""

    def test_contract_variance_approved_in_the_browser(self):
        self.env["hc.procurement.tolerance"].search([]).unlink()
        self.env["hc.procurement.tolerance"].create(
            {
                "company_id": self.company.id,
                "price_percent": 2.0,
                "contract_percent": 1.0,
            }
        )
        self.pull([contract()])
        order = self.received_order([("gloves", 20, 8.75)])
        bill = self.bill(order, {})
        self.assertEqual(bill.hc_match_line_ids.verdict, "contract_variance")
        self.env.flush_all()
        self.start_tour(
            f"/odoo/action-account.action_move_in_invoice_type/{bill.id}",
            "hc_contract_variance_tour",
            login="admin",
        )
        self.assertEqual(
            (bill.hc_match_state, bill.payment_state), ("approved", "not_paid")
        )
        entry = self.env["hc.audit.log"].search(
            [
                ("action", "=", "match_variance_approved"),
                ("res_model", "=", "account.move"),
                ("res_id", "=", bill.id),
            ]
        )
        self.assertIn("contract_variance", entry.changes)
        self.assertIn("Contract renewal at 8.75 signed", entry.changes)
