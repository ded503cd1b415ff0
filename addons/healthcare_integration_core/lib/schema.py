"""Validation of JSON payloads (JSON Schema) and XML payloads (XSD)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from jsonschema import exceptions as jsonschema_exceptions
from jsonschema.validators import validator_for
from lxml import etree

from . import formats

try:
    from referencing.exceptions import Unresolvable as UnresolvableReference
except ImportError:  # jsonschema < 4.18 resolves $ref without "referencing"
    from jsonschema.exceptions import RefResolutionError as UnresolvableReference

JSON_FORMATS = formats.codes_of_family(formats.FAMILY_JSON)
XML_FORMATS = formats.codes_of_family(formats.FAMILY_XML)
UNCHECKED_FORMATS = formats.codes_of_family(formats.FAMILY_TEXT)
SUPPORTED_FORMATS = tuple(formats.FORMATS)


class PayloadValidationError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


def _invalid_json(detail: str) -> PayloadValidationError:
    return PayloadValidationError([f"Invalid JSON: {detail}"])


def load_json(payload: bytes | str) -> object:
    try:
        return json.loads(payload, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        detail = f"{exc.msg} at line {exc.lineno}, column {exc.colno}"
        raise _invalid_json(detail) from None
    except UnicodeDecodeError as exc:
        raise _invalid_json(f"not valid UTF-8 text at byte {exc.start}") from None
    except ValueError as exc:
        raise _invalid_json(str(exc)) from None
    except RecursionError:
        raise _invalid_json("nesting is too deep") from None


def hardened_xml_parser() -> etree.XMLParser:
    """Parser refusing entity expansion, network access and huge documents."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
    )


def parse_xml(document: bytes | str) -> etree._ElementTree:
    if isinstance(document, str):
        # lxml rejects str input that carries an encoding declaration.
        document = document.encode("utf-8")
    # the hardened parser resolves no entities and reaches no network
    root = etree.fromstring(document, parser=hardened_xml_parser())  # noqa: S320
    return root.getroottree()


def json_path(path: Iterable[str | int]) -> str:
    """Render a jsonschema error path as ``$.items[0].qty``."""
    parts = ["$"]
    for element in path:
        if isinstance(element, int):
            parts.append(f"[{element}]")
        elif element.isidentifier():
            parts.append(f".{element}")
        else:
            parts.append(f"[{json.dumps(element, ensure_ascii=False)}]")
    return "".join(parts)


def _path_sort_key(path: Iterable[str | int]) -> tuple:
    # Numeric indexes sort numerically and before keys, whatever their type mix.
    return tuple((0, el, "") if isinstance(el, int) else (1, 0, el) for el in path)


def _schema_errors(schema: object) -> tuple[dict | bool | None, list[str]]:
    """Parse and check a JSON schema; return (schema, errors)."""
    if isinstance(schema, str):
        try:
            schema = json.loads(schema)
        except ValueError as exc:
            return None, [f"Invalid schema: not valid JSON ({exc})"]
    if not isinstance(schema, (dict, bool)):
        return None, ["Invalid schema: must be a JSON object or boolean"]
    try:
        validator_for(schema).check_schema(schema)
    except jsonschema_exceptions.SchemaError as exc:
        return None, [f"Invalid schema: {exc.message}"]
    return schema, []


def validate_json(schema: dict | bool | str, document: object) -> list[str]:
    """All schema violations of ``document`` as "path: message", sorted by path."""
    checked, errors = _schema_errors(schema)
    if errors:
        return errors
    cls = validator_for(checked)
    validator = cls(checked, format_checker=cls.FORMAT_CHECKER)
    try:
        found = list(validator.iter_errors(document))
    except UnresolvableReference as exc:
        return [f"Invalid schema: unresolvable reference ({exc})"]
    found.sort(key=lambda err: (_path_sort_key(err.absolute_path), err.message))
    return [f"{json_path(err.absolute_path)}: {err.message}" for err in found]


def schema_errors(schema_type: str, schema_text: str) -> list[str]:
    """Errors of a schema itself: ``schema_type`` is "json", "xsd" or "none"."""
    if schema_type == "none":
        return []
    if schema_type == "json":
        return _schema_errors(schema_text)[1]
    if schema_type == "xsd":
        try:
            _load_xsd(schema_text)
        except PayloadValidationError as exc:
            return exc.errors
        return []
    raise ValueError(f"Unknown schema type: {schema_type!r}")


def _load_xsd(xsd: str | bytes) -> etree.XMLSchema:
    try:
        return etree.XMLSchema(parse_xml(xsd))
    except (etree.XMLSyntaxError, etree.XMLSchemaParseError) as exc:
        raise PayloadValidationError([f"Invalid XSD: {exc}"]) from None


def validate_xml(xsd: str | bytes, document: bytes | str) -> list[str]:
    try:
        xml_schema = _load_xsd(xsd)
    except PayloadValidationError as exc:
        return exc.errors
    try:
        tree = parse_xml(document)
    except etree.XMLSyntaxError as exc:
        return [f"XML syntax error: {exc}"]
    if xml_schema.validate(tree):
        return []
    return [f"line {error.line}: {error.message}" for error in xml_schema.error_log]


def check_xml_well_formed(document: bytes | str) -> list[str]:
    try:
        parse_xml(document)
    except etree.XMLSyntaxError as exc:
        return [f"XML syntax error: {exc}"]
    return []


def validate_payload(fmt: str, schema: str | None, payload: bytes) -> list[str]:
    if fmt not in SUPPORTED_FORMATS:
        raise ValueError(f"Unsupported payload format: {fmt!r}")
    if fmt in JSON_FORMATS:
        try:
            document = load_json(payload)
        except PayloadValidationError as exc:
            return exc.errors
        return validate_json(schema, document) if schema else []
    if fmt in XML_FORMATS:
        return (
            validate_xml(schema, payload) if schema else check_xml_well_formed(payload)
        )
    return []


def decode_payload(fmt: str, payload: bytes) -> object:
    """The document a handler receives: parsed JSON, an XML tree, or the bytes."""
    family = formats.get(fmt).family
    if family == formats.FAMILY_JSON:
        return load_json(payload)
    if family == formats.FAMILY_XML:
        try:
            return parse_xml(payload)
        except etree.XMLSyntaxError as exc:
            raise PayloadValidationError([f"XML syntax error: {exc}"]) from None
    return payload
