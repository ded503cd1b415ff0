"""Database-free tests of the EHR addon's FHIR screening, validation and mapping."""

import copy
import hashlib
import hmac
import importlib
import importlib.util
import json
import sys
from pathlib import Path

import pytest

LIB = Path(__file__).resolve().parents[2] / "addons/healthcare_integration_ehr/lib"


def _load_package():
    spec = importlib.util.spec_from_file_location(
        "hc_ehr_lib", LIB / "__init__.py", submodule_search_locations=[str(LIB)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["hc_ehr_lib"] = module
    spec.loader.exec_module(module)


_load_package()
fhir_screen = importlib.import_module("hc_ehr_lib.fhir_screen")
fhir_validate = importlib.import_module("hc_ehr_lib.fhir_validate")
fhir_map = importlib.import_module("hc_ehr_lib.fhir_map")

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
