"""Server-assigned ids and versions of resources received by a RESTful interaction.

A FHIR server gives a created resource its id and every stored version its
``meta.versionId`` and ``meta.lastUpdated`` (R4 3.1.0.8). The endpoint stamps
the screened document before it is stored, so the id is known (and durable)
when the request is answered::

    >>> rest = Interaction("update", "SupplyRequest", "sr-1")
    >>> out = stamp({"resourceType": "SupplyRequest", "id": "sr-1"}, rest,
    ...             "2026-12-07T10:00:00Z", lambda t, i: 2, lambda: "new")
    >>> out["id"], out["meta"]["versionId"]
    ('sr-1', '2')

A Bundle's entries are stamped by their ``request``: POST creates (new id),
PUT updates the id of its URL; ``urn:uuid`` references between entries are
rewritten to the ids assigned (R4 3.1.0.11.2).
"""

from __future__ import annotations

from dataclasses import dataclass

from .fhir_http import FhirHttpError, check_id, entry_target


@dataclass(frozen=True)
class Interaction:
    """The RESTful interaction a body arrived with."""

    kind: str  # "create", "update", "bundle" (or "none": no body expected)
    resource_type: str | None = None
    resource_id: str | None = None
    if_none_exist: str | None = None  # the query of a conditional create

    def as_context(self):
        return {
            "kind": self.kind,
            "type": self.resource_type,
            "id": self.resource_id,
            "if_none_exist": self.if_none_exist,
        }

    @classmethod
    def from_context(cls, value):
        if not value or value.get("kind") not in ("create", "update", "bundle"):
            return None
        return cls(
            value.get("kind"),
            value.get("type"),
            value.get("id"),
            value.get("if_none_exist"),
        )


def _stamp_one(resource, rid, now, next_version):
    meta = {
        k: v
        for k, v in (resource.get("meta") or {}).items()
        if k in ("profile", "security", "tag")
    }
    meta["versionId"] = str(next_version(resource["resourceType"], rid))
    meta["lastUpdated"] = now
    resource["id"] = rid
    resource["meta"] = meta
    return resource


def check_update(resource, rest):
    """A PUT's body names the resource of its URL (R4 3.1.0.4: 400 otherwise)."""
    if resource.get("resourceType") != rest.resource_type:
        raise FhirHttpError(
            400,
            "invalid",
            f"the body is a {str(resource.get('resourceType'))[:40]}, the URL a "
            f"{rest.resource_type}",
            f"{resource.get('resourceType')}.resourceType",
        )
    if resource.get("id") != rest.resource_id:
        raise FhirHttpError(
            400,
            "invalid",
            "the resource id must equal the id of the URL"
            if resource.get("id")
            else "the resource has no id: an update names it in the body and the URL",
            f"{rest.resource_type}.id",
        )


def check_target(document, rest):
    """The body is what the URL names (R4 3.1.0: 400 otherwise)."""
    rtype = document.get("resourceType")
    if rest.kind in ("create", "update") and rtype != rest.resource_type:
        raise FhirHttpError(
            400,
            "invalid",
            f"the body is a {str(rtype)[:40]}, the URL a {rest.resource_type}",
            f"{str(rtype)[:40]}.resourceType",
        )
    if rest.kind == "bundle" and (
        rtype != "Bundle" or document.get("type") not in ("transaction", "batch")
    ):
        raise FhirHttpError(
            400,
            "not-supported",
            "POST [base] takes a transaction or a batch Bundle",
            "Bundle.type" if rtype == "Bundle" else None,
        )


def conditional_match(document, rest, matches):
    """The resource matching a conditional create's query, or None (R4 3.1.0.8.1).

    One match: nothing is created, the match is answered; several: 412.
    """
    if not rest.if_none_exist:
        return None
    found = matches(document.get("resourceType"), rest.if_none_exist)
    if len(found) > 1:
        raise FhirHttpError(
            412,
            "duplicate",
            "If-None-Exist matches several resources: the criteria are not "
            "selective enough",
        )
    return found[0] if found else None


def stamp(document, rest, now, next_version, new_id, matches=None):
    """``document`` with ids and versions assigned (changed in place).

    A conditional create that matches gives the stored match instead: the
    request is recorded, nothing new is created.
    """
    check_target(document, rest)
    if rest.kind == "create":
        match = conditional_match(document, rest, matches) if matches else None
        if match is not None:
            return match
        return _stamp_one(document, new_id(), now, next_version)
    if rest.kind == "update":
        check_update(document, rest)
        return _stamp_one(document, check_id(rest.resource_id), now, next_version)
    assigned = {}
    for index, entry in enumerate(document.get("entry") or []):
        resource = entry.get("resource")
        method = (entry.get("request") or {}).get("method")
        if not isinstance(resource, dict) or method not in ("POST", "PUT"):
            continue
        if method == "PUT":
            rtype, rid, _query = entry_target(entry["request"].get("url"))
            try:
                check_update(resource, Interaction("update", rtype, rid))
                check_id(rid)
            except FhirHttpError as exc:
                exc.expression = f"Bundle.entry[{index}].request.url"
                raise
        else:
            rid = new_id()
        _stamp_one(resource, rid, now, next_version)
        if entry.get("fullUrl"):
            assigned[entry["fullUrl"]] = f"{resource['resourceType']}/{rid}"
    if assigned:
        _rewrite_references(document, assigned)
    return document


def _rewrite_references(node, assigned):
    if isinstance(node, list):
        for value in node:
            _rewrite_references(value, assigned)
    elif isinstance(node, dict):
        reference = node.get("reference")
        if isinstance(reference, str) and reference in assigned:
            node["reference"] = assigned[reference]
        for key, value in node.items():
            if key != "fullUrl":
                _rewrite_references(value, assigned)
