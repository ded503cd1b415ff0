"""What the FHIR endpoint answers, built without a database.

The CapabilityStatement of a backend (from what its active flows support),
``searchset`` Bundles with paging links, and the ``transaction-response`` /
``batch-response`` Bundles of a posted Bundle::

    >>> statement = capability_statement(
    ...     "https://erp.example/hc/fhir/ehr",
    ...     {"SupplyRequest": RESOURCE_CAPABILITIES["SupplyRequest"]},
    ...     security=None, software="Odoo", version="18.0", date="2026-12-07")
    >>> statement["rest"][0]["resource"][0]["type"]
    'SupplyRequest'
"""

from __future__ import annotations

from urllib.parse import urlencode

from .fhir_validate import FHIR_VERSION

SEARCH_TYPES = {
    "_id": "token",
    "identifier": "token",
    "status": "token",
    "_lastUpdated": "date",
    "based-on": "reference",
}
# what the endpoint does with each resource type it serves
RECEIVED_INTERACTIONS = ("create", "update", "read", "vread", "search-type")
RESOURCE_CAPABILITIES = {
    "SupplyRequest": {
        "interactions": RECEIVED_INTERACTIONS,
        "search": ("_id", "identifier", "status", "_lastUpdated"),
    },
    "ChargeItem": {
        "interactions": RECEIVED_INTERACTIONS,
        "search": ("_id", "identifier", "status", "_lastUpdated"),
    },
    "SupplyDelivery": {
        "interactions": RECEIVED_INTERACTIONS,
        "search": ("_id", "identifier", "status", "_lastUpdated", "based-on"),
    },
}
# what the endpoint serves of the resources Odoo publishes (read only)
PUBLISHED_INTERACTIONS = ("read", "vread", "search-type")
PUBLISHED_SEARCH = ("_id", "identifier", "status", "_lastUpdated")


def published_capability(rtype):
    """The capability of a type Odoo publishes (``based-on`` for deliveries)."""
    search = RESOURCE_CAPABILITIES.get(rtype, {}).get("search", PUBLISHED_SEARCH)
    return {"interactions": PUBLISHED_INTERACTIONS, "search": search}


SMART_EXTENSION = (
    "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris"
)
SERVICE_SYSTEM = "http://terminology.hl7.org/CodeSystem/restful-security-service"


def capability_statement(base, resources, security, software, version, date):
    """The CapabilityStatement (instance) of an endpoint at ``base``.

    ``resources`` maps served types to ``RESOURCE_CAPABILITIES`` entries;
    ``security`` is None or {"smart": bool, "token": url or None,
    "description": text}.
    """
    rest = {
        "mode": "server",
        "resource": [
            _resource_capability(rtype, resources[rtype]) for rtype in sorted(resources)
        ],
        "interaction": [{"code": "transaction"}, {"code": "batch"}],
    }
    if security:
        rest["security"] = _security(security)
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": date,
        "kind": "instance",
        "software": {"name": software, "version": version},
        "implementation": {
            "description": "Healthcare Integration for Odoo",
            "url": base,
        },
        "fhirVersion": FHIR_VERSION,
        "format": ["application/fhir+json", "json"],
        "rest": [rest],
    }


def _resource_capability(rtype, capability):
    return {
        "type": rtype,
        "interaction": [{"code": code} for code in capability["interactions"]],
        "versioning": "versioned",
        "readHistory": False,
        "updateCreate": "update" in capability["interactions"],
        "conditionalCreate": "create" in capability["interactions"],
        "searchParam": [
            {"name": name, "type": SEARCH_TYPES[name]} for name in capability["search"]
        ],
    }


def _security(security):
    service = "SMART-on-FHIR" if security.get("smart") else "OAuth"
    found = {
        "service": [
            {"coding": [{"system": SERVICE_SYSTEM, "code": service}], "text": service}
        ],
        "description": security.get("description") or "",
    }
    if security.get("token"):
        found["extension"] = [
            {
                "url": SMART_EXTENSION,
                "extension": [{"url": "token", "valueUri": security["token"]}],
            }
        ]
    return found


def searchset(base, rtype, resources, total, search):
    """A ``searchset`` Bundle of one page of ``resources``, with paging links."""
    used = list(search.used)
    links = [{"relation": "self", "url": _page_url(base, rtype, used, search.offset)}]
    if search.count and search.offset + search.count < total:
        links.append(
            {
                "relation": "next",
                "url": _page_url(base, rtype, used, search.offset + search.count),
            }
        )
    if search.offset:
        previous = max(0, search.offset - (search.count or 0))
        links.append(
            {"relation": "previous", "url": _page_url(base, rtype, used, previous)}
        )
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": links,
        "entry": [
            {
                "fullUrl": f"{base}/{rtype}/{resource['id']}",
                "resource": resource,
                "search": {"mode": "match"},
            }
            for resource in resources
        ],
    }


def _page_url(base, rtype, used, offset):
    params = [*used, ("_offset", str(offset))] if offset else list(used)
    query = urlencode(params)
    return f"{base}/{rtype}" + (f"?{query}" if query else "")


def status_line(status):
    return {
        200: "200 OK",
        201: "201 Created",
        202: "202 Accepted",
        400: "400 Bad Request",
        404: "404 Not Found",
        409: "409 Conflict",
        412: "412 Precondition Failed",
        422: "422 Unprocessable Entity",
    }.get(status, str(status))


def entry_response(status, location=None, etag=None, modified=None, outcome=None):
    """The ``response`` of one entry of a transaction/batch response."""
    response = {"status": status_line(status)}
    if location:
        response["location"] = location
    if etag:
        response["etag"] = etag
    if modified:
        response["lastModified"] = modified
    if outcome:
        response["outcome"] = outcome
    return response


def response_bundle(kind, entries):
    """A ``transaction-response`` or ``batch-response`` Bundle.

    ``entries`` are (response dict, resource or None), in the order received.
    """
    return {
        "resourceType": "Bundle",
        "type": f"{kind}-response",
        "entry": [
            {**({"resource": resource} if resource else {}), "response": response}
            for response, resource in entries
        ],
    }
