# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo.exceptions import UserError, ValidationError

from .common import ContractCase, contract


class TestContractPull(ContractCase):
    """Contracts from the repository: created, unchanged, updated, refused."""

    def test_contract_created_confirmed_then_unchanged_then_updated(self):
        run = self.pull([contract()])
        self.assertEqual(run.count_created, 1, run.issue_ids.mapped("text"))
        agreement = self.contract_of("CTR-T-1")
        self.assertEqual(
            (agreement.requisition_type, agreement.state, agreement.vendor_id),
            ("blanket_order", "confirmed", self.supplier),
        )
        self.assertEqual(agreement.reference, "Framework CTR-T-1")
        self.assertEqual(agreement.date_start.month, 1)
        prices = {ln.product_id: ln.price_unit for ln in agreement.line_ids}
        self.assertEqual(prices[self.products["gloves"]], 8.40)
        # Odoo's own blanket order: its prices are vendor prices of the supplier
        self.assertEqual(agreement.line_ids.supplier_info_ids.partner_id, self.supplier)
        # a second copy changes nothing
        again = self.pull([contract()])
        self.assertEqual((again.count_created, again.count_updated), (0, 0))
        self.assertEqual(again.count_skipped, 1)
        # the repository changes a price and drops syringes: replaced
        changed = contract()
        changed["lines"] = [dict(changed["lines"][0], unit_price=8.10)]
        run = self.pull([changed])
        self.assertEqual(run.count_updated, 1, run.issue_ids.mapped("text"))
        self.assertEqual(agreement.line_ids.product_id, self.products["gloves"])
        self.assertEqual(agreement.line_ids.price_unit, 8.10)
        self.assertEqual(agreement.line_ids.supplier_info_ids.price, 8.10)

    def test_inconsistent_and_overlapping_contracts_are_refused_with_the_reason(self):
        year = fields.Date.today().year
        run = self.pull(
            [
                contract(),
                contract(
                    "CTR-T-2",
                    date_start=f"{year}-12-01",
                    date_end=f"{year + 1}-11-30",
                ),
                contract(
                    "CTR-T-3", date_start=f"{year}-06-01", date_end=f"{year}-05-31"
                ),
                contract(
                    "CTR-T-4",
                    date_start=f"{year + 1}-01-01",
                    date_end=f"{year + 1}-12-31",
                ),
            ]
        )
        self.assertEqual(run.count_created, 2, "the first and the next year's")
        issues = {issue.item: issue for issue in run.issue_ids}
        self.assertEqual(set(issues), {"CTR-T-2", "CTR-T-3"})
        self.assertEqual(issues["CTR-T-2"].kind, "overlap")
        self.assertIn("overlaps CTR-T-1", issues["CTR-T-2"].text)
        self.assertIn("Test nitrile gloves M", issues["CTR-T-2"].text)
        self.assertEqual(issues["CTR-T-3"].kind, "inconsistent")
        self.assertIn("before it starts", issues["CTR-T-3"].text)
        self.assertFalse(self.contract_of("CTR-T-2") | self.contract_of("CTR-T-3"))
        # the same rule for a contract entered by hand
        by_hand = self.agreements.create(
            {
                "vendor_id": self.supplier.id,
                "requisition_type": "blanket_order",
                "date_start": f"{year}-03-01",
                "date_end": f"{year}-03-31",
                "line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.products["syringe"].id,
                            "product_qty": 10,
                            "price_unit": 13.0,
                        },
                    )
                ],
            }
        )
        with self.assertRaisesRegex(ValidationError, "overlaps CTR-T-1"):
            by_hand.action_confirm()
            by_hand.flush_recordset()

    def test_unknown_supplier_listed_then_applied_once_mapped(self):
        run = self.pull([contract(supplier={"code": "TS-999"})])
        [issue] = run.issue_ids
        self.assertEqual((issue.kind, issue.code), ("mapping", "TS-999"))
        self.assertIn("Supplier crosswalk", issue.text)
        self.env["hc.crosswalk"].create(
            {
                "backend_id": self.backend.id,
                "domain": "supplier",
                "external_code": "TS-999",
                "record_ref": f"res.partner,{self.supplier.id}",
            }
        )
        # held as its own message, a mapping exception to replay once mapped
        held = self.env["hc.message"].search(
            [
                ("flow_id", "=", self.flow_contracts.id),
                ("parent_relation", "=", "split"),
            ]
        )
        self.assertEqual((held.state, held.exception_kind), ("dead", "mapping"))
        self.assertIn(held.name, issue.text)
        with self.jobs() as trap:
            replay = held._replay()
            self.run_jobs(trap)
        self.assertEqual(replay.state, "done", replay.error_text)
        agreement = self.contract_of("CTR-T-1")
        self.assertEqual(
            (agreement.vendor_id, agreement.state), (self.supplier, "confirmed")
        )
        self.assertEqual(replay._linked_record(), agreement)
        with self.assertRaisesRegex(UserError, "already replayed"):
            held._replay()
        # pulled again from the start: the same contract, unchanged
        again = self.pull([contract(supplier={"code": "TS-999"})])
        self.assertEqual((again.count_created, again.count_skipped), (0, 1))
        self.assertFalse(again.issue_ids)

    def test_contract_price_lookup(self):
        self.pull([contract()])
        agreement = self.contract_of("CTR-T-1")
        today = fields.Date.today()
        found = self.agreements._hc_contract_price(
            self.supplier, self.products["gloves"], today
        )
        self.assertEqual((found.price, found.contract_id), (8.40, agreement.id))
        self.assertIsNone(
            self.agreements._hc_contract_price(
                self.supplier, self.products["pump"], today
            ),
            "no contract for pumps",
        )
        self.assertIsNone(
            self.agreements._hc_contract_price(
                self.supplier,
                self.products["gloves"],
                today.replace(year=today.year + 1),
            ),
            "not valid next year",
        )
        # one statement for many keys
        keys = [
            (self.supplier.id, product.id, today) for product in self.products.values()
        ]
        with self.assertQueryCount(1):
            prices = self.agreements._hc_contract_prices(keys)
        self.assertEqual(len(prices), 2)
