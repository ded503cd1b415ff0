# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import copy
import json
import re

from fhir.resources.R4B.task import Task
from psycopg2 import sql

from odoo import Command
from odoo.tools import config

from odoo.addons.healthcare_integration_core.tests.common import (
    HcTestMixin,
    SimulatorMixin,
    load_simulator_module,
)

TOKEN_KEY = "test-patient-token-key-0123456789abcdef"
FLOW_TYPES = (
    "flow_type_supply_request_in",
    "flow_type_usage_in",
    "flow_type_supply_delivery_out",
    "flow_type_availability_out",
    "flow_type_item_out",
    "flow_type_location_out",
)
# The HL7 FHIR R4 example "SupplyRequest/simple", with this suite's codes.
SUPPLY_REQUEST = {
    "resourceType": "SupplyRequest",
    "id": "simple",
    "meta": {"versionId": "1"},
    "identifier": [{"system": "urn:ehr:test:supply-request", "value": "SR-1"}],
    "status": "active",
    "category": {
        "coding": [
            {
                "system": "http://terminology.hl7.org/CodeSystem/supply-kind",
                "code": "central",
                "display": "Central Supply",
            }
        ],
        "text": "central",
    },
    "priority": "asap",
    "itemCodeableConcept": {"coding": [{"code": "KIT-HIP-01"}]},
    "quantity": {"value": 2, "system": "http://unitsofmeasure.org", "code": "1"},
    "occurrenceDateTime": "2030-12-31T08:00:00Z",
    "authoredOn": "2016-12-31",
    "requester": {"reference": "Practitioner/example"},
    "deliverTo": {"reference": "Location/ward-3a"},
}


def supply_request(**changes):
    resource = copy.deepcopy(SUPPLY_REQUEST)
    resource.update(changes)
    return resource


class EhrFixtures(HcTestMixin, SimulatorMixin):
    """An EHR backend on the EHR simulator, a ward supplied from WH/Stock."""

    @classmethod
    def setup_ehr(cls):
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        previous = config.options.get("hc_patient_token_key")
        config.options["hc_patient_token_key"] = TOKEN_KEY
        cls.addClassCleanup(
            config.options.__setitem__, "hc_patient_token_key", previous
        )
        module = load_simulator_module("ehr_simulator.py")
        cls.sim = module.EhrSimulator(host="127.0.0.1", port=0, name="ehr-test")
        cls.sim.start()
        cls.addClassCleanup(cls.sim.stop)
        cls.bot = cls.env.ref("healthcare_integration_core.user_integration_bot")
        cls.backend = cls.env["hc.backend"].create(
            {
                "name": "EHR under test",
                "code": "ehr_test",
                "system_type": "ehr",
                "base_url": f"{cls.sim.url}/fhir",
                "webhook_secret": "ehr-hook-secret",
                "connect_timeout": 1,
                "read_timeout": 2,
                "breaker_threshold": 0,
                "business_owner_id": cls.env.ref("base.user_admin").id,
            }
        )
        # other EHR backends of the company (the demo's) stay out of the tests
        cls.env["hc.flow"].search(
            [("domain", "=", "ehr"), ("backend_id", "!=", cls.backend.id)]
        ).write({"active": False})
        cls.flows = {}
        for xmlid in FLOW_TYPES:
            flow_type = cls.env.ref(f"healthcare_integration_ehr.{xmlid}")
            cls.flows[flow_type.code] = cls.env["hc.flow"].create(
                {
                    "flow_type_id": flow_type.id,
                    "backend_id": cls.backend.id,
                    "max_attempts": 2,
                    "backoff_base": 1,
                    "backoff_max": 2,
                }
            )
        cls.flow_sr = cls.flows["ehr.supply_request_in"]
        cls.flow_usage = cls.flows["ehr.usage_in"]
        cls.setup_stock()
        cls.setup_crosswalks()

    @classmethod
    def setup_stock(cls):
        cls.warehouse = cls.env.ref("stock.warehouse0")
        cls.store = cls.warehouse.lot_stock_id
        locations = cls.env["stock.location"]
        cls.ward = locations.create(
            {
                "name": "Ward 3A test",
                "location_id": cls.warehouse.view_location_id.id,
                "usage": "internal",
            }
        )
        cls.env["stock.rule"].create(
            {
                "name": "Store to ward 3A test",
                "route_id": cls.env.ref(
                    "healthcare_integration_ehr.route_ehr_ward_supply"
                ).id,
                "action": "pull",
                "procure_method": "mts_else_mto",
                "location_dest_from_rule": True,
                "location_src_id": cls.store.id,
                "location_dest_id": cls.ward.id,
                "picking_type_id": cls.warehouse.int_type_id.id,
                "warehouse_id": cls.warehouse.id,
            }
        )
        cls.vendor = cls.env["res.partner"].create({"name": "Implant vendor"})
        buy = cls.env.ref("purchase_stock.route_warehouse0_buy")
        products = cls.env["product.product"]
        cls.kit = products.create(
            {
                "name": "Hip implant kit (test)",
                "default_code": "T-KIT-HIP",
                "barcode": "05012345678917",
                "is_storable": True,
                "standard_price": 850.0,
                "route_ids": [Command.link(buy.id)],
                "seller_ids": [
                    Command.create({"partner_id": cls.vendor.id, "price": 820.0})
                ],
            }
        )
        cls.gloves = products.create(
            {
                "name": "Nitrile gloves M (test)",
                "default_code": "T-GLV-M",
                "is_storable": True,
                "standard_price": 6.5,
                "route_ids": [Command.link(buy.id)],
                "seller_ids": [
                    Command.create({"partner_id": cls.vendor.id, "price": 6.0})
                ],
            }
        )
        cls.plan = cls.env["account.analytic.plan"].create(
            {"name": "Service lines (test)"}
        )
        cls.ortho = cls.env["account.analytic.account"].create(
            {"name": "Orthopaedics (test)", "plan_id": cls.plan.id}
        )
        cls.ward.hc_ehr_analytic_account_id = cls.ortho

    @classmethod
    def setup_crosswalks(cls):
        entries = [
            ("product", "KIT-HIP-01", cls.kit),
            ("product", "GLV-M", cls.gloves),
            ("uom", "1", cls.env.ref("uom.product_uom_unit")),
            ("location", "ward-3a", cls.ward),
            ("location", "org-ortho-ward", cls.ward),
            ("cost_center", "ORTHO", cls.ortho),
        ]
        cls.env["hc.crosswalk"].create(
            [
                {
                    "backend_id": cls.backend.id,
                    "domain": domain,
                    "external_code": code,
                    "record_ref": f"{record._name},{record.id}",
                }
                for domain, code, record in entries
            ]
        )

    # ------------------------------------------------------------------ helpers

    def stock(self, product, quantity, location=None):
        self.env["stock.quant"]._update_available_quantity(
            product, location or self.store, quantity
        )

    def on_hand(self, product, location):
        return product.with_context(location=location.id).qty_available

    def receive(self, resource, key=None, flow=None):
        """Store and process one payload as the EHR's webhook would; the message."""
        return self.receive_payload(flow or self.flow_sr, resource, key)

    def request_of(self, fhir_id="simple"):
        return self.env["hc.ehr.supply.request"].search(
            [("backend_id", "=", self.backend.id), ("fhir_id", "=", fhir_id)]
        )

    def sent(self, path):
        return [json.loads(r["body"]) for r in self.sim.requests() if r["path"] == path]

    def tasks(self):
        """The Tasks the EHR got, validated as FHIR R4 resources."""
        calls = [r for r in self.sim.requests() if r["path"].startswith("/fhir/Task/")]
        tasks = []
        for call in calls:
            self.assertEqual(call["method"], "PUT")
            self.assertEqual(call["headers"].get("Accept"), "application/fhir+json")
            task = json.loads(call["body"])
            Task.model_validate(task)
            self.assertEqual(call["path"], f"/fhir/Task/{task['id']}")
            tasks.append(task)
        return tasks

    @staticmethod
    def event_of(task):
        return task["businessStatus"]["coding"][0]["code"]

    @staticmethod
    def input_of(task, code):
        for item in task["input"]:
            if item["type"]["coding"][0]["code"] == code:
                return item["valueQuantity"]["value"]
        return None

    def scan_database(self, needles):
        """The "table.column" of every text, JSON or binary value containing a needle.

        Everything the test transaction wrote is visible to this query (a dump
        from another connection would not see it).
        """
        self.env.flush_all()
        cr = self.env.cr
        pattern = "|".join(re.escape(needle) for needle in needles)
        cr.execute(
            """
            SELECT c.table_name, c.column_name, c.data_type
              FROM information_schema.columns c
              JOIN information_schema.tables t
                ON t.table_schema = c.table_schema AND t.table_name = c.table_name
             WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
               AND c.data_type IN ('text', 'character varying', 'character',
                                   'bytea', 'jsonb', 'json')
            """
        )
        by_table = {}
        for table, column, data_type in cr.fetchall():
            by_table.setdefault(table, []).append((column, data_type))
        hits = []
        for table, columns in by_table.items():
            values = [
                sql.SQL("encode({}, 'escape')").format(sql.Identifier(column))
                if data_type == "bytea"
                else sql.SQL("{}::text").format(sql.Identifier(column))
                for column, data_type in columns
            ]
            for column, value in zip([c for c, _t in columns], values, strict=True):
                cr.execute(
                    sql.SQL("SELECT 1 FROM {} WHERE {} ~* %s LIMIT 1").format(
                        sql.Identifier(table), value
                    ),
                    (pattern,),
                )
                if cr.fetchone():
                    hits.append(f"{table}.{column}")
        return hits


class EhrHttpFixtures(EhrFixtures):
    """The EHR fixtures for tests over HTTP: the simulator calls this server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_ehr()

    def setUp(self):
        super().setUp()
        self.sim.reset()
        self.sim.odoo_url = self.base_url()
        self.sim.backend = self.backend.code
