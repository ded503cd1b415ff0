import copy
import json

import pytest
from lib import redact
from lib.redact import REDACTED

BUNDLE = {
    "resourceType": "Bundle",
    "entry": [
        {
            "resource": {
                "resourceType": "Patient",
                "id": "p1",
                "name": [{"family": "Müller", "given": ["Anna"]}],
                "birthDate": "1980-01-01",
            }
        },
        {"resource": {"resourceType": "Observation", "id": "o1", "status": "final"}},
    ],
}

FHIR_XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<Patient xmlns="http://hl7.org/fhir">
  <id value="p1"/>
  <name><family value="Smith"/><given value="Anna"/></name>
  <note>free text</note>
  <birthDate value="1980-01-01"/>
</Patient>"""
NS = {"f": "http://hl7.org/fhir"}


def test_mask_json_paths_on_a_copy():
    original = copy.deepcopy(BUNDLE)
    result = redact.redact_json(
        BUNDLE, ["$.entry[*].resource.name", "$..birthDate", "$.nothing.here"]
    )
    patient = result["entry"][0]["resource"]
    assert patient["name"] == REDACTED
    assert patient["birthDate"] == REDACTED
    assert patient["id"] == "p1"
    assert "nothing" not in result
    assert BUNDLE == original


def test_drop_json_paths():
    result = redact.redact_json(BUNDLE, ["$..given", "$..birthDate"], mode="drop")
    patient = result["entry"][0]["resource"]
    assert patient["name"] == [{"family": "Müller"}]
    assert "birthDate" not in patient


def test_filter_expressions():
    path = "$.entry[?(@.resource.resourceType=='Patient')].resource.id"
    result = redact.redact_json(BUNDLE, [path])
    assert result["entry"][0]["resource"]["id"] == REDACTED
    assert result["entry"][1]["resource"]["id"] == "o1"


def test_drop_list_items():
    result = redact.redact_json({"a": [1, 2, 3]}, ["$.a[*]"], mode="drop")
    assert result == {"a": []}


def test_root_path():
    assert redact.redact_json({"a": 1}, ["$"]) == REDACTED
    assert redact.redact_json({"a": 1}, ["$"], mode="drop") is None


@pytest.mark.parametrize("path", ["$.[", "$.a#", "", "$..name..["])
def test_invalid_json_path(path):
    with pytest.raises(ValueError) as info:
        redact.redact_json(BUNDLE, [path])
    assert repr(path) in str(info.value)


def test_unknown_mode():
    with pytest.raises(ValueError, match="mode"):
        redact.redact_json(BUNDLE, ["$.a"], mode="hash")


def test_mask_xml_element_and_attribute():
    result = redact.redact_xml(
        FHIR_XML, ["//f:note", "//f:birthDate/@value"], namespaces=NS
    )
    assert result.startswith(b"<?xml")
    assert b"<note>***REDACTED***</note>" in result
    assert b'<birthDate value="***REDACTED***"/>' in result
    assert b"free text" not in result
    assert b"1980" not in result
    assert b'<id value="p1"/>' in result


def test_mask_xml_element_hides_children_and_attributes():
    result = redact.redact_xml(FHIR_XML, ["//f:name", "//f:id"], namespaces=NS)
    assert b"Smith" not in result
    assert b"Anna" not in result
    assert b"<name>***REDACTED***</name>" in result
    assert b'<id value="***REDACTED***">***REDACTED***</id>' in result


def test_drop_xml_element_and_attribute():
    result = redact.redact_xml(
        FHIR_XML, ["//f:name", "//f:birthDate/@value"], mode="drop", namespaces=NS
    )
    assert b"<name" not in result
    assert b"Smith" not in result
    assert b"<birthDate/>" in result
    assert b"<note>free text</note>" in result


def test_xml_text_nodes_and_local_name_paths():
    xml = b"<r><a>keep<b>x</b>secret tail</a></r>"
    masked = redact.redact_xml(xml, ["//*[local-name()='b']/following-sibling::text()"])
    assert masked == b"<r><a>keep<b>x</b>***REDACTED***</a></r>"
    dropped = redact.redact_xml(xml, ["//a/text()"], mode="drop")
    assert dropped == b"<r><a><b>x</b></a></r>"


def test_drop_keeps_following_text():
    xml = b"<r>a<x>1</x>b<y>2</y>c</r>"
    assert redact.redact_xml(xml, ["//y"], mode="drop") == b"<r>a<x>1</x>bc</r>"
    assert redact.redact_xml(xml, ["//x"], mode="drop") == b"<r>ab<y>2</y>c</r>"


def test_drop_root_leaves_empty_shell():
    assert redact.redact_xml(b"<r a='1'>t<x/></r>", ["/r"], mode="drop") == b"<r/>"


def test_xml_without_declaration_stays_without():
    assert redact.redact_xml(b"<r><x>1</x></r>", ["//x"]) == (
        b"<r><x>***REDACTED***</x></r>"
    )


@pytest.mark.parametrize("xpath", ["//[", "//f:name"])
def test_invalid_xpath(xpath):
    with pytest.raises(ValueError) as info:
        redact.redact_xml(FHIR_XML, [xpath])
    assert repr(xpath) in str(info.value)


def test_scalar_xpath_is_rejected():
    with pytest.raises(ValueError, match="count"):
        redact.redact_xml(FHIR_XML, ["count(//*)"])


@pytest.mark.parametrize("fmt", ["json", "fhir_json"])
def test_redact_payload_json(fmt):
    payload = json.dumps(BUNDLE).encode()
    result = redact.redact_payload(
        fmt, payload, [("$..birthDate", "drop"), ("$..family", "mask")]
    )
    assert isinstance(result, bytes)
    assert "Müller".encode() not in result
    document = json.loads(result)
    patient = document["entry"][0]["resource"]
    assert patient["name"][0]["family"] == REDACTED
    assert "birthDate" not in patient
    assert (
        "ü"
        in redact.redact_payload(
            fmt, '{"a": "ü", "b": 1}'.encode(), [("$.b", "drop")]
        ).decode()
    )


def test_redact_payload_xml():
    result = redact.redact_payload(
        "xml",
        FHIR_XML,
        [
            ("//*[local-name()='family']/@value", "mask"),
            ("//*[local-name()='note']", "drop"),
        ],
    )
    assert b"Smith" not in result
    assert b"note" not in result


def test_redact_payload_xml_with_namespaces():
    result = redact.redact_payload(
        "xml", FHIR_XML, [("//f:given", "drop")], namespaces=NS
    )
    assert b"Anna" not in result


@pytest.mark.parametrize(
    ("fmt", "payload"), [("json", b"{not json"), ("xml", b"<not-closed>")]
)
def test_unparseable_payload_is_returned_unchanged(fmt, payload):
    assert redact.redact_payload(fmt, payload, [("$.a", "mask")]) is payload


def test_no_rules_returns_payload_unchanged():
    payload = b'{"a":   1}'
    assert redact.redact_payload("json", payload, []) is payload
    assert redact.redact_payload("x12", b"ISA*", []) == b"ISA*"


def test_rules_for_unsupported_format_are_refused():
    with pytest.raises(ValueError, match="x12"):
        redact.redact_payload("x12", b"ISA*", [("$.a", "mask")])


def test_external_entities_are_not_expanded(tmp_path):
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text("TOP-SECRET")
    payload = (
        f'<!DOCTYPE r [<!ENTITY x SYSTEM "{secret_file.as_uri()}">]>'
        "<r><a>&x;</a><b>1</b></r>"
    ).encode()
    result = redact.redact_payload("xml", payload, [("//b", "mask")])
    assert b"TOP-SECRET" not in result
    assert b"***REDACTED***" in result
