"""What every inbound door hands to the receive service, and what it gets back.

A door (the webhook route, the FHIR routes, the broker consumer, the file
poller) translates what arrived into an ``InboundRequest`` and renders the
``Receipt`` it is given; the checks in between are the receive service's
(``hc.receive``), written once::

    >>> request = InboundRequest(door="webhook", method="OPTIONS", body=b"{}")
    >>> request.method in request.allowed_methods
    False
    >>> check_structure(b"[" * 200 + b"]" * 200, "json")
    ('too_deep', 'JSON nested deeper than 100 levels')

The structure limits bound what a sender can make the parsers do: JSON depth
is counted without recursion, before anything parses the body; XML is parsed
by the one hardened parser (no entity expansion, no DTD, no network) and a
document type declaration is refused outright.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from . import formats
from .inbound import RequestRefused
from .schema import hardened_xml_parser

ACCEPTED = "accepted"
DUPLICATE = "duplicate"
INVALID = "invalid"
REFUSED = "refused"

STATUS = {ACCEPTED: 202, DUPLICATE: 200, INVALID: 422}
MAX_DEPTH = 100

# a JSON string (escapes included) or one structural bracket
_JSON_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class Refusal(RequestRefused):
    """A request refused before it is stored: status, reason code, reason."""

    def __init__(self, status: int, reason_code: str, reason: str):
        super().__init__(status, reason)
        self.reason_code = reason_code


@dataclass
class InboundRequest:
    """A received request, whatever door it came through.

    HTTP doors give ``read_body`` (called by the service once the declared
    ``content_length`` is within the backend's limit; ``chunked`` bodies
    without a length are refused); the broker and the file poller give
    ``body``. ``authenticated_by_transport`` is set by doors
    whose transport authenticated the sender already (the broker's own
    credentials, an SFTP login); a broker backend that requires signatures
    still has them checked. ``idempotency_key``, ``correlation_id`` and
    ``traceparent`` set by a door take precedence over the headers;
    ``backend_code`` (as addressed) and ``label`` (default: the flow's code)
    are what a refusal is counted under. ``key_scope`` names what, besides
    the body, tells two requests sent without an ``Idempotency-Key`` apart
    (FHIR: the method, the URL path and the conditional-create criteria, so
    that the same bytes created, then PUT to an id, are two requests); the
    key is then ``derived_key(door, key_scope, body)``. Without it, the body
    alone is the key.
    """

    door: str
    backend_code: str | None = None
    method: str = "POST"
    allowed_methods: frozenset = frozenset({"POST"})
    headers: Mapping[str, Any] = field(default_factory=dict)
    read_body: Callable[[], bytes] | None = None
    body: bytes | None = None
    content_length: int | None = None
    chunked: bool = False
    remote_addr: str | None = None
    authenticated_by_transport: bool = False
    signature_tolerance: int | None = None
    file_name: str | None = None
    label: str | None = None
    idempotency_key: str | None = None
    correlation_id: str | None = None
    traceparent: str | None = None
    count_refusals: bool = True
    key_scope: tuple | None = None

    def header(self, name: str) -> str | None:
        """A header as text (broker tables may carry bytes), or None."""
        value = self.headers.get(name) if self.headers else None
        if isinstance(value, bytes):
            value = value.decode("utf-8", errors="replace")
        return str(value) if value is not None else None


@dataclass
class Receipt:
    """The neutral answer of the receive service; a door only renders it.

    ``outcome`` is ACCEPTED (stored and queued), DUPLICATE (the original
    message is ``message``), INVALID (stored as a failed message, ``message``
    says which) or REFUSED (not stored; ``status``, ``reason_code`` and
    ``reason`` say why).
    """

    outcome: str
    status: int
    reason_code: str | None = None
    reason: str | None = None
    message: Any = None
    body: bytes | None = None
    flow: Any = None

    @classmethod
    def refused(cls, refusal: Refusal, flow=None) -> Receipt:
        return cls(
            REFUSED, refusal.status, refusal.reason_code, refusal.reason, flow=flow
        )

    @property
    def correlation_id(self) -> str | None:
        return self.message.correlation_id if self.message else None

    def as_answer(self) -> dict:
        """The JSON answer of the generic webhook route."""
        if self.outcome == REFUSED:
            return {"error": self.reason}
        if self.outcome == INVALID:
            return {
                "error": "validation failed",
                "details": self.message.errors,
                "message_id": self.message.name,
            }
        return self.message.as_answer()


def derived_key(door: str, scope: tuple, body: bytes) -> str:
    """The idempotency key of a request sent without one, from its scope
    (see ``InboundRequest.key_scope``) and its body::

        derived_key("fhir", ("PUT", "/fhir/R4/SupplyRequest/7", None), body)
    """
    digest = hashlib.sha256()
    for part in scope:
        digest.update(f"{part or ''}\n".encode())
    digest.update(body)
    return f"{door}:{digest.hexdigest()}"


def check_structure(
    body: bytes, payload_format: str, max_depth: int = MAX_DEPTH
) -> tuple[str, str] | None:
    """None when ``body`` stays within the structure limits, else (code, reason):
    ``too_deep`` or ``bad_xml``.

    Only what a parser would choke on is checked here (depth, XML entities and
    DTDs); well-formedness and schemas are the flow's validation, which
    records a failed message.
    """
    family = formats.get(payload_format).family if payload_format else None
    if family == formats.FAMILY_JSON:
        return _json_depth_exceeded(body, max_depth)
    if family == formats.FAMILY_XML:
        return _xml_refused(body, max_depth)
    return None


def _json_depth_exceeded(body: bytes, max_depth: int) -> tuple[str, str] | None:
    if body.count(b"[") + body.count(b"{") <= max_depth:
        return None  # cannot nest deeper than the brackets it has
    depth = 0
    for match in _JSON_TOKENS.finditer(body):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > max_depth:
                return "too_deep", f"JSON nested deeper than {max_depth} levels"
        elif token in (b"]", b"}"):
            depth -= 1
    return None


def _xml_refused(body: bytes, max_depth: int) -> tuple[str, str] | None:
    try:
        root = etree.fromstring(body, parser=hardened_xml_parser())  # noqa: S320
    except etree.XMLSyntaxError as exc:
        if "depth" in str(exc).lower():  # libxml2 stops at its own limit (256)
            return "too_deep", f"XML nested deeper than {max_depth} levels"
        return None  # not well-formed: the flow's validation says where
    if root is None:
        return None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        return "bad_xml", "XML with a document type declaration (DTD) is not accepted"
    depth = 0
    for event, _element in etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        if depth > max_depth:
            return "too_deep", f"XML nested deeper than {max_depth} levels"
    return None
