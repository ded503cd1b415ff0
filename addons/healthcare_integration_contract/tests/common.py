# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import copy

from odoo import Command, fields
from odoo.tests.common import TransactionCase

from odoo.addons.healthcare_integration_requisition.tests.common import (
    RequisitionHttpCase,
    RequisitionMixin,
)


def contract(ref="CTR-T-1", **values):
    """A repository contract of the test supplier: gloves at 8.40, syringes
    at 14.00, this year."""
    year = fields.Date.today().year
    document = {
        "id": ref,
        "contract_id": ref,
        "reference": f"Framework {ref}",
        "supplier": {"code": "TS-100"},
        "date_start": f"{year}-01-01",
        "date_end": f"{year}-12-31",
        "lines": [
            {"item": "T100234", "quantity": 500, "uom": "BX", "unit_price": 8.40},
            {"item": "T100871", "quantity": 200, "unit_price": 14.00},
        ],
    }
    document.update(copy.deepcopy(values))
    return document


class ContractMixin(RequisitionMixin):
    """The requisition tests' platform as the contract repository, its
    contract pull bound, and a supplier known by its code."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.flow_contracts = cls.env["hc.flow"].create(
            {
                "flow_type_id": cls.env.ref(
                    "healthcare_integration_contract.flow_type_contract_pull"
                ).id,
                "backend_id": cls.backend.id,
                "endpoint": "/feeds/contracts",
                "max_attempts": 1,
            }
        )
        cls.supplier = cls.env["res.partner"].create(
            {"name": "Test contract supplier", "is_company": True}
        )
        cls.supplier.hc_supplier_code = "TS-100"
        cls.agreements = cls.env["purchase.requisition"]

    def pull(self, items):
        for number, item in enumerate(items):
            item.setdefault("updated_at", f"2026-12-0{number + 1}")
        self.sim.contracts.clear()
        self.sim.load_contracts(items, page_size=10)
        self.flow_contracts.watermark = False
        with self.jobs() as trap:
            run = self.flow_contracts._run_batch()
            self.run_jobs(trap)
        pages = self.env["hc.message"].search([("run_id", "=", run.id)])
        self.assertEqual(
            set(pages.mapped("state")), {"done"}, pages.mapped("error_text")
        )
        return run

    def contract_of(self, ref):
        return self.agreements.search(
            [("hc_backend_id", "=", self.backend.id), ("hc_platform_ref", "=", ref)]
        )

    def received_order(self, lines, date_order=None):
        """A confirmed order to the supplier of [(product key, qty, price)],
        everything received (jobs run)."""
        order = self.env["purchase.order"].create(
            {
                "partner_id": self.supplier.id,
                "date_order": date_order or fields.Datetime.now(),
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.products[key].id,
                            "product_qty": qty,
                            "price_unit": price,
                        }
                    )
                    for key, qty, price in lines
                ],
            }
        )
        self.confirm(order)
        for move in order.picking_ids.move_ids:
            move.quantity = move.product_uom_qty
        with self.jobs() as trap:
            order.picking_ids.with_context(skip_backorder=True).button_validate()
            self.run_jobs(trap)
        return order

    def bill(self, order, prices):
        """The order's draft bill, line prices set from {product key: price},
        three-way matched."""
        order.action_create_invoice()
        bill = order.invoice_ids[-1:]
        for line in bill.invoice_line_ids:
            for key, price in prices.items():
                if line.product_id == self.products[key]:
                    line.price_unit = price
        bill._hc_run_three_way_match()
        return bill


class ContractCase(ContractMixin, TransactionCase):
    pass


class ContractHttpCase(ContractMixin, RequisitionHttpCase):
    pass
