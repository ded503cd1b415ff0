# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from pathlib import Path

from odoo import Command
from odoo.tests.common import HttpCase, TransactionCase

from odoo.addons.healthcare_integration_core.tests.common import (
    HcTestMixin,
    SimulatorMixin,
    load_simulator_module,
)

DATA = Path(__file__).parent / "data"


# (key, name, buyer code, GTIN of the tests, supplier code, price, tracking)
PRODUCTS = [
    (
        "gloves",
        "Test nitrile gloves M",
        "T100234",
        "2000000000015",
        "NBG-4402M",
        8.75,
        "none",
    ),
    (
        "syringe",
        "Test syringe 10 ml",
        "T100871",
        "2000000000022",
        "NBS-1010LL",
        14.20,
        "none",
    ),
    (
        "iv_set",
        "Test IV administration set",
        "T101552",
        "2000000000039",
        "NBI-2060",
        212.16,
        "lot",
    ),
    (
        "mask",
        "Test surgical mask level 3",
        "T100977",
        "2000000000046",
        "NBM-5003",
        6.40,
        "none",
    ),
    (
        "alcohol_pads",
        "Test alcohol prep pads",
        "T100412",
        "2000000000053",
        "NBA-0200",
        3.95,
        "lot",
    ),
    (
        "gauze",
        "Test gauze sponges 4x4",
        "T100530",
        "2000000000060",
        "NBZ-4412",
        5.10,
        "lot",
    ),
    (
        "mask_fr",
        "Test surgical mask fluid resistant",
        "T100978",
        "2000000000077",
        "NBM-5003X",
        6.55,
        "none",
    ),
    (
        "pump",
        "Test infusion pump",
        "T300001",
        "2000000000084",
        "NBP-3000",
        1450.00,
        "serial",
    ),
]


class ProcurementMixin(HcTestMixin, SimulatorMixin):
    """Two suppliers on a real procurement simulator: X12 and JSON, every flow bound."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        module = load_simulator_module("procurement_simulator.py")
        cls.sim = module.start(name="procurement-test", webhook_secret="hook-secret")
        cls.addClassCleanup(cls.sim.stop)
        cls.sim_module = module
        cls.sim.x12_backend = "t_northbay"
        cls.company = cls.env.company
        cls.company.partner_id.global_location_number = "0860001000016"
        cls.owner = cls.env.ref("base.user_admin")
        # activities notify their user by mail: give the test database a sender
        params = cls.env["ir.config_parameter"].sudo()
        params.set_param("mail.catchall.domain", "hospital.example")
        params.set_param("mail.default.from", "notifications@hospital.example")
        bot = cls.env.ref("healthcare_integration_core.user_integration_bot")
        bot.partner_id.email = "integration@hospital.example"
        backend = cls.env["hc.backend"]
        common = {
            "auth_type": "none",
            "webhook_secret": "hook-secret",
            "connect_timeout": 2,
            "read_timeout": 5,
            "breaker_threshold": 0,
            "business_owner_id": cls.owner.id,
        }
        cls.backend_x12 = backend.create(
            {
                "name": "Test X12 supplier",
                "code": "t_northbay",
                "system_type": "supplier",
                "base_url": f"{cls.sim.url}/northbay",
                "x12_sender_id": "RIVERSIDEGH",
                "x12_receiver_id": "NORTHBAYMED",
                **common,
            }
        )
        cls.backend_json = backend.create(
            {
                "name": "Test JSON distributor",
                "code": "t_meddistrib",
                "system_type": "procurement",
                "base_url": cls.sim.url,
                **common,
            }
        )
        partners = cls.env["res.partner"]
        cls.supplier_x12 = partners.create(
            {
                "name": "Test Northbay Medical Supply",
                "is_company": True,
                "global_location_number": "0860002000015",
                "hc_supplier_code": "V-4471",
                "hc_procurement_backend_id": cls.backend_x12.id,
            }
        )
        cls.supplier_json = partners.create(
            {
                "name": "Test MedDistrib",
                "is_company": True,
                "vat": "BE0477472701",
                "hc_supplier_code": "MD-001",
                "hc_procurement_backend_id": cls.backend_json.id,
            }
        )
        cls.products = {}
        for key, name, code, gtin, vendor_code, price, tracking in PRODUCTS:
            product = cls.env["product.product"].create(
                {
                    "name": name,
                    "default_code": code,
                    "barcode": gtin,
                    "is_storable": True,
                    "purchase_method": "receive",
                    "tracking": tracking,
                    "use_expiration_date": tracking == "lot",
                    "seller_ids": [
                        Command.create(
                            {
                                "partner_id": supplier.id,
                                "product_code": vendor_code,
                                "price": price,
                            }
                        )
                        for supplier in (cls.supplier_x12, cls.supplier_json)
                    ],
                }
            )
            cls.products[key] = product
        crosswalk = cls.env["hc.crosswalk"]
        for backend_rec in (cls.backend_x12, cls.backend_json):
            for code, uom in (
                ("BX", "uom.product_uom_unit"),
                ("CA", "uom.product_uom_unit"),
                ("EA", "uom.product_uom_unit"),
                ("DZ", "uom.product_uom_dozen"),
            ):
                crosswalk.create(
                    {
                        "backend_id": backend_rec.id,
                        "domain": "uom",
                        "external_code": code,
                        "record_ref": f"uom.uom,{cls.env.ref(uom).id}",
                    }
                )
        cls.flows = {}
        for backend_rec, suffix in (
            (cls.backend_x12, "x12"),
            (cls.backend_json, "json"),
        ):
            for flow_type in cls.env["hc.flow.type"].search(
                [("domain", "=", "procurement")]
            ):
                flow = cls.env["hc.flow"].create(
                    {
                        "flow_type_id": flow_type.id,
                        "backend_id": backend_rec.id,
                        "max_attempts": 1,
                        "backoff_base": 1,
                        "backoff_max": 2,
                    }
                )
                cls.flows[(suffix, flow_type.code.split(".")[1])] = flow
        # one order format per supplier: X12 for one, JSON for the other
        for key in (("x12", "po_out"), ("x12", "po_out_ubl"), ("json", "po_out_x12")):
            cls.flows[key].active = False
        cls.flows[("json", "po_out_ubl")].active = False
        # Peppol invoice responses only where a test turns them on
        for suffix in ("x12", "json"):
            cls.flows[(suffix, "invoice_response_out")].active = False

    def setUp(self):
        super().setUp()
        self.sim.reset()

    # ------------------------------------------------------------------ helpers

    def flow(self, backend, name):
        return self.flows[(backend, name)]

    def order(self, supplier, lines, confirm=True):
        """A purchase order of [(product key, qty, price)]; confirmed, jobs run."""
        order = self.env["purchase.order"].create(
            {
                "partner_id": supplier.id,
                "user_id": self.owner.id,
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
        if confirm:
            with self.jobs() as trap:
                order.button_confirm()
                self.run_jobs(trap)
        return order

    def line(self, order, number):
        return order.order_line.filtered(lambda ln: ln.hc_line_number == number)

    def data(self, name, **replace):
        text = (DATA / name).read_text()
        for old, new in replace.items():
            text = text.replace(old, new)
        return text.encode()


class ProcurementCase(ProcurementMixin, TransactionCase):
    pass


class ProcurementHttpCase(ProcurementMixin, HttpCase):
    def setUp(self):
        super().setUp()
        self.sim.odoo_url = self.base_url()

    def process(self, message_id):
        """Run a message received over HTTP as its queue job does."""
        message = self.env["hc.message"].browse(message_id)
        bot = self.env.ref("healthcare_integration_core.user_integration_bot")
        with self.jobs() as trap:
            message.with_user(bot).with_company(message.company_id)._run_job()
            self.run_jobs(trap)
        return message.with_env(self.env)
