# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from .common import EhrFixtures, supply_request


@tagged("post_install", "-at_install")
class TestSupplyRequest(EhrFixtures, TransactionCase):
    """SupplyRequests from the EHR reserve, replenish, follow and cancel transfers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_ehr()

    def setUp(self):
        super().setUp()
        self.sim.reset()

    def test_reserved_in_full(self):
        self.stock(self.kit, 10)
        message = self.receive(supply_request(priority="routine"), key="sr-full")
        self.assertEqual(message.state, "done", message.error_text)
        request = self.request_of()
        self.assertEqual(message._linked_record(), request)
        self.assertEqual(request.state, "reserved")
        self.assertEqual((request.qty_reserved, request.qty_short), (2.0, 0.0))
        picking = request.picking_ids
        self.assertEqual(len(picking), 1)
        self.assertEqual(picking.picking_type_id, self.warehouse.int_type_id)
        self.assertEqual(
            (picking.location_id, picking.location_dest_id), (self.store, self.ward)
        )
        self.assertEqual(picking.state, "assigned")
        self.assertEqual(picking.priority, "0")
        self.assertFalse(request.purchase_line_ids, "nothing to replenish")
        self.assertFalse(self.tasks())

    def test_short_request_triggers_a_purchase(self):
        self.stock(self.kit, 1)
        resource = supply_request(priority="routine")
        resource["quantity"]["value"] = 3
        message = self.receive(resource, key="sr-short")
        self.assertEqual(message.state, "done", message.error_text)
        request = self.request_of()
        self.assertEqual(request.state, "partial")
        self.assertEqual((request.qty_reserved, request.qty_short), (1.0, 2.0))
        line = request.purchase_line_ids
        self.assertEqual(len(line), 1, "the shortage is bought through the buy rule")
        self.assertEqual(line.product_id, self.kit)
        self.assertEqual(line.product_qty, 2.0)
        self.assertEqual(line.order_id.partner_id, self.vendor)
        self.assertEqual(line.order_id.state, "draft")
        self.assertIn(request.name, line.order_id.origin)
        [task] = self.tasks()
        self.assertEqual(self.event_of(task), "backordered")
        item = task["input"][0]["valueCodeableConcept"]["coding"]
        self.assertIn("KIT-HIP-01", [coding["code"] for coding in item])
        self.assertEqual(task["location"], {"reference": "Location/ward-3a"})
        self.assertEqual(task["focus"], {"reference": "SupplyRequest/simple"})
        self.assertTrue(task["restriction"]["period"]["end"])

    def test_stat_request_is_urgent_all_the_way(self):
        self.stock(self.kit, 1)
        resource = supply_request(priority="stat")
        resource["quantity"]["value"] = 2
        message = self.receive(resource, key="sr-stat")
        self.assertEqual(message.state, "done", message.error_text)
        request = self.request_of()
        self.assertTrue(request.urgent)
        picking = request.picking_ids
        self.assertEqual(picking.priority, "1")
        self.assertEqual(str(picking.date_deadline), "2030-12-31 08:00:00")
        self.assertEqual(request.purchase_line_ids.order_id.priority, "1")
        self.assertEqual(self.flow_sr.channel, "root.hc_critical")

    def test_cancel_in_the_ehr_cancels_the_transfer(self):
        self.stock(self.kit, 10)
        self.receive(supply_request(), key="sr-c1")
        request = self.request_of()
        self.assertEqual(request.state, "reserved")
        cancelled = supply_request(status="cancelled", meta={"versionId": "2"})
        message = self.receive(cancelled, key="sr-c2")
        self.assertEqual(message.state, "done", message.error_text)
        self.assertEqual(message._linked_record(), request)
        self.assertEqual(request.picking_ids.state, "cancel")
        self.assertEqual(request.state, "cancelled")
        self.assertEqual(request.fhir_status, "cancelled")
        self.assertEqual(self.on_hand(self.kit, self.store), 10.0)

    def test_changed_quantity_follows_the_ehr(self):
        self.stock(self.kit, 10)
        self.receive(supply_request(), key="sr-q1")
        request = self.request_of()
        more = supply_request(meta={"versionId": "2"})
        more["quantity"]["value"] = 5
        self.receive(more, key="sr-q2")
        self.assertEqual(request.product_qty, 5.0)
        self.assertEqual(request.qty_reserved, 5.0)
        self.assertEqual(len(request.picking_ids), 1, "the increase joins the transfer")
        less = supply_request(meta={"versionId": "3"})
        less["quantity"]["value"] = 1
        message = self.receive(less, key="sr-q3")
        self.assertEqual(message.state, "done", message.error_text)
        self.assertEqual(request.qty_reserved, 1.0)
        self.assertEqual(request.state, "reserved")

    def test_same_version_twice_does_nothing_more(self):
        self.stock(self.kit, 10)
        first = self.receive(supply_request(), key="sr-v1")
        second = self.receive(supply_request(), key="sr-v1-again")
        self.assertNotEqual(first, second, "two deliveries, two messages")
        self.assertEqual(second.state, "done", second.error_text)
        request = self.request_of()
        self.assertEqual(len(request), 1)
        self.assertEqual(len(request.picking_ids), 1)
        self.assertEqual(request.picking_ids.move_ids.product_uom_qty, 2.0)
        self.assertIn("received again", request.message_ids[:1].body)
        stale = supply_request(meta={"versionId": "0"})
        self.receive(stale, key="sr-v0")
        self.assertEqual(request.version_key, "v:1")

    def test_unknown_item_is_a_mapping_exception_then_replays(self):
        self.stock(self.kit, 10)
        resource = supply_request(id="sr-unknown")
        resource["itemCodeableConcept"] = {
            "coding": [{"system": "urn:ehr:test:item", "code": "KIT-KNEE-07"}]
        }
        message = self.receive(resource, key="sr-unknown")
        self.assertEqual(message.state, "dead")
        self.assertEqual(
            (message.error_class, message.exception_kind), ("business", "mapping")
        )
        self.assertIn("KIT-KNEE-07", message.error_text)
        self.assertFalse(self.request_of("sr-unknown"))
        self.env["hc.crosswalk"].create(
            {
                "backend_id": self.backend.id,
                "domain": "product",
                "external_code": "KIT-KNEE-07",
                "record_ref": f"product.product,{self.kit.id}",
            }
        )
        with self.jobs() as trap:
            replay = message._replay()
            self.run_jobs(trap)
        self.assertEqual(replay.state, "done", replay.error_text)
        self.assertEqual(message.superseded_by_id, replay)
        request = self.request_of("sr-unknown")
        self.assertEqual(request.product_id, self.kit)
        self.assertEqual(request.state, "reserved")

    def test_bundle_of_three(self):
        self.stock(self.kit, 10)
        self.stock(self.gloves, 50)
        entries = []
        for index, code in enumerate(("KIT-HIP-01", "GLV-M", "GLV-M")):
            resource = supply_request(id=f"sr-b{index}")
            resource["itemCodeableConcept"] = {"coding": [{"code": code}]}
            entries.append(
                {
                    "fullUrl": f"urn:uuid:0000000{index}-aaaa-4bbb-8ccc-000000000000",
                    "resource": resource,
                    "request": {"method": "POST", "url": "SupplyRequest"},
                }
            )
        bundle = {"resourceType": "Bundle", "type": "transaction", "entry": entries}
        message = self.receive(bundle, key="bundle-3")
        self.assertEqual(message.state, "done", message.error_text)
        requests = self.env["hc.ehr.supply.request"].search(
            [("fhir_id", "in", ["sr-b0", "sr-b1", "sr-b2"])]
        )
        self.assertEqual(len(requests), 3)
        self.assertEqual(set(requests.mapped("state")), {"reserved"})
        self.assertEqual(len(requests.picking_ids), 3)
        self.assertEqual(message._linked_record(), self.request_of("sr-b0"))

    def test_bundle_is_applied_whole_or_not_at_all(self):
        self.stock(self.kit, 10)
        good = supply_request(id="sr-w1")
        bad = supply_request(id="sr-w2")
        bad["itemCodeableConcept"] = {"coding": [{"code": "NOT-MAPPED"}]}
        bundle = {
            "resourceType": "Bundle",
            "type": "transaction",
            "entry": [
                {
                    "resource": good,
                    "request": {"method": "POST", "url": "SupplyRequest"},
                },
                {
                    "resource": bad,
                    "request": {"method": "POST", "url": "SupplyRequest"},
                },
            ],
        }
        message = self.receive(bundle, key="bundle-bad")
        self.assertEqual(message.state, "dead")
        self.assertFalse(self.request_of("sr-w1"), "nothing of the Bundle is kept")
        self.assertEqual(self.on_hand(self.kit, self.store), 10.0)
