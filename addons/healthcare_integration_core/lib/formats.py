"""Payload formats: the one table of what the runtime knows about each format.

Each format names its content type (sent on outbound calls), the content types
accepted on inbound routes, and its family, which decides how payloads are
validated, redacted and decoded::

    >>> from lib import formats
    >>> formats.get("fhir_json").content_type
    'application/fhir+json'
    >>> formats.accepts("json", "application/json; charset=utf-8")
    True
"""

from __future__ import annotations

from dataclasses import dataclass

FAMILY_JSON = "json"
FAMILY_XML = "xml"
FAMILY_TEXT = "text"


@dataclass(frozen=True)
class PayloadFormat:
    code: str
    label: str
    content_type: str
    accepted_types: frozenset[str]
    family: str
    file_extension: str


FORMATS: dict[str, PayloadFormat] = {
    fmt.code: fmt
    for fmt in (
        PayloadFormat(
            "json",
            "JSON",
            "application/json",
            frozenset({"application/json"}),
            FAMILY_JSON,
            "json",
        ),
        PayloadFormat(
            "fhir_json",
            "FHIR JSON",
            "application/fhir+json",
            frozenset({"application/fhir+json", "application/json"}),
            FAMILY_JSON,
            "json",
        ),
        PayloadFormat(
            "xml",
            "XML",
            "application/xml",
            frozenset({"application/xml", "text/xml"}),
            FAMILY_XML,
            "xml",
        ),
        PayloadFormat(
            "x12",
            "X12 EDI",
            "application/edi-x12",
            frozenset({"application/edi-x12", "application/edi", "text/plain"}),
            FAMILY_TEXT,
            "x12",
        ),
        PayloadFormat(
            "csv",
            "CSV",
            "text/csv",
            frozenset({"text/csv", "text/plain"}),
            FAMILY_TEXT,
            "csv",
        ),
    )
}


def get(code: str) -> PayloadFormat:
    try:
        return FORMATS[code]
    except KeyError:
        raise ValueError(f"Unsupported payload format: {code!r}") from None


def selection() -> list[tuple[str, str]]:
    """(code, label) pairs for an Odoo selection field."""
    return [(fmt.code, fmt.label) for fmt in FORMATS.values()]


def codes_of_family(family: str) -> tuple[str, ...]:
    return tuple(code for code, fmt in FORMATS.items() if fmt.family == family)


def mimetype(content_type: str | None) -> str:
    """The bare, lower-cased media type of a Content-Type header value."""
    return (content_type or "").split(";")[0].strip().lower()


def accepts(code: str, content_type: str | None) -> bool:
    return mimetype(content_type) in get(code).accepted_types
