import json

import pytest
from lib import schema
from lib.schema import PayloadValidationError

ORDER_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["id", "items"],
    "properties": {
        "id": {"type": "string"},
        "date": {"type": "string", "format": "date"},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["qty"],
                "properties": {"qty": {"type": "integer", "minimum": 1}},
            },
        },
        "meta data": {"type": "object"},
    },
}

XSD = b"""<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="order">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="qty" type="xs:positiveInteger" maxOccurs="unbounded"/>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
</xs:schema>"""


def _load_error(payload):
    with pytest.raises(PayloadValidationError) as info:
        schema.load_json(payload)
    assert len(info.value.errors) == 1
    return info.value.errors[0]


def test_load_json_accepts_bytes_and_str():
    assert schema.load_json(b'{"a": [1]}') == {"a": [1]}
    assert schema.load_json('{"a": "é"}') == {"a": "é"}
    assert schema.load_json('{"a": "é"}'.encode("utf-16")) == {"a": "é"}


def test_invalid_json_reports_line_and_column():
    error = _load_error(b'{\n  "a": 1,\n  "b": }')
    assert error.startswith("Invalid JSON: ")
    assert "line 3, column 8" in error


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        (b"", "line 1, column 1"),
        (b"\xff\xfe\xfa", "Invalid JSON"),
        (b"\xc3\x28", "UTF-8"),
        (b'{"a": NaN}', "NaN"),
        (b"[" * 100_000 + b"]" * 100_000, "Invalid JSON"),
    ],
)
def test_other_invalid_json(payload, fragment):
    assert fragment in _load_error(payload)


def test_valid_document_has_no_errors():
    document = {"id": "A1", "date": "2024-02-29", "items": [{"qty": 1}]}
    assert schema.validate_json(ORDER_SCHEMA, document) == []


def test_all_errors_sorted_by_path():
    items = [{"qty": 1}] * 12
    items[2] = {"qty": 0}
    items[10] = {"qty": "x"}
    items[11] = {}
    document = {"date": "2024-02-30", "items": items, "meta data": 1}
    assert schema.validate_json(ORDER_SCHEMA, document) == [
        "$: 'id' is a required property",
        "$.date: '2024-02-30' is not a 'date'",
        "$.items[2].qty: 0 is less than the minimum of 1",
        "$.items[10].qty: 'x' is not of type 'integer'",
        "$.items[11]: 'qty' is a required property",
        "$[\"meta data\"]: 1 is not of type 'object'",
    ]


def test_schema_may_be_given_as_text():
    errors = schema.validate_json(json.dumps(ORDER_SCHEMA), {"id": 1, "items": []})
    assert errors == ["$.id: 1 is not of type 'string'"]


def test_validator_follows_declared_draft():
    draft4 = {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "type": "number",
        "maximum": 10,
        "exclusiveMaximum": True,
    }
    assert schema.validate_json(draft4, 9) == []
    assert len(schema.validate_json(draft4, 10)) == 1
    # The same keywords are an invalid schema under the newest draft.
    del draft4["$schema"]
    assert schema.validate_json(draft4, 9)[0].startswith("Invalid schema:")


@pytest.mark.parametrize(
    "bad_schema", [{"type": "nonsense"}, "{not json", "[1, 2]", {"minimum": "1"}]
)
def test_invalid_schema_is_one_error(bad_schema):
    errors = schema.validate_json(bad_schema, {})
    assert len(errors) == 1
    assert errors[0].startswith("Invalid schema:")


def test_unresolvable_reference_is_a_schema_error():
    errors = schema.validate_json({"$ref": "https://example.invalid/s.json"}, {})
    assert len(errors) == 1
    assert "unresolvable reference" in errors[0]


def test_valid_xml():
    assert schema.validate_xml(XSD, b"<order><qty>2</qty></order>") == []
    assert schema.validate_xml(XSD.decode(), "<order><qty>2</qty></order>") == []


def test_xml_schema_errors_have_line_numbers():
    errors = schema.validate_xml(XSD, b"<order>\n<qty>2</qty>\n<qty>0</qty>\n</order>")
    assert len(errors) == 1
    assert errors[0].startswith("line 3: ")
    assert "qty" in errors[0]


def test_xml_syntax_error():
    errors = schema.validate_xml(XSD, b"<order><qty>2</order>")
    assert len(errors) == 1
    assert errors[0].startswith("XML syntax error:")


def test_invalid_xsd():
    errors = schema.validate_xml(b"<xs:schema xmlns:xs='nope'/>", b"<order/>")
    assert len(errors) == 1
    assert errors[0].startswith("Invalid XSD:")
    assert schema.validate_xml(b"<unclosed>", b"<order/>")[0].startswith("Invalid XSD:")


def test_external_entities_are_not_resolved(tmp_path):
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text("TOP-SECRET")
    document = (
        f'<!DOCTYPE order [<!ENTITY x SYSTEM "{secret_file.as_uri()}">]>'
        "<order><qty>&x;</qty></order>"
    ).encode()
    tree = schema.parse_xml(document)
    assert b"TOP-SECRET" not in schema.etree.tostring(tree)


@pytest.mark.parametrize("fmt", ["json", "fhir_json"])
def test_validate_payload_json(fmt):
    schema_text = json.dumps(ORDER_SCHEMA)
    good = b'{"id": "1", "items": []}'
    assert schema.validate_payload(fmt, schema_text, good) == []
    assert schema.validate_payload(fmt, schema_text, b'{"items": []}') == [
        "$: 'id' is a required property"
    ]
    assert schema.validate_payload(fmt, None, b'{"free": "form"}') == []
    errors = schema.validate_payload(fmt, None, b"{oops")
    assert errors[0].startswith("Invalid JSON:")


def test_validate_payload_xml():
    assert (
        schema.validate_payload("xml", XSD.decode(), b"<order><qty>1</qty></order>")
        == []
    )
    assert schema.validate_payload("xml", XSD.decode(), b"<order/>")
    assert schema.validate_payload("xml", None, b"<anything/>") == []
    assert schema.validate_payload("xml", None, b"<broken>")[0].startswith(
        "XML syntax error:"
    )


@pytest.mark.parametrize("fmt", ["x12", "csv"])
def test_validate_payload_unchecked_formats(fmt):
    assert schema.validate_payload(fmt, "{}", b"ISA*00~ \x00 not json") == []


def test_validate_payload_unknown_format():
    with pytest.raises(ValueError, match="hl7v2"):
        schema.validate_payload("hl7v2", None, b"MSH|")


def test_schema_errors_checks_the_schema_itself():
    assert schema.schema_errors("none", "") == []
    assert schema.schema_errors("json", json.dumps(ORDER_SCHEMA)) == []
    assert schema.schema_errors("json", '{"type": 5}')[0].startswith("Invalid schema:")
    assert schema.schema_errors("json", "")[0].startswith("Invalid schema:")
    assert schema.schema_errors("xsd", XSD.decode()) == []
    assert schema.schema_errors("xsd", "<nope/>")[0].startswith("Invalid XSD:")
    with pytest.raises(ValueError, match="rng"):
        schema.schema_errors("rng", "")
