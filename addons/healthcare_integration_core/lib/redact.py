"""Data minimization: mask or drop parts of payloads before they are stored."""

from __future__ import annotations

import copy
import json

from jsonpath_ng.exceptions import JSONPathError
from jsonpath_ng.ext import parse as parse_jsonpath
from jsonpath_ng.jsonpath import Root
from lxml import etree

from . import schema

REDACTED = "***REDACTED***"
MODE_MASK = "mask"
MODE_DROP = "drop"
MODES = (MODE_MASK, MODE_DROP)


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise ValueError(f"Unknown redaction mode {mode!r}: use 'mask' or 'drop'")


def _compile_jsonpath(path: str):
    try:
        return parse_jsonpath(path)
    except (JSONPathError, TypeError) as exc:
        raise ValueError(f"Invalid JSONPath {path!r}: {exc}") from None


def _redact_json_path(document: object, path: str, mode: str) -> object:
    expression = _compile_jsonpath(path)
    if mode == MODE_MASK:
        return expression.update(document, REDACTED)
    if isinstance(expression, Root):
        return None
    return expression.filter(lambda _value: True, document)


def redact_json(document: object, paths: list[str], mode: str = MODE_MASK) -> object:
    """Deep copy of ``document`` with values matched by ``paths`` masked or dropped."""
    _check_mode(mode)
    result = copy.deepcopy(document)
    for path in paths:
        result = _redact_json_path(result, path, mode)
    return result


def _select(tree: etree._ElementTree, xpath: str, namespaces: dict | None) -> list:
    try:
        found = tree.xpath(xpath, namespaces=namespaces or {})
    except etree.XPathError as exc:
        raise ValueError(f"Invalid XPath {xpath!r}: {exc}") from None
    # Scalar results (count(), booleans) are rejected later, node by node.
    return found if isinstance(found, list) else [found]


def _clear_element(element: etree._Element, text: str | None) -> None:
    for child in list(element):
        element.remove(child)
    element.text = text


def _mask_element(element: etree._Element) -> None:
    _clear_element(element, REDACTED)
    # Attribute values carry data too (FHIR XML keeps values in @value).
    for name in element.attrib:
        element.set(name, REDACTED)


def _drop_element(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is None:
        # The root cannot be removed; leave an empty shell instead.
        _clear_element(element, None)
        element.attrib.clear()
        return
    # Keep the text that follows the element, it belongs to the parent.
    previous = element.getprevious()
    if element.tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _redact_string_result(result: etree._ElementUnicodeResult, mode: str) -> None:
    owner = result.getparent()
    value = REDACTED if mode == MODE_MASK else None
    if result.is_attribute:
        if value is None:
            del owner.attrib[result.attrname]
        else:
            owner.set(result.attrname, value)
    elif result.is_tail:
        owner.tail = value
    else:
        owner.text = value


def _redact_node(node: object, mode: str, xpath: str) -> None:
    if isinstance(node, etree._Element):
        if mode == MODE_MASK:
            _mask_element(node)
        else:
            _drop_element(node)
    elif isinstance(node, etree._ElementUnicodeResult) and node.getparent() is not None:
        _redact_string_result(node, mode)
    else:
        raise ValueError(f"XPath {xpath!r} must select elements, attributes or text")


def _redact_tree(
    tree: etree._ElementTree, rules: list[tuple[str, str]], namespaces: dict | None
) -> None:
    for xpath, mode in rules:
        _check_mode(mode)
        # Select everything first: modifying while selecting would skip nodes.
        for node in _select(tree, xpath, namespaces):
            _redact_node(node, mode, xpath)


def _serialize_xml(tree: etree._ElementTree, original: bytes) -> bytes:
    encoding = tree.docinfo.encoding or "UTF-8"
    declared = original.lstrip().startswith(b"<?xml")
    return etree.tostring(tree, encoding=encoding, xml_declaration=declared)


def redact_xml(
    xml: bytes,
    xpaths: list[str],
    mode: str = MODE_MASK,
    namespaces: dict | None = None,
) -> bytes:
    """Mask (text and attribute values) or drop the nodes selected by ``xpaths``."""
    _check_mode(mode)
    tree = schema.parse_xml(xml)
    _redact_tree(tree, [(xpath, mode) for xpath in xpaths], namespaces)
    return _serialize_xml(tree, xml)


def _redact_json_payload(payload: bytes, rules: list[tuple[str, str]]) -> bytes:
    try:
        document = schema.load_json(payload)
    except schema.PayloadValidationError:
        return payload
    for path, mode in rules:
        _check_mode(mode)
        document = _redact_json_path(document, path, mode)
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def _redact_xml_payload(
    payload: bytes, rules: list[tuple[str, str]], namespaces: dict | None
) -> bytes:
    try:
        tree = schema.parse_xml(payload)
    except etree.XMLSyntaxError:
        return payload
    _redact_tree(tree, rules, namespaces)
    return _serialize_xml(tree, payload)


def redact_payload(
    fmt: str,
    payload: bytes,
    rules: list[tuple[str, str]],
    namespaces: dict | None = None,
) -> bytes:
    """Apply (path, mode) rules; unparseable payloads are returned unchanged."""
    if not rules:
        return payload
    if fmt in schema.JSON_FORMATS:
        return _redact_json_payload(payload, rules)
    if fmt in schema.XML_FORMATS:
        return _redact_xml_payload(payload, rules, namespaces)
    # Refuse rather than store data the caller believes is minimized.
    raise ValueError(f"Redaction rules are not supported for format {fmt!r}")
