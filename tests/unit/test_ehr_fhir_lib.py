"""Database-free tests of the EHR addon's FHIR screening, validation and mapping."""

import copy
import hashlib
import hmac
import json

import pytest
from addon_lib import addon_lib

fhir_screen = addon_lib("ehr", "fhir_screen")
fhir_validate = addon_lib("ehr", "fhir_validate")
fhir_map = addon_lib("ehr", "fhir_map")
fhir_http = addon_lib("ehr", "fhir_http")
fhir_stamp = addon_lib("ehr", "fhir_stamp")
fhir_answers = addon_lib("ehr", "fhir_answers")

KEY = b"unit-test-patient-token-key-0123456789"
MR = {
    "type": {
        "coding": [
            {"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}
        ]
    },
    "system": "urn:oid:1.2.36.146.595.217.0.1",
    "value": "12345",
}
PATIENT = {
    "resourceType": "Patient",
    "id": "pat1",
    "identifier": [MR],
    "name": [{"family": "Chalmers", "given": ["Peter", "James"]}],
    "birthDate": "1974-12-25",
    "address": [{"line": ["534 Erewhon St"]}],
    "telecom": [{"system": "phone", "value": "(03) 5555 6473"}],
}
DELIVERY = {
    "resourceType": "SupplyDelivery",
    "id": "simpledelivery",
    "text": {"status": "generated", "div": "<div>Peter Chalmers</div>"},
    "contained": [PATIENT],
    "status": "completed",
    "patient": {"reference": "#pat1", "display": "Peter Chalmers"},
    "suppliedItem": {
        "quantity": {"value": 1},
        "itemCodeableConcept": {"coding": [{"code": "KIT-HIP-01"}]},
    },
    "destination": {"reference": "Location/ward-3a"},
    "receiver": [{"reference": "Practitioner/example", "display": "Dr Careful"}],
}


def token(key_string):
    digest = hmac.new(KEY, key_string.encode(), hashlib.sha256).hexdigest()
    return "pt1-" + digest[:40]


def test_contained_patient_becomes_a_token_and_nothing_personal_remains():
    screened = fhir_screen.Screener(KEY).screen(DELIVERY)
    document = screened.document
    assert document["patient"] == {
        "type": "Patient",
        "identifier": {
            "system": fhir_screen.TOKEN_SYSTEM,
            "value": token("urn:oid:1.2.36.146.595.217.0.1|12345"),
        },
    }
    text = json.dumps(document)
    for needle in ("Chalmers", "Peter", "1974", "Erewhon", "5555", "12345", "Careful"):
        assert needle not in text
    assert "contained" not in document and "text" not in document
    assert document["suppliedItem"] == DELIVERY["suppliedItem"]


def test_screening_is_stable_and_idempotent():
    screener = fhir_screen.Screener(KEY)
    once = screener.screen(DELIVERY).document
    assert screener.screen(DELIVERY).document == once
    assert screener.screen(once).document == once


def test_literal_and_identifier_references_and_mr_identifiers():
    charge = {
        "resourceType": "ChargeItem",
        "status": "billable",
        "subject": {"reference": "https://ehr.example/fhir/Patient/42/_history/3"},
        "identifier": [MR, {"system": "urn:ehr:charge", "value": "C-1"}],
        "note": [{"text": "free text"}],
    }
    document = fhir_screen.Screener(KEY).screen(charge).document
    assert document["subject"]["identifier"]["value"] == token("Patient/42")
    assert document["identifier"][0]["value"] == token(
        "urn:oid:1.2.36.146.595.217.0.1|12345"
    )
    assert document["identifier"][1] == {"system": "urn:ehr:charge", "value": "C-1"}
    assert "note" not in document


def test_bundled_patient_is_removed_and_referenced_by_token():
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {"fullUrl": "urn:uuid:p", "resource": copy.deepcopy(PATIENT)},
            {
                "resource": {
                    "resourceType": "SupplyRequest",
                    "deliverTo": {"reference": "urn:uuid:p"},
                }
            },
        ],
    }
    document = fhir_screen.Screener(KEY).screen(bundle).document
    assert len(document["entry"]) == 1
    target = document["entry"][0]["resource"]["deliverTo"]
    assert target["identifier"]["value"] == token(
        "urn:oid:1.2.36.146.595.217.0.1|12345"
    )


def test_refuse_mode_and_missing_key_name_paths_not_values():
    with pytest.raises(fhir_screen.ScreeningRefused) as refused:
        fhir_screen.Screener(KEY, mode="refuse").screen(DELIVERY)
    assert "SupplyDelivery.contained[0].name" in str(refused.value)
    assert "Chalmers" not in str(refused.value)
    with pytest.raises(fhir_screen.ScreeningRefused, match="no patient token key"):
        fhir_screen.Screener(None).screen(DELIVERY)
    plain = {"resourceType": "SupplyRequest", "status": "active"}
    assert fhir_screen.Screener(None).screen(plain).document == plain


def test_modifier_extensions_are_refused_and_short_keys_rejected():
    with pytest.raises(fhir_screen.ScreeningRefused, match="Modifier"):
        fhir_screen.Screener(KEY).screen(
            {"resourceType": "SupplyRequest", "modifierExtension": [{"url": "x"}]}
        )
    with pytest.raises(ValueError, match="at least"):
        fhir_screen.Screener(b"short")


def test_validation_names_elements_and_value_sets():
    resource = {"resourceType": "SupplyRequest", "status": "whenever"}
    issues = fhir_validate.check(resource, ("SupplyRequest",))
    assert [(i.code, i.expression) for i in issues] == [
        ("required", ["SupplyRequest.quantity"]),
        ("code-invalid", ["SupplyRequest.status"]),
    ]
    wrong = fhir_validate.check({"resourceType": "Patient"}, ("SupplyRequest",))
    assert wrong[0].code == "not-supported"
    outcome = fhir_validate.operation_outcome(issues)
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["expression"] == ["SupplyRequest.quantity"]


def test_valid_supply_request_and_bundle_pass():
    resource = {
        "resourceType": "SupplyRequest",
        "status": "active",
        "priority": "stat",
        "itemCodeableConcept": {"coding": [{"code": "KIT"}]},
        "quantity": {"value": 2},
        "occurrenceDateTime": "2030-01-01T08:00:00Z",
    }
    assert fhir_validate.check(resource, ("SupplyRequest",)) == []
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [{"resource": resource, "request": {"method": "POST", "url": "x"}}],
    }
    assert fhir_validate.check(bundle, ("SupplyRequest",)) == []
    bundle["entry"][0]["request"]["method"] = "DELETE"
    assert fhir_validate.check(bundle, ("SupplyRequest",))[0].code == "not-supported"


def test_item_codes_from_codings_and_contained_references():
    resource = {
        "contained": [
            {
                "resourceType": "Device",
                "id": "d1",
                "udiCarrier": [{"deviceIdentifier": "05012345678900"}],
            }
        ],
        "itemReference": {"reference": "#d1"},
    }
    assert fhir_map.item_codes(resource) == [
        ("https://www.gs1.org/gtin", "05012345678900")
    ]
    literal = {"itemReference": {"reference": "Medication/med-7"}}
    assert fhir_map.item_codes(literal) == [("", "med-7"), ("", "Medication/med-7")]


def test_versions_and_dates():
    assert fhir_map.version_key({"meta": {"versionId": "3"}}) == "v:3"
    assert fhir_map.is_older("v:2", "v:10")
    assert not fhir_map.is_older("v:10", "v:2")
    assert fhir_map.version_key({"a": 1}) == fhir_map.version_key({"a": 1})
    assert str(fhir_map.naive_utc("2030-01-01T10:00:00+02:00")) == "2030-01-01 08:00:00"
    assert fhir_map.is_urgent("asap") and not fhir_map.is_urgent("routine")


# ---------------------------------------------------------------- RESTful API


@pytest.mark.parametrize(
    ("accept", "fmt", "expected"),
    [
        (None, None, "application/fhir+json"),
        ("application/fhir+json", None, "application/fhir+json"),
        ("application/json", None, "application/fhir+json"),
        ("*/*", None, "application/fhir+json"),
        ("application/fhir+xml", None, None),
        ("application/xml;q=0.9, text/html", None, None),
        ("application/fhir+xml", "json", "application/fhir+json"),
        (None, "xml", None),
    ],
)
def test_content_negotiation(accept, fmt, expected):
    assert fhir_http.negotiate(accept, fmt) == expected


def test_prefer_and_etags():
    assert fhir_http.parse_prefer("return=OperationOutcome") == {
        "return": "OperationOutcome"
    }
    assert fhir_http.parse_prefer("respond-async, handling=strict") == {
        "respond-async": True,
        "handling": "strict",
    }
    assert fhir_http.parse_prefer("return=everything") == {}
    assert fhir_http.version_of_etag('W/"12"') == "12"
    assert fhir_http.version_of_etag("garbage") is None


def test_search_parameters():
    params = [
        ("identifier", "urn:sys|SR-1,|SR-2"),
        ("status", "active"),
        ("_lastUpdated", "ge2026-01-01"),
        ("_count", "500"),
        ("unknown", "x"),
    ]
    search = fhir_http.parse_search(
        "SupplyRequest", params, ("identifier", "status", "_lastUpdated")
    )
    assert search.identifiers == [("urn:sys", "SR-1"), ("", "SR-2")]
    assert search.statuses == ["active"]
    assert search.updated[0][0] == "ge"
    assert search.count == fhir_http.MAX_COUNT
    assert ("unknown", "x") not in search.used
    with pytest.raises(fhir_http.FhirHttpError) as strict:
        fhir_http.parse_search("SupplyRequest", [*params, ("_strict", "1")], ())
    assert strict.value.code == "not-supported"
    with pytest.raises(fhir_http.FhirHttpError):
        fhir_http.parse_search("SupplyRequest", [("_id", "bad id!")], ("_id",))


def test_dates_with_zones_become_utc_ranges():
    op, start, end = fhir_http.parse_date("lt2026-12-07T10:00:00+02:00")
    assert (op, start.hour, (end - start).seconds) == ("lt", 8, 1)
    assert fhir_http.parse_date("2026-12")[1].day == 1


def _next_version(_type, _id):
    return 4


def test_create_gets_a_server_id_and_a_version():
    rest = fhir_stamp.Interaction("create", "SupplyRequest")
    out = fhir_stamp.stamp(
        {"resourceType": "SupplyRequest", "id": "client-id", "meta": {"tag": []}},
        rest,
        "2026-12-07T10:00:00Z",
        _next_version,
        lambda: "server-id",
    )
    assert out["id"] == "server-id"
    assert out["meta"] == {
        "tag": [],
        "versionId": "4",
        "lastUpdated": "2026-12-07T10:00:00Z",
    }


@pytest.mark.parametrize("body_id", [None, "other"])
def test_update_needs_the_url_id_in_the_body(body_id):
    rest = fhir_stamp.Interaction("update", "SupplyRequest", "sr-1")
    body = {"resourceType": "SupplyRequest", "id": body_id}
    with pytest.raises(fhir_http.FhirHttpError) as caught:
        fhir_stamp.stamp(body, rest, "now", _next_version, lambda: "x")
    assert caught.value.status == 400
    assert caught.value.expression == "SupplyRequest.id"


def test_conditional_create_answers_the_single_match():
    rest = fhir_stamp.Interaction("create", "SupplyRequest", None, "identifier=s|1")
    stored = {"resourceType": "SupplyRequest", "id": "old"}
    body = {"resourceType": "SupplyRequest"}
    out = fhir_stamp.stamp(
        body, rest, "now", _next_version, lambda: "x", lambda t, q: [stored]
    )
    assert out is stored
    with pytest.raises(fhir_http.FhirHttpError) as caught:
        fhir_stamp.stamp(
            body, rest, "now", _next_version, lambda: "x", lambda t, q: [1, 2]
        )
    assert caught.value.status == 412


def test_transaction_entries_are_stamped_and_references_rewritten():
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": "urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a",
                "resource": {"resourceType": "SupplyRequest"},
                "request": {"method": "POST", "url": "SupplyRequest"},
            },
            {
                "resource": {
                    "resourceType": "SupplyDelivery",
                    "id": "d1",
                    "basedOn": [
                        {"reference": "urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a"}
                    ],
                },
                "request": {"method": "PUT", "url": "SupplyDelivery/d1"},
            },
        ],
    }
    out = fhir_stamp.stamp(
        bundle, fhir_stamp.Interaction("bundle"), "now", _next_version, lambda: "n1"
    )
    assert out["entry"][0]["resource"]["id"] == "n1"
    assert out["entry"][1]["resource"]["basedOn"][0]["reference"] == (
        "SupplyRequest/n1"
    )
    bundle["entry"][1]["request"]["url"] = "SupplyDelivery/d2"
    with pytest.raises(fhir_http.FhirHttpError) as caught:
        fhir_stamp.stamp(
            bundle, fhir_stamp.Interaction("bundle"), "now", _next_version, str
        )
    assert caught.value.expression == "Bundle.entry[1].request.url"


@pytest.mark.parametrize("kind", ["collection", "document", "message"])
def test_only_transaction_and_batch_bundles_at_the_base(kind):
    bundle = {"resourceType": "Bundle", "type": kind, "entry": []}
    with pytest.raises(fhir_http.FhirHttpError) as caught:
        fhir_stamp.stamp(
            bundle, fhir_stamp.Interaction("bundle"), "n", _next_version, str
        )
    assert caught.value.code == "not-supported"


def test_capability_statement_and_searchset_validate():
    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.capabilitystatement import CapabilityStatement

    statement = fhir_answers.capability_statement(
        "https://erp.example/hc/fhir/ehr",
        {"SupplyRequest": fhir_answers.RESOURCE_CAPABILITIES["SupplyRequest"]},
        {"smart": True, "token": "https://idp.example/token", "description": "x"},
        "Odoo",
        "18.0",
        "2026-12-07",
    )
    CapabilityStatement.model_validate(statement)
    assert statement["rest"][0]["security"]["extension"][0]["extension"][0] == {
        "url": "token",
        "valueUri": "https://idp.example/token",
    }
    search = fhir_http.parse_search("SupplyRequest", [("_count", "1")], ())
    bundle = fhir_answers.searchset(
        "https://erp.example/hc/fhir/ehr",
        "SupplyRequest",
        [
            {
                "resourceType": "SupplyRequest",
                "id": "a",
                "itemCodeableConcept": {"coding": [{"code": "KIT"}]},
                "quantity": {"value": 2},
            }
        ],
        3,
        search,
    )
    Bundle.model_validate(bundle)
    assert [link["relation"] for link in bundle["link"]] == ["self", "next"]
    assert bundle["link"][1]["url"].endswith("SupplyRequest?_count=1&_offset=1")
    response = fhir_answers.response_bundle(
        "transaction",
        [
            (
                fhir_answers.entry_response(201, location="SupplyRequest/a/_history/1"),
                None,
            )
        ],
    )
    Bundle.model_validate(response)


def test_display_only_references_lose_the_name_and_context_is_dropped():
    screener = fhir_screen.Screener(KEY)
    out = screener.screen(
        {
            "resourceType": "ChargeItem",
            "status": "billable",
            "subject": {"display": "Peter Chalmers"},
            "context": {"reference": "Encounter/e1"},
            "account": [{"reference": "Account/a1"}],
            "enterer": {"display": "Peter Chalmers"},
            "performingOrganization": {
                "reference": "Organization/o1",
                "display": "Ortho",
            },
            "overrideReason": "Peter asked",
        }
    ).document
    text = json.dumps(out)
    assert "Chalmers" not in text and "Peter" not in text
    assert "context" not in out and "account" not in out and "enterer" not in out
    assert out["performingOrganization"]["display"] == "Ortho"
    assert out["subject"]["type"] == "Patient"


def test_issue_paths_name_entries_as_received():
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {"resource": {"resourceType": "Patient", "id": "p"}},
            {"resource": {"resourceType": "SupplyRequest", "status": "nope"}},
        ],
    }
    screened = fhir_screen.Screener(KEY).screen(bundle)
    issues = fhir_validate.check(screened.document, ("SupplyRequest",))
    paths = {screened.received_path(e) for i in issues for e in i.expression}
    assert "Bundle.entry[1].resource.status" in paths
