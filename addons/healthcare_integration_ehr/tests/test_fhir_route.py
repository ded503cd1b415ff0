# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib
import hmac
import json
import re
from unittest.mock import patch

from odoo.tests import HttpCase, tagged
from odoo.tools import config

from .common import TOKEN_KEY, EhrHttpFixtures, supply_request

PATIENT_NAME = "Chalmers-Quintavalle"
GIVEN_NAME = "Peterjames"
BIRTH_DATE = "1974-12-25"
STREET = "534 Erewhon-Upton St"
PHONE = "(03) 5555 6473"
MRN = "MRN-8817-XQ"
NOTE = "Mr Chalmers-Quintavalle asked for the titanium kit"
NEEDLES = (PATIENT_NAME, GIVEN_NAME, BIRTH_DATE, "Erewhon", "5555 6473", MRN, NOTE)
MR_SYSTEM = "urn:oid:1.2.36.146.595.217.0.1"
# After the HL7 FHIR R4 examples "Patient/example" and "SupplyDelivery/simpledelivery".
SUPPLY_DELIVERY_WITH_PATIENT = {
    "resourceType": "SupplyDelivery",
    "id": "simpledelivery",
    "meta": {"versionId": "1"},
    "text": {
        "status": "generated",
        "div": '<div xmlns="http://www.w3.org/1999/xhtml">'
        f"Kit for {PATIENT_NAME}</div>",
    },
    "contained": [
        {
            "resourceType": "Patient",
            "id": "pat1",
            "identifier": [
                {
                    "use": "usual",
                    "type": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/v2-0203",
                                "code": "MR",
                            }
                        ]
                    },
                    "system": MR_SYSTEM,
                    "value": MRN,
                }
            ],
            "name": [
                {"use": "official", "family": PATIENT_NAME, "given": [GIVEN_NAME]}
            ],
            "telecom": [{"system": "phone", "value": PHONE, "use": "work"}],
            "gender": "male",
            "birthDate": BIRTH_DATE,
            "address": [{"use": "home", "line": [STREET], "city": "PleasantVille"}],
        }
    ],
    "identifier": [{"value": "Order10284"}],
    "basedOn": [{"reference": "SupplyRequest/simple"}],
    "status": "completed",
    "patient": {"reference": "#pat1", "display": f"{GIVEN_NAME} {PATIENT_NAME}"},
    "type": {
        "coding": [
            {
                "system": "http://terminology.hl7.org/CodeSystem/supply-item-type",
                "code": "device",
            }
        ]
    },
    "suppliedItem": {
        "quantity": {"value": 1},
        "itemCodeableConcept": {"coding": [{"code": "KIT-HIP-01"}]},
    },
    "occurrenceDateTime": "2030-12-31T10:00:00Z",
    "destination": {"reference": "Location/ward-3a"},
    "receiver": [{"reference": "Practitioner/example", "display": "Dr Adam Careful"}],
}


@tagged("post_install", "-at_install")
class TestFhirRoute(EhrHttpFixtures, HttpCase):
    """The FHIR endpoint over real HTTP: OperationOutcome answers, patient screening."""

    def post(self, path, resource, secret="ehr-hook-secret", key=None):
        self.env.flush_all()
        return self.sim.post_fhir(path, resource, secret=secret, idempotency_key=key)

    def process(self, message):
        message = message.with_user(self.bot).with_company(message.company_id)
        return message._run_job()

    def message(self, answer):
        if answer["resourceType"] != "OperationOutcome":  # the stored resource
            return (
                self.env["hc.ehr.fhir.resource"]
                .search([("logical_id", "=", answer["id"])], limit=1)
                .message_id
            )
        text = " ".join(issue["diagnostics"] for issue in answer["issue"])
        name = re.search(r"HCM/\d+", text).group(0)
        return self.env["hc.message"].search([("name", "=", name)])

    def test_valid_request_is_accepted_then_a_duplicate(self):
        self.stock(self.kit, 5)
        status, created = self.post("/SupplyRequest", supply_request(), key="r-1")
        self.assertEqual(status, 201, created)
        self.assertEqual(created["resourceType"], "SupplyRequest")
        self.assertNotEqual(created["id"], "simple", "the server assigns the id")
        message = self.message(created)
        self.assertEqual(message.state, "queued")
        self.assertEqual(self.process(message), "done")
        self.assertEqual(self.request_of(created["id"]).state, "reserved")
        status, again = self.post("/SupplyRequest", supply_request(), key="r-1")
        self.assertEqual(status, 200, "a duplicate answers the resource stored")
        self.assertEqual(again["id"], created["id"])

    def test_answers_are_fhir_json(self):
        response = self.url_open(
            f"/hc/fhir/{self.backend.code}/SupplyRequest",
            data=b"{}",
            headers={"Content-Type": "application/fhir+json"},
        )
        self.assertEqual(response.status_code, 401)
        self.assertTrue(
            response.headers["Content-Type"].startswith("application/fhir+json")
        )
        outcome = response.json()
        self.assertEqual(outcome["issue"][0]["code"], "security")
        self.assertFalse(
            self.env["hc.message"].search([("backend_id", "=", self.backend.id)])
        )
        status, answer = self.post("/SupplyRequest", supply_request(), secret="wrong")
        self.assertEqual(status, 401)
        status, _answer = self.post("/Nothing", supply_request())
        self.assertEqual(status, 404)

    def assert_refused(self, resource, expression, code, path="/SupplyRequest"):
        status, answer = self.post(path, resource)
        self.assertEqual(status, 422, answer)
        self.assertEqual(answer["resourceType"], "OperationOutcome")
        errors = [i for i in answer["issue"] if i["severity"] == "error"]
        self.assertIn(expression, [e for i in errors for e in i.get("expression", [])])
        self.assertIn(code, [i["code"] for i in errors])
        message = self.message(answer)
        self.assertEqual(message.state, "dead", "recorded as a failed message")
        self.assertEqual(message.error_class, "validation")
        self.assertEqual(message.http_status, 422)
        self.assertIn(expression, message.error_text)
        return message

    def test_malformed_fhir_is_answered_with_an_operation_outcome(self):
        patient = {"resourceType": "Patient", "id": "p1"}
        status, answer = self.post("/SupplyRequest", patient)
        self.assertEqual(status, 400, "the body is not what the URL names")
        self.assertEqual(answer["issue"][0]["expression"], ["Patient.resourceType"])
        self.assertEqual(self.message(answer).state, "dead")
        self.assert_refused(
            supply_request(status="whenever"), "SupplyRequest.status", "code-invalid"
        )
        self.assert_refused(
            supply_request(priority="yesterday"),
            "SupplyRequest.priority",
            "code-invalid",
        )
        missing = supply_request()
        del missing["quantity"]
        self.assert_refused(missing, "SupplyRequest.quantity", "required")
        bundle = {
            "resourceType": "Bundle",
            "type": "transaction",
            "entry": [{"resource": missing, "request": {"method": "POST", "url": "x"}}],
        }
        self.assert_refused(
            bundle, "Bundle.entry[0].resource.quantity", "required", path=""
        )
        self.assertFalse(
            self.env["hc.ehr.supply.request"]
            .search([])
            .filtered(lambda r: r.backend_id == self.backend)
        )

    def test_patient_is_kept_as_a_token_only(self):
        self.stock(self.kit, 5, self.ward)
        attachments = self.env["ir.attachment"].search([], order="id desc", limit=1)
        with self.assertLogs("odoo", level="DEBUG") as logs:
            status, answer = self.post(
                "/SupplyDelivery", SUPPLY_DELIVERY_WITH_PATIENT, key="sd-patient"
            )
            self.assertEqual(status, 201, answer)
            message = self.message(answer)
            self.assertEqual(self.process(message), "done")
        usage = message._linked_record()
        expected = (
            "pt1-"
            + hmac.new(
                TOKEN_KEY.encode(), f"{MR_SYSTEM}|{MRN}".encode(), hashlib.sha256
            ).hexdigest()[:40]
        )
        self.assertEqual(usage.patient_token, expected)
        self.assertEqual(usage.quantity, 1.0)
        stored = json.loads(message.sudo()._body())
        self.assertEqual(
            stored["patient"],
            {
                "type": "Patient",
                "identifier": {"system": "urn:hc:patient-token", "value": expected},
            },
        )
        self.assertNotIn("contained", stored)
        self.assertNotIn("display", stored["receiver"][0])
        self.assertEqual(self.scan_database(NEEDLES), [])
        log_text = "\n".join(logs.output)
        for needle in NEEDLES:
            self.assertNotIn(needle, log_text)
        new = self.env["ir.attachment"].search([("id", ">", attachments.id)])
        for attachment in new:
            raw = attachment.raw or b""
            for needle in NEEDLES:
                self.assertNotIn(needle.encode(), raw)

    def test_personal_data_refused_when_the_flow_says_so(self):
        self.flow_usage.ehr_personal_data = "refuse"
        status, answer = self.post(
            "/SupplyDelivery", SUPPLY_DELIVERY_WITH_PATIENT, key="sd-refuse"
        )
        self.assertEqual(status, 422)
        message = self.message(answer)
        self.assertEqual(message.state, "dead")
        self.assertFalse(message.sudo()._body(), "nothing of the payload is kept")
        self.assertIn("SupplyDelivery.contained[0].name", message.error_text)
        self.assertEqual(self.scan_database(NEEDLES), [])

    def test_no_token_key_refuses_patient_references(self):
        with patch.dict(config.options, {"hc_patient_token_key": ""}):
            status, answer = self.post(
                "/SupplyDelivery", SUPPLY_DELIVERY_WITH_PATIENT, key="sd-nokey"
            )
        self.assertEqual(status, 422)
        self.assertIn("no patient token key is configured", json.dumps(answer))
        self.assertEqual(self.scan_database(NEEDLES), [])

    def test_a_patient_named_only_by_display_leaves_no_trace(self):
        """Display-only patient references, encounter, account, free text."""
        self.stock(self.gloves, 5, self.ward)
        charge_item = {
            "resourceType": "ChargeItem",
            "identifier": [{"system": "urn:ehr:test:charge", "value": "CI-DISPLAY"}],
            "status": "billable",
            "code": {"text": "Supply of item"},
            "subject": {"display": f"{GIVEN_NAME} {PATIENT_NAME}"},
            "context": {
                "reference": "Encounter/enc-77",
                "display": f"Admission of {PATIENT_NAME}",
            },
            "account": [{"reference": "Account/acc-9", "display": PATIENT_NAME}],
            "enterer": {"display": f"{PATIENT_NAME} (relative)"},
            "overrideReason": NOTE,
            "occurrenceDateTime": "2030-03-14T09:30:00Z",
            "performingOrganization": {"reference": "Organization/org-ortho-ward"},
            "quantity": {"value": 1},
            "productCodeableConcept": {"coding": [{"code": "GLV-M"}]},
        }
        with self.assertLogs("odoo", level="DEBUG") as logs:
            status, stored = self.post("/ChargeItem", charge_item, key="ci-display")
            self.assertEqual(status, 201, stored)
            self.assertEqual(self.process(self.message(stored)), "done")
        self.assertEqual(stored["subject"]["type"], "Patient")
        for element in ("context", "account", "enterer", "overrideReason"):
            self.assertNotIn(element, stored)
        self.assertEqual(self.scan_database(NEEDLES), [])
        log_text = "\n".join(logs.output)
        for needle in NEEDLES:
            self.assertNotIn(needle, log_text)
