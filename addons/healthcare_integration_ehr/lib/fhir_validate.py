"""Validation of received FHIR R4 resources, and OperationOutcome answers.

Structure, cardinality and data types are checked by the ``fhir.resources``
models (its R4B package: the resources used here are the same in R4 4.0.1 and
R4B). The library does not check required value set bindings, so the codes
of the elements this addon reads are checked here (``REQUIRED_CODES``).
Issues name the element (``SupplyRequest.quantity``), never echo a value
beyond the code that was refused::

    >>> issues = check({"resourceType": "SupplyRequest", "status": "whenever"},
    ...                accepted=("SupplyRequest",))
    >>> [issue.expression for issue in issues]
    [['SupplyRequest.quantity'], ['SupplyRequest.status']]
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

FHIR_VERSION = "4.0.1"
# required bindings of the elements read by the addon (FHIR R4 4.0.1)
REQUIRED_CODES = {
    "SupplyRequest": {
        "status": (
            "draft",
            "active",
            "suspended",
            "cancelled",
            "completed",
            "entered-in-error",
            "unknown",
        ),
        "priority": ("routine", "urgent", "asap", "stat"),
    },
    "SupplyDelivery": {
        "status": ("in-progress", "completed", "abandoned", "entered-in-error"),
    },
    "ChargeItem": {
        "status": (
            "planned",
            "billable",
            "not-billable",
            "aborted",
            "billed",
            "entered-in-error",
            "unknown",
        ),
    },
    "Bundle": {
        "type": (
            "document",
            "message",
            "transaction",
            "transaction-response",
            "batch",
            "batch-response",
            "history",
            "searchset",
            "collection",
        ),
    },
}
# the elements the addon needs although FHIR makes them optional
NEEDED_ELEMENTS = {
    "SupplyRequest": ("status",),
    "SupplyDelivery": ("status", "suppliedItem"),
    "ChargeItem": ("status",),
}
ACCEPTED_BUNDLE_TYPES = ("transaction", "batch", "collection")
ENTRY_METHODS = ("POST", "PUT")
MAX_CODE_ECHO = 40

SEVERITY_ERROR = "error"
SEVERITY_INFORMATION = "information"


@dataclass
class Issue:
    """One OperationOutcome issue."""

    diagnostics: str
    code: str = "invalid"
    severity: str = SEVERITY_ERROR
    expression: list[str] = field(default_factory=list)
    # the HTTP status an issue calls for, when not the usual 422
    status: int | None = None

    def as_fhir(self):
        issue = {
            "severity": self.severity,
            "code": self.code,
            "diagnostics": self.diagnostics,
        }
        if self.expression:
            issue["expression"] = list(self.expression)
        return issue

    def __str__(self):
        where = f"{', '.join(self.expression)}: " if self.expression else ""
        return f"{where}{self.diagnostics}"


class FhirInvalid(ValueError):
    """A document that is not an acceptable FHIR resource; ``issues`` say why."""

    def __init__(self, issues):
        self.issues = list(issues)
        super().__init__("; ".join(str(issue) for issue in self.issues))


def _expression(prefix, loc):
    parts = [prefix]
    for element in loc:
        if isinstance(element, int):
            parts.append(f"[{element}]")
        else:
            parts.append(f".{element}")
    return "".join(parts)


def _pydantic_issues(prefix, error):
    issues = []
    for detail in error.errors(include_input=False, include_url=False):
        loc = [part for part in detail.get("loc", ()) if part != "__root__"]
        kind = detail.get("type", "")
        if kind == "missing":
            code, text = "required", "required element is missing"
        elif kind == "extra_forbidden":
            code, text = "structure", "unknown element"
        else:
            code, text = "value", detail.get("msg", "invalid value")
        issues.append(Issue(text, code=code, expression=[_expression(prefix, loc)]))
    return issues


def _code_issues(prefix, rtype, resource):
    issues = []
    for element, codes in REQUIRED_CODES.get(rtype, {}).items():
        value = resource.get(element)
        if value is None or value in codes:
            continue
        shown = str(value)[:MAX_CODE_ECHO]
        issues.append(
            Issue(
                f"'{shown}' is not in the required value set " f"({', '.join(codes)})",
                code="code-invalid",
                expression=[f"{prefix}.{element}"],
            )
        )
    for element in NEEDED_ELEMENTS.get(rtype, ()):
        if resource.get(element) in (None, "", [], {}):
            issues.append(
                Issue(
                    "required element is missing",
                    code="required",
                    expression=[f"{prefix}.{element}"],
                )
            )
    return issues


def check_resource(resource, prefix=None):
    """Issues of one resource (model, required codes, needed elements)."""
    rtype = resource.get("resourceType")
    prefix = prefix or rtype
    try:
        model = get_fhir_model_class(rtype)
    except ValueError:
        return [
            Issue(
                f"unknown resource type '{str(rtype)[:MAX_CODE_ECHO]}'",
                code="not-supported",
                expression=[f"{prefix}.resourceType"],
            )
        ]
    issues = _code_issues(prefix, rtype, resource)
    try:
        model.model_validate(resource)
    except ValidationError as exc:
        issues = _pydantic_issues(prefix, exc) + issues
    except (TypeError, ValueError) as exc:
        issues.insert(0, Issue(f"invalid resource ({type(exc).__name__})"))
    return _unique(issues)


def _unique(issues):
    seen, unique = set(), []
    for issue in issues:
        key = (issue.code, tuple(issue.expression))
        if key not in seen:
            seen.add(key)
            unique.append(issue)
    return unique


def resources(document):
    """[(FHIRPath prefix, resource), ...] of a resource or of a Bundle's entries."""
    if document.get("resourceType") != "Bundle":
        return [(document.get("resourceType"), document)]
    found = []
    for index, entry in enumerate(document.get("entry") or []):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if isinstance(resource, dict):
            found.append((f"Bundle.entry[{index}].resource", resource))
    return found


def _bundle_issues(bundle, accepted):
    issues = _code_issues("Bundle", "Bundle", bundle)
    btype = bundle.get("type")
    if btype and btype not in ACCEPTED_BUNDLE_TYPES and not issues:
        issues.append(
            Issue(
                f"Bundles of type '{btype}' are not accepted here "
                f"(use {', '.join(ACCEPTED_BUNDLE_TYPES)})",
                code="not-supported",
                expression=["Bundle.type"],
            )
        )
    entries = bundle.get("entry")
    if not isinstance(entries, list) or not entries:
        issues.append(
            Issue("a Bundle needs entries", code="required", expression=["Bundle"])
        )
        return issues
    for index, entry in enumerate(entries):
        path = f"Bundle.entry[{index}]"
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            issues.append(
                Issue("entry without a resource", code="required", expression=[path])
            )
            continue
        method = ((entry.get("request") or {}).get("method")) or None
        if btype in ("transaction", "batch") and method not in ENTRY_METHODS:
            issues.append(
                Issue(
                    f"entry.request.method must be one of {', '.join(ENTRY_METHODS)}",
                    code="not-supported",
                    expression=[f"{path}.request.method"],
                )
            )
    return issues


def check(document, accepted):
    """Every issue of ``document``; ``accepted`` lists the resource types taken."""
    if not isinstance(document, dict) or not isinstance(
        document.get("resourceType"), str
    ):
        return [Issue("not a FHIR resource: no resourceType", code="structure")]
    rtype = document["resourceType"]
    if rtype != "Bundle" and rtype not in accepted:
        return [_wrong_type(rtype, accepted, rtype + ".resourceType")]
    issues = _bundle_issues(document, accepted) if rtype == "Bundle" else []
    for prefix, resource in resources(document):
        inner = resource.get("resourceType")
        if inner not in accepted:
            issues.append(_wrong_type(inner, accepted, f"{prefix}.resourceType"))
            continue
        issues += check_resource(resource, prefix)
    return issues


def _wrong_type(rtype, accepted, where):
    return Issue(
        f"resourceType '{str(rtype)[:MAX_CODE_ECHO]}' is not accepted here; "
        f"expected {' or '.join(accepted)} (or a Bundle of them)",
        code="not-supported",
        expression=[where],
    )


def parse(resource):
    """The ``fhir.resources`` model of a valid resource (dates as date/datetime)."""
    return get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def operation_outcome(issues):
    """An OperationOutcome resource (dict) of ``issues``."""
    return {
        "resourceType": "OperationOutcome",
        "issue": [issue.as_fhir() for issue in issues]
        or [Issue("ok", code="informational", severity="information").as_fhir()],
    }


def information(text):
    return operation_outcome(
        [Issue(text, code="informational", severity=SEVERITY_INFORMATION)]
    )
