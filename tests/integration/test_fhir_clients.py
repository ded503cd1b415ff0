"""Stock FHIR R4 clients (fhirpy, fhirclient) against the EHR addon's endpoint.

The clients get nothing but the base URL and an access token of the
hospital's identity provider (the EHR simulator's, with its own keys): they
read the CapabilityStatement, create, read and search SupplyRequests, create
conditionally and post transaction and batch Bundles, with no custom code.
"""

import time
import uuid

import pytest
import requests
from ehr_simulator import EhrSimulator
from fhirclient import client as smart_client
from fhirclient.models.supplyrequest import SupplyRequest as SmartSupplyRequest
from fhirpy import SyncFHIRClient
from fhirpy.base.exceptions import ResourceNotFound

SCOPE = "system/*.write system/*.read"
FHIR_JSON = "application/fhir+json"


def supply_request(identifier):
    return {
        "resourceType": "SupplyRequest",
        "identifier": [{"system": "urn:ehr:suite:supply-request", "value": identifier}],
        "status": "active",
        "priority": "routine",
        "itemCodeableConcept": {"coding": [{"code": "KIT-HIP-01"}]},
        "quantity": {"value": 1},
        "occurrenceDateTime": "2030-12-31T08:00:00Z",
        "requester": {"reference": "Practitioner/example", "display": "Dr Careful"},
        "deliverTo": {"reference": "Location/ward-3a"},
    }


@pytest.fixture(scope="module")
def ehr(odoo):
    """An EHR backend taking bearer tokens of the simulator's identity provider."""
    sim = EhrSimulator(host="127.0.0.1", port=0, name="suite-ehr")
    sim.start()
    code = f"suite_fhir_{int(time.time() * 1000)}"
    sim.odoo_url = odoo.url
    sim.backend = code
    base = sim.fhir_url()
    backend_id = odoo.execute(
        "hc.backend",
        "create",
        {
            "name": f"Suite EHR {code}",
            "code": code,
            "system_type": "ehr",
            "base_url": f"{sim.url}/fhir",
            "inbound_auth": "bearer",
            "bearer_issuer": sim.issuer,
            "bearer_audience": base,
            "bearer_jwks_url": sim.jwks_url,
            "bearer_token_url": sim.token_url,
            "bearer_scope": "system/SupplyRequest.write",
            "breaker_threshold": 0,
        },
    )
    for flow_type in ("ehr.supply_request_in", "ehr.usage_in"):
        odoo.execute(
            "hc.flow",
            "create",
            {"backend_id": backend_id, "flow_type_id": odoo.flow_type(flow_type)},
        )
    yield {"sim": sim, "base": base, "id": backend_id}
    sim.stop()


@pytest.fixture()
def token(ehr):
    return ehr["sim"].fetch_token(SCOPE, audience=ehr["base"])


@pytest.fixture()
def fhirpy_client(ehr, token):
    return SyncFHIRClient(ehr["base"], authorization=f"Bearer {token}")


def test_capability_statement_is_public_json_and_names_the_token_endpoint(ehr):
    answer = requests.get(f"{ehr['base']}/metadata", timeout=30)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith(FHIR_JSON)
    statement = answer.json()
    assert statement["resourceType"] == "CapabilityStatement"
    assert statement["fhirVersion"] == "4.0.1"
    types = {r["type"] for r in statement["rest"][0]["resource"]}
    assert {"SupplyRequest", "ChargeItem", "SupplyDelivery"} <= types
    oauth = statement["rest"][0]["security"]["extension"][0]["extension"]
    assert {"url": "token", "valueUri": ehr["sim"].token_url} in oauth
    xml = requests.get(
        f"{ehr['base']}/metadata",
        headers={"Accept": "application/fhir+xml"},
        timeout=30,
    )
    assert xml.status_code == 406
    assert xml.json()["resourceType"] == "OperationOutcome"


def test_fhirpy_creates_reads_and_searches(fhirpy_client, ehr):
    identifier = f"SR-{uuid.uuid4().hex[:10]}"
    resource = fhirpy_client.resource("SupplyRequest", **supply_request(identifier))
    resource.save()
    assert resource.id, "the server's id was kept by the client"
    assert resource["meta"]["versionId"] == "1"
    assert "display" not in resource["requester"], "screened as stored"
    read = fhirpy_client.reference("SupplyRequest", resource.id).to_resource()
    assert read["identifier"][0]["value"] == identifier
    found = (
        fhirpy_client.resources("SupplyRequest")
        .search(identifier=f"urn:ehr:suite:supply-request|{identifier}")
        .fetch_all()
    )
    assert [r.id for r in found] == [resource.id]
    assert fhirpy_client.resources("SupplyRequest").search(_id=resource.id).count() == 1
    with pytest.raises(ResourceNotFound):
        fhirpy_client.reference("SupplyRequest", "no-such-id").to_resource()


def test_fhirpy_update_keeps_the_id_and_bumps_the_version(fhirpy_client):
    identifier = f"SR-{uuid.uuid4().hex[:10]}"
    resource = fhirpy_client.resource("SupplyRequest", **supply_request(identifier))
    resource.save()
    resource["status"] = "cancelled"
    resource.save()
    read = fhirpy_client.reference("SupplyRequest", resource.id).to_resource()
    assert (read["status"], read["meta"]["versionId"]) == ("cancelled", "2")


def test_conditional_create_answers_the_existing_resource(ehr, token):
    identifier = f"SR-{uuid.uuid4().hex[:10]}"
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": FHIR_JSON,
        "If-None-Exist": f"identifier=urn:ehr:suite:supply-request|{identifier}",
    }
    url = f"{ehr['base']}/SupplyRequest"
    first = requests.post(
        url, json=supply_request(identifier), headers=headers, timeout=30
    )
    second = requests.post(
        url, json=supply_request(identifier), headers=headers, timeout=30
    )
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert first.headers["Location"].startswith(f"{url}/{first.json()['id']}/_history/")


def test_fhirclient_with_smart_backend_services(ehr):
    sim = ehr["sim"]
    smart = smart_client.FHIRClient(
        settings={
            "app_id": "ehr-engine",
            "api_base": ehr["base"] + "/",
            "jwt_token": sim.idp.client_assertion(sim.token_url),
            "scope": SCOPE,
        }
    )
    smart.prepare()
    smart.authorize()
    assert smart.server.auth.access_token
    identifier = f"SR-{uuid.uuid4().hex[:10]}"
    created = SmartSupplyRequest(supply_request(identifier)).create(smart.server)
    assert created["resourceType"] == "SupplyRequest" and created["id"]
    read = SmartSupplyRequest.read(created["id"], smart.server)
    assert read.identifier[0].value == identifier
    found = list(
        SmartSupplyRequest.where(
            {"identifier": f"urn:ehr:suite:supply-request|{identifier}"}
        ).perform_resources_iter(smart.server)
    )
    assert [r.id for r in found] == [created["id"]]


def bundle(kind, *resources):
    return {
        "resourceType": "Bundle",
        "type": kind,
        "entry": [
            {
                "fullUrl": f"urn:uuid:{uuid.uuid4()}",
                "resource": resource,
                "request": {"method": "POST", "url": "SupplyRequest"},
            }
            for resource in resources
        ],
    }


@pytest.mark.parametrize("kind", ["transaction", "batch"])
def test_transaction_and_batch_are_answered_with_response_bundles(fhirpy_client, kind):
    identifiers = [f"SR-{uuid.uuid4().hex[:10]}" for _i in range(2)]
    answer = fhirpy_client.execute(
        "/", method="post", data=bundle(kind, *map(supply_request, identifiers))
    )
    assert answer["resourceType"] == "Bundle"
    assert answer["type"] == f"{kind}-response"
    assert [e["response"]["status"] for e in answer["entry"]] == ["201 Created"] * 2
    for entry, identifier in zip(answer["entry"], identifiers, strict=True):
        rtype, rid = entry["response"]["location"].split("/")[-4:-2]
        read = fhirpy_client.reference(rtype, rid).to_resource()
        assert read["identifier"][0]["value"] == identifier


def test_other_bundles_and_bad_tokens_are_refused(ehr, token):
    url = ehr["base"]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": FHIR_JSON}
    collection = bundle("collection", supply_request("SR-c"))
    answer = requests.post(url, json=collection, headers=headers, timeout=30)
    assert answer.status_code == 400
    assert answer.json()["issue"][0]["code"] == "not-supported"
    wrong = ehr["sim"].fetch_token("system/SupplyRequest.read", audience=ehr["base"])
    refused = requests.post(
        f"{url}/SupplyRequest",
        json=supply_request("SR-x"),
        headers={**headers, "Authorization": f"Bearer {wrong}"},
        timeout=30,
    )
    assert refused.status_code == 401
    assert refused.json()["issue"][0]["code"] == "security"
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
