# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import Form

from odoo.addons.healthcare_integration_core.tests.common import (
    HcCase,
    load_simulator_module,
)


def load_asset_simulator():
    """The EAM/finance simulator of the suite's tests/simulators folder."""
    return load_simulator_module("asset_simulator.py")


class AssetCase(HcCase):
    """An EAM and a finance backend on a real EAM simulator; a capital product.

    HcCase's own setup (core backend and flows) is skipped: only its helpers
    (``jobs``, ``run_jobs``, ``ingest``) and the simulator plumbing are used.
    """

    @classmethod
    def setUpClass(cls):
        super(HcCase, cls).setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.simulators = load_asset_simulator()
        cls.sim = cls.simulators.EamSimulator(host="127.0.0.1", port=0, name="eam")
        cls.sim.start()
        cls.addClassCleanup(cls.sim.stop)
        cls.company = cls.env.company
        cls._setup_backends()
        cls._setup_accounting()
        cls._setup_products()

    @classmethod
    def _setup_backends(cls):
        backends = cls.env["hc.backend"]
        common = {
            "base_url": cls.sim.url,
            "auth_type": "none",
            "webhook_secret": "hook-secret",
            "connect_timeout": 1,
            "read_timeout": 2,
            "breaker_threshold": 0,
        }
        # bindings of other backends (e.g. the demo's) stay out of the tests
        cls.env["hc.flow"].search([("domain", "=", "asset")]).active = False
        cls.eam = backends.create({"name": "EAM", "code": "eam_test", **common})
        cls.finance = backends.create(
            {"name": "Finance", "code": "finance_test", **common}
        )
        cls.flows = {}
        for code, backend in (
            ("equipment_out", cls.eam),
            ("retirement_out", cls.eam),
            ("work_order_in", cls.eam),
            ("lifecycle_in", cls.eam),
            ("capitalization_out", cls.finance),
        ):
            cls.flows[code] = cls.env["hc.flow"].create(
                {
                    "flow_type_id": cls.env.ref(
                        f"healthcare_integration_asset.flow_type_{code}"
                    ).id,
                    "backend_id": backend.id,
                    "max_attempts": 2,
                    "backoff_base": 1,
                    "backoff_max": 2,
                }
            )

    @classmethod
    def _account(cls, code, name, account_type):
        return cls.env["account.account"].create(
            {
                "code": code,
                "name": name,
                "account_type": account_type,
                "company_ids": [Command.set(cls.company.ids)],
            }
        )

    @classmethod
    def _setup_accounting(cls):
        cls.account_asset = cls._account("HC2180", "Medical equipment", "asset_fixed")
        cls.account_depreciation = cls._account(
            "HC2189", "Accumulated depreciation, medical equipment", "asset_fixed"
        )
        cls.account_expense = cls._account(
            "HC6810", "Depreciation, medical equipment", "expense_depreciation"
        )
        cls.account_gain = cls._account("HC7750", "Gain on disposal", "income_other")
        cls.account_loss = cls._account("HC6750", "Loss on disposal", "expense")
        cls.account_proceeds = cls._account(
            "HC4620", "Disposal proceeds receivable", "asset_current"
        )
        cls.journal = cls.env["account.journal"].create(
            {"name": "Asset depreciation", "code": "HCAD", "type": "general"}
        )
        cls.profile = cls.env["account.asset.profile"].create(
            {
                "name": "Medical equipment, 5 years",
                "account_asset_id": cls.account_asset.id,
                "account_depreciation_id": cls.account_depreciation.id,
                "account_expense_depreciation_id": cls.account_expense.id,
                "account_plus_value_id": cls.account_gain.id,
                "account_min_value_id": cls.account_loss.id,
                "hc_disposal_account_id": cls.account_proceeds.id,
                "journal_id": cls.journal.id,
                "method": "linear",
                "method_time": "year",
                "method_number": 5,
                "method_period": "month",
                "prorata": True,
            }
        )
        plan = cls.env["account.analytic.plan"].create({"name": "Cost centres"})
        cls.icu = cls.env["account.analytic.account"].create(
            {"name": "Intensive care", "code": "CC-ICU", "plan_id": plan.id}
        )
        cls.radiology = cls.env["account.analytic.account"].create(
            {"name": "Radiology", "code": "CC-RAD", "plan_id": plan.id}
        )
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        cls.env["res.currency.rate"].search(
            [
                ("currency_id", "=", cls.eur.id),
                ("company_id", "in", [cls.company.id, False]),
            ]
        ).unlink()
        cls.env["res.currency.rate"].create(
            {
                "currency_id": cls.eur.id,
                "rate": 0.5 / cls.company.currency_id.rate,
                "name": date(2020, 1, 1),
                "company_id": cls.company.id,
            }
        )

    @classmethod
    def _setup_products(cls):
        cls.department = cls.env["hr.department"].create(
            {"name": "Intensive Care Unit"}
        )
        warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.icu_store = cls.env["stock.location"].create(
            {
                "name": "ICU biomedical store",
                "location_id": warehouse.lot_stock_id.id,
                "hc_department_id": cls.department.id,
            }
        )
        cls.biomed = cls.env["res.users"].create(
            {
                "name": "Biomedical engineer",
                "login": "hc_biomed_test",
                "groups_id": [
                    Command.set([cls.env.ref("maintenance.group_equipment_manager").id])
                ],
            }
        )
        cls.equipment_category = cls.env["maintenance.equipment.category"].create(
            {"name": "Infusion pumps", "technician_user_id": cls.biomed.id}
        )
        cls.category = cls.env["product.category"].create(
            {
                "name": "Capital medical equipment",
                "hc_asset_profile_id": cls.profile.id,
                "hc_warranty_months": 12,
                "hc_equipment_category_id": cls.equipment_category.id,
            }
        )
        cls.vendor = cls.env["res.partner"].create(
            {"name": "Infusion Systems Ltd", "is_company": True}
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Volumetric infusion pump",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
                "categ_id": cls.category.id,
                "default_code": "VIP-200",
                "hc_equipment_model": "VIP-200 Plus",
                "seller_ids": [
                    Command.create(
                        {
                            "partner_id": cls.vendor.id,
                            "product_code": "IS-VIP200",
                            "hc_warranty_months": 24,
                            "price": 1000.0,
                        }
                    )
                ],
            }
        )

    # ------------------------------------------------------------------ helpers

    def order(self, quantity=3, price=1000.0, distribution=None, currency=None):
        """A confirmed purchase order of the capital product."""
        order = self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "partner_ref": "SO-88412",
                "currency_id": (currency or self.eur).id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_qty": quantity,
                            "price_unit": price,
                            "taxes_id": False,
                            "analytic_distribution": distribution
                            or {str(self.icu.id): 100},
                        }
                    )
                ],
            }
        )
        order.button_confirm()
        return order

    def receive(self, picking, serials, backorder=True):
        """Validate ``picking`` with one move line per serial into the ICU store."""
        move = picking.move_ids
        move.move_line_ids.unlink()
        self.env["stock.move.line"].create(
            [
                {
                    "move_id": move.id,
                    "picking_id": picking.id,
                    "product_id": move.product_id.id,
                    "product_uom_id": move.product_uom.id,
                    "location_id": move.location_id.id,
                    "location_dest_id": self.icu_store.id,
                    "lot_name": serial,
                    "quantity": 1,
                }
                for serial in serials
            ]
        )
        move.picked = True
        result = picking.button_validate()
        if isinstance(result, dict) and result.get("res_model"):
            wizard = Form.from_action(self.env, result).save()
            if backorder:
                wizard.process()
            else:
                wizard.process_cancel_backorder()
        return picking

    def return_serials(self, receipt, serials):
        """Return ``serials`` of a done receipt to the vendor; the return picking."""
        wizard = (
            self.env["stock.return.picking"]
            .with_context(active_id=receipt.id, active_ids=receipt.ids)
            .create({"picking_id": receipt.id})
        )
        wizard.product_return_moves.quantity = len(serials)
        action = wizard.action_create_returns()
        returned = self.env["stock.picking"].browse(action["res_id"])
        move = returned.move_ids
        move.move_line_ids.unlink()
        lots = self.env["stock.lot"].search(
            [("name", "in", serials), ("product_id", "=", self.product.id)]
        )
        self.env["stock.move.line"].create(
            [
                {
                    "move_id": move.id,
                    "picking_id": returned.id,
                    "product_id": move.product_id.id,
                    "product_uom_id": move.product_uom.id,
                    "location_id": self.icu_store.id,
                    "location_dest_id": move.location_dest_id.id,
                    "lot_id": lot.id,
                    "quantity": 1,
                }
                for lot in lots
            ]
        )
        move.picked = True
        returned.button_validate()
        return returned

    def equipment(self, serial):
        return (
            self.env["maintenance.equipment"]
            .with_context(active_test=False)
            .search([("serial_no", "=", serial)])
        )

    def map_eam(self, equipment, eam_id):
        return self.env["hc.crosswalk"].create(
            {
                "backend_id": self.eam.id,
                "domain": "equipment",
                "external_code": eam_id,
                "record_ref": f"maintenance.equipment,{equipment.id}",
            }
        )

    def event(self, flow_code, document, key=None):
        body = json.dumps(document).encode()
        return self.ingest(self.flows[flow_code], body, key)

    @staticmethod
    def previous_period():
        first = fields.Date.today().replace(day=1) - relativedelta(months=1)
        return first, f"{first.year:04d}-{first.month:02d}"
