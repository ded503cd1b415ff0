# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

import requests
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome

from odoo.tests import HttpCase, tagged

from odoo.addons.healthcare_integration_core.lib import signing

from .common import EhrHttpFixtures, supply_request

FHIR_JSON = "application/fhir+json"


@tagged("post_install", "-at_install")
class TestFhirRest(EhrHttpFixtures, HttpCase):
    """The FHIR RESTful API: capabilities, writes, reads, Bundles, errors."""

    # ------------------------------------------------------------------ helpers

    def call(self, method, path="", resource=None, headers=None, signed=True):
        """A request to the endpoint, HMAC-signed as the EHR does; the response."""
        self.env.flush_all()
        if isinstance(resource, (dict, list)):
            body = json.dumps(resource).encode()
        else:
            body = resource or b""
        sent = {"Content-Type": FHIR_JSON, "Accept": FHIR_JSON}
        if signed:
            sent.update(signing.signed_headers("ehr-hook-secret", body))
        sent.update(headers or {})
        return requests.request(
            method, self.sim.fhir_url(path), data=body, headers=sent, timeout=30
        )

    def assert_outcome(self, response, status, code):
        self.assertEqual(response.status_code, status, response.text)
        self.assertTrue(response.headers["Content-Type"].startswith(FHIR_JSON))
        outcome = response.json()
        OperationOutcome.model_validate(outcome)
        self.assertIn(code, [issue["code"] for issue in outcome["issue"]], outcome)
        return outcome

    def messages(self):
        return self.env["hc.message"].search([("backend_id", "=", self.backend.id)])

    def create_request(self, **changes):
        response = self.call("POST", "/SupplyRequest", supply_request(**changes))
        self.assertEqual(response.status_code, 201, response.text)
        return response

    # ------------------------------------------------------------------ metadata

    def test_capability_statement(self):
        response = self.call("GET", "/metadata", signed=False)
        self.assertEqual(response.status_code, 200, response.text)
        statement = response.json()
        CapabilityStatement.model_validate(statement)
        resources = {r["type"]: r for r in statement["rest"][0]["resource"]}
        self.assertEqual(
            set(resources),
            {
                "SupplyRequest",
                "ChargeItem",
                "SupplyDelivery",
                "DeviceDefinition",
                "Location",
                "Task",
            },
        )
        self.assertEqual(
            [i["code"] for i in resources["Location"]["interaction"]],
            ["read", "vread", "search-type"],
            "what Odoo publishes is served read-only",
        )
        self.assertIn(
            "based-on",
            [p["name"] for p in resources["SupplyDelivery"]["searchParam"]],
        )
        self.assertIn({"code": "create"}, resources["SupplyRequest"]["interaction"])
        self.assertNotIn("security", statement["rest"][0], "HMAC: no OAuth")
        xml = self.call("GET", "/metadata", headers={"Accept": "application/fhir+xml"})
        self.assert_outcome(xml, 406, "not-supported")
        self.flow_usage.active = False
        self.flows["ehr.location_out"].active = False
        response = self.call("GET", "/metadata", signed=False)
        resources = {r["type"]: r for r in response.json()["rest"][0]["resource"]}
        self.assertNotIn("ChargeItem", resources, "from the active flows")
        self.assertNotIn("create", str(resources["SupplyDelivery"]["interaction"]))
        unknown = requests.get(f"{self.base_url()}/hc/fhir/nobody/metadata", timeout=30)
        self.assert_outcome(unknown, 404, "not-found")

    # ------------------------------------------------------------------ create

    def test_create_answers_201_with_location_etag_and_the_screened_resource(self):
        response = self.create_request(
            requester={"reference": "Practitioner/1", "display": "Dr Who Knows"}
        )
        created = response.json()
        rid = created["id"]
        self.assertEqual(created["meta"]["versionId"], "1")
        self.assertTrue(
            response.headers["Location"].endswith(
                f"/hc/fhir/{self.backend.code}/SupplyRequest/{rid}/_history/1"
            )
        )
        self.assertEqual(response.headers["ETag"], 'W/"1"')
        self.assertTrue(response.headers["Last-Modified"].endswith("GMT"))
        self.assertNotIn("display", created["requester"], "stored screened")
        read = self.call("GET", f"/SupplyRequest/{rid}")
        self.assertEqual(read.status_code, 200)
        self.assertEqual(read.json(), created)
        self.assertEqual(read.headers["ETag"], 'W/"1"')
        vread = self.call("GET", f"/SupplyRequest/{rid}/_history/1")
        self.assertEqual(vread.json()["id"], rid)
        missing = self.call("GET", "/SupplyRequest/nope")
        self.assert_outcome(missing, 404, "not-found")
        unsigned = self.call("GET", f"/SupplyRequest/{rid}", signed=False)
        self.assert_outcome(unsigned, 401, "security")

    def test_prefer_return_and_respond_async(self):
        minimal = self.call(
            "POST",
            "/SupplyRequest",
            supply_request(priority="routine"),
            headers={"Prefer": "return=minimal"},
        )
        self.assertEqual(minimal.status_code, 201)
        self.assertEqual(minimal.content, b"")
        self.assertIn("/_history/1", minimal.headers["Location"])
        outcome = self.call(
            "POST",
            "/SupplyRequest",
            supply_request(priority="urgent"),
            headers={"Prefer": "return=OperationOutcome"},
        )
        self.assertEqual(outcome.status_code, 201)
        self.assertEqual(outcome.json()["resourceType"], "OperationOutcome")
        accepted = self.call(
            "POST",
            "/SupplyRequest",
            supply_request(),
            headers={"Prefer": "respond-async"},
        )
        self.assertEqual(accepted.status_code, 202, accepted.text)
        status_url = accepted.headers["Content-Location"]
        self.assertIn("/_async/", status_url)
        path = status_url.split(f"/hc/fhir/{self.backend.code}")[1]
        pending = self.call("GET", path)
        self.assertEqual(pending.status_code, 202)
        message = self.messages().sorted("id")[-1]
        self.stock(self.kit, 5)
        message.with_user(self.bot).with_company(message.company_id)._run_job()
        self.env.flush_all()
        done = self.call("GET", path)
        self.assertEqual(done.status_code, 200, done.text)
        bundle = done.json()
        Bundle.model_validate(bundle)
        self.assertEqual(bundle["entry"][0]["response"]["status"], "201 Created")

    def test_update_needs_the_url_id_and_versions(self):
        body = supply_request(id="sr-put-1")
        first = self.call("PUT", "/SupplyRequest/sr-put-1", body)
        self.assertEqual(first.status_code, 201, first.text)
        body["status"] = "suspended"
        second = self.call("PUT", "/SupplyRequest/sr-put-1", body)
        self.assertEqual(second.status_code, 200, second.text)
        self.assertEqual(second.json()["meta"]["versionId"], "2")
        old = self.call("GET", "/SupplyRequest/sr-put-1/_history/1")
        self.assertEqual(old.json()["status"], "active")
        mismatch = self.call("PUT", "/SupplyRequest/sr-put-1", supply_request(id="x"))
        outcome = self.assert_outcome(mismatch, 400, "invalid")
        self.assertIn("SupplyRequest.id", json.dumps(outcome))
        no_id = supply_request()
        del no_id["id"]
        self.assert_outcome(
            self.call("PUT", "/SupplyRequest/sr-put-1", no_id), 400, "invalid"
        )
        latest = self.call("GET", "/SupplyRequest/sr-put-1")
        self.assertEqual(latest.json()["meta"]["versionId"], "2", "nothing applied")
        again = self.call("PUT", "/SupplyRequest/sr-put-1", body)
        self.assertEqual(again.status_code, 200, "the same update again: a duplicate")
        self.assertEqual(again.json()["meta"]["versionId"], "2")
        posted = supply_request(id="sr-put-2", priority="urgent")
        # the same signature (body and timestamp) again: a replay, never applied
        # to another resource
        headers = signing.signed_headers("ehr-hook-secret", json.dumps(posted).encode())
        self.call("POST", "/SupplyRequest", posted, headers=headers)
        replayed = self.call("PUT", "/SupplyRequest/sr-put-2", posted, headers=headers)
        self.assert_outcome(replayed, 409, "duplicate")

    def test_conditional_create(self):
        criteria = {"If-None-Exist": "identifier=urn:ehr:test:supply-request|SR-1"}
        first = self.call("POST", "/SupplyRequest", supply_request(), criteria)
        second = self.call("POST", "/SupplyRequest", supply_request(), criteria)
        self.assertEqual((first.status_code, second.status_code), (201, 200))
        self.assertEqual(first.json()["id"], second.json()["id"])
        # a second resource with the same identifier (another body: the
        # same body again would be answered as a duplicate of the first)
        self.create_request(priority="stat")
        several = self.call(
            "POST", "/SupplyRequest", supply_request(priority="routine"), criteria
        )
        self.assert_outcome(several, 412, "duplicate")

    def test_published_locations_are_served_read_only(self):
        store = self.env["stock.location"].create(
            {
                "name": "Sterile store (REST test)",
                "location_id": self.warehouse.view_location_id.id,
                "usage": "internal",
            }
        )
        with self.jobs() as trap:
            store.hc_ehr_location = True
            self.run_jobs(trap)
        read = self.call("GET", f"/Location/odoo-loc-{store.id}")
        self.assertEqual(read.status_code, 200, read.text)
        self.assertEqual(read.json()["name"], "Sterile store (REST test)")
        found = self.call("GET", "/Location?status=active").json()
        self.assertIn(
            f"odoo-loc-{store.id}", [e["resource"]["id"] for e in found["entry"]]
        )
        write = self.call("PUT", f"/Location/odoo-loc-{store.id}", read.json())
        self.assert_outcome(write, 405, "not-supported")

    # ------------------------------------------------------------------ search

    def test_search_by_identifier_status_id_date_with_paging(self):
        ids = [
            self.create_request(
                identifier=[{"system": "urn:s", "value": f"S-{n}"}]
            ).json()["id"]
            for n in range(3)
        ]
        self.call(
            "PUT",
            f"/SupplyRequest/{ids[0]}",
            supply_request(
                id=ids[0],
                status="cancelled",
                identifier=[{"system": "urn:s", "value": "S-0"}],
            ),
        )

        def search(query):
            response = self.call("GET", f"/SupplyRequest?{query}")
            self.assertEqual(response.status_code, 200, response.text)
            bundle = response.json()
            Bundle.model_validate(bundle)
            self.assertEqual(bundle["type"], "searchset")
            return bundle

        found = search("identifier=urn:s|S-1")
        self.assertEqual([e["resource"]["id"] for e in found["entry"]], [ids[1]])
        self.assertEqual(search("identifier=S-2")["total"], 1)
        self.assertEqual(
            search("status=cancelled")["entry"][0]["resource"]["id"], ids[0]
        )
        self.assertEqual(search(f"_id={ids[2]}")["total"], 1)
        self.assertEqual(search("_lastUpdated=gt2000-01-01")["total"], 3)
        self.assertEqual(search("_lastUpdated=lt2000-01-01")["total"], 0)
        page = search("identifier=urn:s|S-0,urn:s|S-1,urn:s|S-2&_count=2")
        self.assertEqual((page["total"], len(page["entry"])), (3, 2))
        [next_link] = [link for link in page["link"] if link["relation"] == "next"]
        rest = self.call("GET", next_link["url"].split(self.backend.code)[1])
        self.assertEqual(len(rest.json()["entry"]), 1)
        strict = self.call(
            "GET", "/SupplyRequest?nonsense=1", headers={"Prefer": "handling=strict"}
        )
        self.assert_outcome(strict, 400, "not-supported")

    def test_supply_deliveries_are_searched_by_the_request_they_fulfil(self):
        delivery = {
            "resourceType": "SupplyDelivery",
            "identifier": [{"system": "urn:ehr:test:delivery", "value": "D-1"}],
            "basedOn": [{"reference": "SupplyRequest/sr-77"}],
            "status": "completed",
            "suppliedItem": {
                "quantity": {"value": 1},
                "itemCodeableConcept": {"coding": [{"code": "KIT-HIP-01"}]},
            },
            "destination": {"reference": "Location/ward-3a"},
        }
        created = self.call("POST", "/SupplyDelivery", delivery)
        self.assertEqual(created.status_code, 201, created.text)
        for query in ("based-on=SupplyRequest/sr-77", "based-on=sr-77"):
            found = self.call("GET", f"/SupplyDelivery?{query}").json()
            self.assertEqual(
                [e["resource"]["id"] for e in found["entry"]], [created.json()["id"]]
            )
        other = self.call("GET", "/SupplyDelivery?based-on=SupplyRequest/other")
        self.assertEqual(other.json()["total"], 0)

    # ------------------------------------------------------------------ Bundles

    def bundle(self, kind, *resources):
        return {
            "resourceType": "Bundle",
            "type": kind,
            "entry": [
                {
                    "fullUrl": f"urn:uuid:0000000{n}-0000-4000-8000-000000000000",
                    "resource": resource,
                    "request": {"method": "POST", "url": "SupplyRequest"},
                }
                for n, resource in enumerate(resources)
            ],
        }

    def test_transaction_is_answered_with_a_transaction_response(self):
        transaction = self.bundle("transaction", supply_request(), supply_request())
        response = self.call("POST", "", transaction)
        self.assertEqual(response.status_code, 200, response.text)
        answer = response.json()
        Bundle.model_validate(answer)
        self.assertEqual(answer["type"], "transaction-response")
        self.assertEqual(
            [e["response"]["status"] for e in answer["entry"]], ["201 Created"] * 2
        )
        location = answer["entry"][1]["response"]["location"]
        rid = location.split("/SupplyRequest/")[1].split("/")[0]
        self.assertEqual(self.call("GET", f"/SupplyRequest/{rid}").status_code, 200)
        again = self.call("POST", "", transaction).json()
        self.assertEqual(again["type"], "transaction-response", "a duplicate")
        self.assertEqual(
            [e["response"]["status"] for e in again["entry"]], ["200 OK"] * 2
        )
        self.assertEqual(again["entry"][1]["response"]["location"], location)

    def test_a_transaction_with_a_bad_entry_stores_nothing_of_it(self):
        bad = supply_request(status="whenever")
        response = self.call(
            "POST", "", self.bundle("transaction", supply_request(), bad)
        )
        outcome = self.assert_outcome(response, 422, "code-invalid")
        self.assertIn(
            "Bundle.entry[1].resource.status", json.dumps(outcome), "as received"
        )
        self.assertFalse(
            self.env["hc.ehr.fhir.resource"].search(
                [("backend_id", "=", self.backend.id)]
            )
        )

    def test_batch_entries_are_taken_and_processed_each_alone(self):
        self.stock(self.kit, 10)
        unknown_item = supply_request(
            priority="stat", itemCodeableConcept={"coding": [{"code": "NOPE"}]}
        )
        bad = supply_request(status="whenever")
        batch = self.bundle("batch", supply_request(), bad, unknown_item)
        response = self.call("POST", "", batch)
        self.assertEqual(response.status_code, 200, response.text)
        answer = response.json()
        Bundle.model_validate(answer)
        self.assertEqual(answer["type"], "batch-response")
        statuses = [e["response"]["status"] for e in answer["entry"]]
        self.assertEqual(
            statuses, ["201 Created", "422 Unprocessable Entity", "201 Created"]
        )
        self.assertIn(
            "Bundle.entry[1].resource.status",
            json.dumps(answer["entry"][1]["response"]["outcome"]),
        )
        [parent] = self.messages()
        parent.with_user(self.bot).with_company(parent.company_id)._run_job()
        children = self.messages() - parent
        self.assertEqual(len(children), 2, "one message per entry kept")
        self.assertEqual(set(children.mapped("parent_relation")), {"split"})
        for child in children:
            child.with_user(self.bot).with_company(child.company_id)._run_job()
        self.assertEqual(
            sorted(children.mapped("state")), ["dead", "done"], "each entry alone"
        )

    def test_transaction_answers_every_entry_received_patients_included(self):
        patient = {
            "resourceType": "Patient",
            "id": "p1",
            "name": [{"family": "Chalmers", "given": ["Peter"]}],
        }
        transaction = self.bundle("transaction", patient, supply_request())
        response = self.call("POST", "", transaction)
        self.assertEqual(response.status_code, 200, response.text)
        entries = response.json()["entry"]
        self.assertEqual(len(entries), 2)
        self.assertEqual(entries[0]["response"]["status"], "200 OK")
        self.assertNotIn("resource", entries[0])
        self.assertEqual(entries[1]["response"]["status"], "201 Created")
        self.assertNotIn("Chalmers", response.text)

    def test_other_bundles_and_resources_are_refused_at_the_base(self):
        collection = self.call("POST", "", self.bundle("collection", supply_request()))
        self.assert_outcome(collection, 400, "not-supported")
        resource = self.call("POST", "", supply_request())
        self.assert_outcome(resource, 400, "not-supported")
        self.assertFalse(
            self.env["hc.ehr.fhir.resource"]
            .search([])
            .filtered(lambda v: v.backend_id == self.backend)
        )

    # ------------------------------------------------------------------ errors

    def test_errors_are_operation_outcomes_never_html_or_5xx(self):
        no_type = self.call("POST", "/SupplyRequest", {"status": "active"})
        self.assert_outcome(no_type, 400, "structure")
        not_json = self.call("POST", "/SupplyRequest", b"{not json")
        self.assert_outcome(not_json, 400, "structure")
        deep = (
            b'{"resourceType": "SupplyRequest", "x": ' + b"[" * 500 + b"]" * 500 + b"}"
        )
        self.assert_outcome(self.call("POST", "/SupplyRequest", deep), 400, "structure")
        wrong_type = self.call("POST", "/SupplyRequest", {"resourceType": "ChargeItem"})
        self.assert_outcome(wrong_type, 400, "invalid")
        unknown = self.call("GET", "/Patient/1")
        self.assert_outcome(unknown, 404, "not-supported")
        nowhere = self.call("GET", "/SupplyRequest/1/_history/1/more/parts")
        self.assert_outcome(nowhere, 404, "not-found")
        unsigned = self.call("POST", "/SupplyRequest", supply_request(), signed=False)
        self.assert_outcome(unsigned, 401, "security")

    def test_other_methods_never_apply_a_body(self):
        for method in ("OPTIONS", "DELETE", "PATCH"):
            response = self.call(method, "/SupplyRequest", supply_request())
            self.assert_outcome(response, 405, "not-supported")
            response = self.call(method, "/SupplyRequest/x", supply_request(id="x"))
            self.assert_outcome(response, 405, "not-supported")
        self.assertFalse(self.messages(), "nothing stored")
