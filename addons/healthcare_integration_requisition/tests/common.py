# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import copy

from odoo.tests.common import HttpCase, TransactionCase

from odoo.addons.healthcare_integration_core.tests.common import (
    HcTestMixin,
    SimulatorMixin,
    load_simulator_module,
)

# (key, name, internal reference, GTIN, price)
PRODUCTS = [
    ("gloves", "Test nitrile gloves M", "T100234", "2000000000015", 8.75),
    ("syringe", "Test syringe 10 ml", "T100871", "2000000000022", 14.20),
    ("pump", "Test infusion pump", "T300001", "2000000000084", 1450.00),
]


def requisition(ref="REQ-T-1", **values):
    """A platform requisition (two lines, 317.00 in all), with ``values``."""
    document = {
        "requisition_id": ref,
        "requester": "req.nurse@riverside.example",
        "cost_centre": "TCC-4100",
        "description": "Ward 4 restock",
        "date_required": "2026-12-20",
        "lines": [
            {
                "line": 1,
                "item": "T100234",
                "quantity": 20,
                "uom": "BX",
                "unit_price": 8.75,
                "description": "Nitrile gloves M",
            },
            {"line": 2, "item": "T100871", "quantity": 10, "unit_price": 14.20},
        ],
    }
    document.update(copy.deepcopy(values))
    return document


class RequisitionMixin(HcTestMixin, SimulatorMixin):
    """An eProcurement platform on a real simulator, its three flows bound.

    Approval tiers of the test company (the demo's are switched off): a
    department head from 1,000, the finance director from 5,000.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        module = load_simulator_module("eprocurement_simulator.py")
        cls.sim = module.start(
            name="eprocurement-test",
            webhook_secret="hook-secret",
            backend="t_eproc",
            demo=False,
        )
        cls.addClassCleanup(cls.sim.stop)
        cls.company = cls.env.company
        cls.owner = cls.env.ref("base.user_admin")
        params = cls.env["ir.config_parameter"].sudo()
        params.set_param("mail.catchall.domain", "hospital.example")
        params.set_param("mail.default.from", "notifications@hospital.example")
        bot = cls.env.ref("healthcare_integration_core.user_integration_bot")
        bot.partner_id.email = "integration@hospital.example"
        cls.backend = cls.env["hc.backend"].create(
            {
                "name": "Test eProcurement platform",
                "code": "t_eproc",
                "system_type": "procurement",
                "base_url": cls.sim.url,
                "auth_type": "none",
                "webhook_secret": "hook-secret",
                "connect_timeout": 2,
                "read_timeout": 5,
                "breaker_threshold": 0,
                "business_owner_id": cls.owner.id,
            }
        )
        cls.flows = {}
        for flow_type in cls.env["hc.flow.type"].search(
            [("domain", "=", "requisition")]
        ):
            cls.flows[flow_type.code.split(".")[1]] = cls.env["hc.flow"].create(
                {
                    "flow_type_id": flow_type.id,
                    "backend_id": cls.backend.id,
                    "max_attempts": 1,
                    "backoff_base": 1,
                    "backoff_max": 2,
                }
            )
        cls.flow_in = cls.flows["requisition_in"]
        cls.flow_pull = cls.flows["requisition_pull"]
        cls.flow_pull.write({"endpoint": "/feeds/requisitions", "batch_page_size": 2})
        users = cls.env["res.users"].with_context(no_reset_password=True)
        user_group = cls.env.ref("base.group_user")
        cls.requester = users.create(
            {
                "name": "Test ward nurse",
                "login": "req.nurse",
                "email": "req.nurse@riverside.example",
                "groups_id": [(6, 0, user_group.ids)],
            }
        )
        reviewer_groups = user_group | cls.env.ref(
            "purchase_request.group_purchase_request_manager"
        )
        cls.head = users.create(
            {
                "name": "Test department head",
                "login": "req.head",
                "groups_id": [(6, 0, reviewer_groups.ids)],
            }
        )
        cls.director = users.create(
            {
                "name": "Test finance director",
                "login": "req.director",
                "groups_id": [(6, 0, reviewer_groups.ids)],
            }
        )
        plan = cls.env["account.analytic.plan"].create({"name": "Test cost centres"})
        cls.cost_centre = cls.env["account.analytic.account"].create(
            {"name": "Ward 4", "code": "TCC-4100", "plan_id": plan.id}
        )
        cls.other_cost_centre = cls.env["account.analytic.account"].create(
            {"name": "Oncology", "code": "TCC-4200", "plan_id": plan.id}
        )
        cls.products = {
            key: cls.env["product.product"].create(
                {
                    "name": name,
                    "default_code": code,
                    "barcode": gtin,
                    "is_storable": True,
                    "standard_price": price,
                }
            )
            for key, name, code, gtin, price in PRODUCTS
        }
        for code in ("BX", "EA"):
            cls.env["hc.crosswalk"].create(
                {
                    "backend_id": cls.backend.id,
                    "domain": "uom",
                    "external_code": code,
                    "record_ref": f"uom.uom,{cls.env.ref('uom.product_uom_unit').id}",
                }
            )
        tiers = cls.env["tier.definition"]
        tiers.search([("model", "=", "purchase.request")]).active = False
        model = cls.env.ref("purchase_request.model_purchase_request")
        cls.tier_head = tiers.create(
            {
                "name": "Department head",
                "model_id": model.id,
                "review_type": "individual",
                "reviewer_id": cls.head.id,
                "definition_domain": "[('estimated_cost', '>=', 1000)]",
                "company_id": cls.company.id,
                # OCA reviews the highest sequence first
                "sequence": 20,
                "approve_sequence": True,
            }
        )
        cls.tier_director = tiers.create(
            {
                "name": "Finance director",
                "model_id": model.id,
                "review_type": "individual",
                "reviewer_id": cls.director.id,
                "definition_domain": "[('estimated_cost', '>=', 5000)]",
                "company_id": cls.company.id,
                "sequence": 10,
                "approve_sequence": True,
                "has_comment": True,
            }
        )

    def setUp(self):
        super().setUp()
        self.sim.reset()

    def request_of(self, ref):
        return self.env["purchase.request"].search(
            [("hc_backend_id", "=", self.backend.id), ("hc_platform_ref", "=", ref)]
        )

    def decide(self, request, user, approve=True, comment=None):
        """``user`` approves (or rejects) their tier, through the comment
        wizard when the tier asks for a comment; the status jobs run."""
        request = request.with_user(user)
        with self.jobs() as trap:
            action = request.validate_tier() if approve else request.reject_tier()
            if isinstance(action, dict) and action.get("res_model") == "comment.wizard":
                wizard = (
                    self.env["comment.wizard"]
                    .with_user(user)
                    .with_context(**action["context"])
                    .create({"comment": comment or "ok"})
                )
                wizard.add_comment()
            self.run_jobs(trap)
        request.invalidate_recordset()
        return request.with_user(self.env.user)

    def make_order(self, request, supplier_name="Test supplier"):
        """The RFQ OCA's wizard makes from the request's lines (jobs run)."""
        supplier = self.env["res.partner"].create(
            {"name": supplier_name, "is_company": True}
        )
        wizard = (
            self.env["purchase.request.line.make.purchase.order"]
            .with_context(
                active_model="purchase.request.line", active_ids=request.line_ids.ids
            )
            .create({"supplier_id": supplier.id})
        )
        with self.jobs() as trap:
            wizard.make_purchase_order()
            self.run_jobs(trap)
        return request.line_ids.purchase_lines.order_id

    def confirm(self, order):
        with self.jobs() as trap:
            order.button_confirm()
            self.run_jobs(trap)

    def statuses(self, ref):
        return [doc["status"] for doc in self.sim.statuses(ref)]


class RequisitionCase(RequisitionMixin, TransactionCase):
    pass


class RequisitionHttpCase(RequisitionMixin, HttpCase):
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
