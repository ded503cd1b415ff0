"""HTTP semantics of the FHIR R4 RESTful API, without a database.

Content negotiation (JSON only: XML is answered 406), the ``Prefer`` header,
weak ETags of version ids, HTTP dates, entry URLs of Bundles and the search
parameters the endpoint supports::

    >>> negotiate("application/fhir+xml", None)
    >>> negotiate("application/fhir+json, */*;q=0.1", None)
    'application/fhir+json'
    >>> parse_prefer("return=minimal, respond-async")
    {'return': 'minimal', 'respond-async': True}
    >>> etag("3"), version_of_etag('W/"3"')
    ('W/"3"', '3')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from urllib.parse import parse_qsl as _parse_qsl

FHIR_JSON = "application/fhir+json"
# what a client may ask for and get JSON (R4 3.1.0.1.10: json, the mime types)
JSON_TYPES = frozenset(
    {FHIR_JSON, "application/json", "application/json+fhir", "json", "text/json"}
)
ANY_TYPES = frozenset({"*/*", "application/*"})
RETURN_PREFERENCES = ("minimal", "representation", "OperationOutcome")
ID_PATTERN = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
MAX_COUNT = 100
DEFAULT_COUNT = 20
# prefixes of date search values (R4 3.1.1.5.6)
DATE_PREFIXES = ("eq", "ne", "gt", "lt", "ge", "le", "sa", "eb")


class FhirHttpError(ValueError):
    """A request the endpoint answers with ``status`` and an issue ``code``."""

    def __init__(self, status, code, diagnostics, expression=None):
        super().__init__(diagnostics)
        self.status = status
        self.code = code
        self.diagnostics = diagnostics
        self.expression = expression


def _media_types(header):
    for part in (header or "").split(","):
        media, _sep, params = part.partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _eq, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        media = media.strip().lower()
        if media:
            yield media, quality


def negotiate(accept, format_param):
    """The content type of the answer, or None when only XML (or else) is wanted.

    ``_format`` overrides ``Accept`` (R4 3.1.0.1.10); no preference means JSON.
    """
    if format_param:
        wanted = format_param.strip().lower()
        return FHIR_JSON if wanted in JSON_TYPES else None
    types = [(media, q) for media, q in _media_types(accept) if q > 0]
    if not types:
        return FHIR_JSON
    for media, _quality in types:
        if media in JSON_TYPES or media in ANY_TYPES:
            return FHIR_JSON
    return None


def parse_prefer(header):
    """The preferences of a ``Prefer`` header (RFC 7240) the endpoint honours."""
    found = {}
    for part in (header or "").split(","):
        name, _eq, value = part.strip().partition("=")
        name = name.strip().lower()
        if name == "return" and value.strip().strip('"') in RETURN_PREFERENCES:
            found["return"] = value.strip().strip('"')
        elif name == "respond-async":
            found["respond-async"] = True
        elif name == "handling" and value.strip() in ("strict", "lenient"):
            found["handling"] = value.strip()
    return found


def put_request(resource):
    """The outbound call of a resource Odoo owns: ``PUT /<type>/<id>``, FHIR JSON.

    What a handler's ``prepare_request`` returns for it (an update, or a
    create with a client-assigned id: idempotent, retried safely).
    """
    return {
        "method": "PUT",
        "path": f"/{resource['resourceType']}/{resource['id']}",
        "headers": {"Accept": FHIR_JSON},
    }


def etag(version):
    return f'W/"{version}"'


def version_of_etag(value):
    """The version id of a (weak) ETag / If-Match value, or None."""
    match = re.fullmatch(r'\s*(?:W/)?"([^"]+)"\s*', value or "")
    return match.group(1) if match else None


def http_date(moment):
    """An RFC 7231 date of a naive UTC datetime (``Last-Modified``)."""
    return format_datetime(moment.replace(tzinfo=UTC), usegmt=True)


def instant(moment):
    """A FHIR instant of a naive UTC datetime (``meta.lastUpdated``)."""
    return moment.replace(microsecond=0).isoformat() + "Z"


def check_id(value, where="id"):
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        raise FhirHttpError(
            400, "value", f"{where} is not a valid FHIR id ([A-Za-z0-9-.]{{1,64}})"
        )
    return value


def entry_target(url):
    """(resource type, id or None, query) of a Bundle entry's ``request.url``."""
    path, _q, query = (url or "").partition("?")
    parts = [p for p in path.split("/") if p]
    if len(parts) >= 2 and parts[-2][:1].isupper():
        return parts[-2], parts[-1], query
    if parts and parts[-1][:1].isupper():
        return parts[-1], None, query
    return None, None, query


# ---------------------------------------------------------------- search


def parse_qsl(query):
    """[(name, value)] of a query string (``If-None-Exist``, entry URLs)."""
    return _parse_qsl((query or "").lstrip("?"), keep_blank_values=False)


@dataclass
class Search:
    """A parsed search: criteria the store understands, paging, what was used."""

    ids: list = field(default_factory=list)
    identifiers: list = field(default_factory=list)  # (system or None, value)
    statuses: list = field(default_factory=list)
    based_on: list = field(default_factory=list)  # "SupplyRequest/<id>"
    updated: list = field(default_factory=list)  # (operator, naive UTC datetime)
    count: int = DEFAULT_COUNT
    offset: int = 0
    used: list = field(default_factory=list)  # [(name, value)] for self links
    summary_count: bool = False


def _values(raw):
    return [value for value in raw.split(",") if value]


def parse_token(value):
    """(system or None, code) of a token search value: ``s|c``, ``|c`` or ``c``."""
    if "|" in value:
        system, _bar, code = value.partition("|")
        return system, code
    return None, value


def parse_date(value):
    """(operator, lower bound, upper bound) of a date search value, UTC, naive."""
    prefix = value[:2] if value[:2] in DATE_PREFIXES else "eq"
    text = value[2:] if value[:2] in DATE_PREFIXES else value
    precisions = (
        ("%Y-%m-%dT%H:%M:%S", timedelta(seconds=1)),
        ("%Y-%m-%dT%H:%M", timedelta(minutes=1)),
        ("%Y-%m-%d", timedelta(days=1)),
        ("%Y-%m", timedelta(days=31)),
        ("%Y", timedelta(days=366)),
    )
    stamp = re.sub(r"(\.\d+)?(Z|[+-]\d\d:\d\d)$", "", text)
    zone = re.search(r"(Z|[+-]\d\d:\d\d)$", text)
    for pattern, width in precisions:
        try:
            start = datetime.strptime(stamp, pattern)
        except ValueError:
            continue
        if zone and zone.group(1) != "Z":
            sign = 1 if zone.group(1)[0] == "+" else -1
            hours, minutes = zone.group(1)[1:].split(":")
            start -= sign * timedelta(hours=int(hours), minutes=int(minutes))
        return prefix, start, start + width
    raise FhirHttpError(400, "value", f"_lastUpdated: '{value[:40]}' is not a date")


def parse_search(resource_type, params, supported):
    """A ``Search`` of query ``params`` [(name, value)]; ``supported`` names.

    Unknown parameters are ignored (lenient handling, R4 3.1.1.3.4) unless the
    client prefers strict handling (``params`` then holds ``_strict``).
    """
    search = Search()
    strict = any(name == "_strict" for name, _v in params)
    for name, value in params:
        base = name.split(":")[0]
        if base in ("_strict", "_format"):
            continue
        if base == "_count":
            try:
                search.count = max(0, min(int(value), MAX_COUNT))
            except ValueError:
                raise FhirHttpError(400, "value", "_count is not a number") from None
            search.used.append((name, str(search.count)))
            continue
        if base == "_offset":
            try:
                search.offset = max(0, int(value))
            except ValueError:
                raise FhirHttpError(400, "value", "_offset is not a number") from None
            continue
        if base == "_summary" and value == "count":
            search.summary_count = True
            search.used.append((name, value))
            continue
        if base not in supported or name != base:
            if strict:
                raise FhirHttpError(
                    400,
                    "not-supported",
                    f"search parameter '{name[:40]}' is not supported on "
                    f"{resource_type}",
                )
            continue
        search.used.append((name, value))
        if base == "_id":
            search.ids += [check_id(v, "_id") for v in _values(value)]
        elif base == "identifier":
            search.identifiers += [parse_token(v) for v in _values(value)]
        elif base == "status":
            search.statuses += [parse_token(v)[1] for v in _values(value)]
        elif base == "based-on":
            search.based_on += [_reference_value(v) for v in _values(value)]
        elif base == "_lastUpdated":
            search.updated.append(parse_date(value))
    return search


def _reference_value(value):
    parts = value.rstrip("/").split("/")
    if len(parts) >= 2:
        return f"{parts[-2]}/{parts[-1]}"
    return f"SupplyRequest/{value}"
