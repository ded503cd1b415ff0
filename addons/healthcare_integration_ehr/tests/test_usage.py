# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import copy

from odoo.tests import TransactionCase, tagged

from .common import EhrFixtures

# After the HL7 FHIR R4 example "ChargeItem/example", for a supply.
CHARGE_ITEM = {
    "resourceType": "ChargeItem",
    "id": "ci-gloves-1",
    "meta": {"versionId": "1"},
    "identifier": [{"system": "urn:ehr:test:charge", "value": "654321"}],
    "status": "billable",
    "code": {
        "coding": [
            {
                "system": "http://snomed.info/sct",
                "code": "413649001",
                "display": "Supply of item",
            }
        ]
    },
    "subject": {
        "identifier": {
            "type": {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/v2-0203",
                        "code": "MR",
                    }
                ]
            },
            "system": "urn:oid:1.2.36.146.595.217.0.1",
            "value": "MRN-4407-ZQ",
        },
        "display": "Marie Lovelace-Quint",
    },
    "occurrenceDateTime": "2030-03-14T09:30:00Z",
    "performingOrganization": {"reference": "Organization/org-ortho-ward"},
    "costCenter": {"identifier": {"system": "urn:ehr:test:cost", "value": "ORTHO"}},
    "quantity": {"value": 2},
    "productCodeableConcept": {"coding": [{"code": "GLV-M"}]},
    "note": [{"text": "Patient asked for latex-free gloves"}],
}


@tagged("post_install", "-at_install")
class TestUsage(EhrFixtures, TransactionCase):
    """Utilization events consume ward stock and cost it to a service line."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_ehr()

    def charge(self, **changes):
        resource = copy.deepcopy(CHARGE_ITEM)
        resource.update(changes)
        return resource

    def usage(self):
        return self.env["hc.ehr.usage"].search(
            [("source_key", "=", "ChargeItem/ci-gloves-1")]
        )

    def test_charge_item_allocates_cost_to_the_service_line(self):
        self.stock(self.gloves, 10, self.ward)
        message = self.receive(self.charge(), key="ci-1", flow=self.flow_usage)
        self.assertEqual(message.state, "done", message.error_text)
        usage = self.usage()
        self.assertEqual(message._linked_record(), usage)
        self.assertEqual(usage.product_id, self.gloves)
        self.assertEqual(usage.quantity, 2.0)
        self.assertEqual(usage.analytic_account_id, self.ortho)
        self.assertEqual(str(usage.date), "2030-03-14 09:30:00")
        self.assertEqual(usage.cost, 13.0)
        self.assertTrue(usage.patient_token.startswith("pt1-"))
        self.assertEqual(self.on_hand(self.gloves, self.ward), 8.0)
        lines = usage.move_ids.analytic_account_line_ids
        self.assertEqual(lines.mapped(self.ortho.plan_id._column_name()), self.ortho)
        self.assertEqual(sum(lines.mapped("amount")), -13.0)
        report = self.env["hc.ehr.usage"]._read_group(
            [("analytic_account_id", "=", self.ortho.id)],
            ["analytic_account_id", "date:month"],
            ["cost:sum"],
        )
        self.assertEqual(len(report), 1)
        self.assertEqual(report[0][2], 13.0)
        again = self.receive(self.charge(), key="ci-1-again", flow=self.flow_usage)
        self.assertEqual(again.state, "done")
        self.assertEqual(self.on_hand(self.gloves, self.ward), 8.0, "same version")

    def test_corrected_and_cancelled_charge_items(self):
        self.stock(self.gloves, 10, self.ward)
        self.receive(self.charge(), key="ci-2", flow=self.flow_usage)
        corrected = self.charge(meta={"versionId": "2"}, quantity={"value": 3})
        self.receive(corrected, key="ci-2b", flow=self.flow_usage)
        usage = self.usage()
        self.assertEqual(usage.quantity, 3.0)
        self.assertEqual(self.on_hand(self.gloves, self.ward), 7.0)
        self.assertEqual(usage.cost, 19.5)
        error = self.charge(meta={"versionId": "3"}, status="entered-in-error")
        self.receive(error, key="ci-2c", flow=self.flow_usage)
        self.assertEqual(usage.state, "reversed")
        self.assertEqual(self.on_hand(self.gloves, self.ward), 10.0)
        lines = usage.move_ids.analytic_account_line_ids
        self.assertAlmostEqual(sum(lines.mapped("amount")), 0.0)

    def test_unknown_service_line_is_a_mapping_exception(self):
        self.stock(self.gloves, 10, self.ward)
        resource = self.charge(
            costCenter={"identifier": {"system": "urn:ehr:test:cost", "value": "NEURO"}}
        )
        message = self.receive(resource, key="ci-3", flow=self.flow_usage)
        self.assertEqual(message.exception_kind, "mapping")
        self.assertIn("NEURO", message.error_text)
        self.assertEqual(self.on_hand(self.gloves, self.ward), 10.0)
