"""Documents exchanged with an EAM/CMMS: screening and reading them.

Plain Python, no Odoo: the handlers call these functions and turn their
``EamDocumentError`` into business exceptions.
"""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime

# Keys that name or identify a patient. An EAM work order sometimes records
# the patient a device was attached to when it failed; biomedical records must
# not keep it, so these keys are removed anywhere in a document before it is
# stored.
PATIENT_KEYS = frozenset(
    {
        "patient",
        "patient_id",
        "patient_name",
        "patient_identifier",
        "patient_mrn",
        "mrn",
        "medical_record_number",
        "date_of_birth",
        "birth_date",
        "subject",
    }
)

WORK_ORDER_TYPES = {
    "corrective": "corrective",
    "cm": "corrective",
    "repair": "corrective",
    "preventive": "preventive",
    "pm": "preventive",
    "inspection": "preventive",
}
WORK_ORDER_STATUSES = ("open", "in_progress", "closed", "cancelled")
LIFECYCLE_EVENTS = ("registered", "in_service", "warranty", "contract", "retired")
CONTRACT_COVERAGES = ("full", "parts", "labour", "preventive", "on_call")
RETIREMENT_REASONS = (
    "end_of_life",
    "damaged",
    "obsolete",
    "sold",
    "traded_in",
    "lost",
    "recalled",
    "other",
)
MAX_NOTES = 4000


class EamDocumentError(ValueError):
    """A document whose values cannot be applied as they are."""


def screen_patient_data(document):
    """(copy of ``document`` without patient keys, sorted paths removed)."""
    removed = []

    def clean(node, path):
        if isinstance(node, dict):
            kept = {}
            for key, value in node.items():
                if str(key).lower() in PATIENT_KEYS:
                    removed.append(f"{path}.{key}")
                    continue
                kept[key] = clean(value, f"{path}.{key}")
            return kept
        if isinstance(node, list):
            return [clean(item, f"{path}[{n}]") for n, item in enumerate(node)]
        return node

    return clean(copy.deepcopy(document), "$"), sorted(removed)


def parse_date(value, field):
    """A ``date`` from an ISO date or date-time string; None for empty values."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise EamDocumentError(f"{field}: expected an ISO date, got {value!r}")
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        return parse_datetime(value, field).date()
    except ValueError:
        raise EamDocumentError(f"{field}: {value!r} is not an ISO date") from None


def parse_datetime(value, field):
    """A naive UTC ``datetime`` from an ISO date-time; None for empty values."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise EamDocumentError(f"{field}: expected an ISO date-time, got {value!r}")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise EamDocumentError(f"{field}: {value!r} is not an ISO date-time") from None
    if moment.tzinfo:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def amount(value, field):
    """A non-negative amount; 0.0 for empty values."""
    if value in (None, ""):
        return 0.0
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise EamDocumentError(f"{field}: expected a number, got {value!r}")
    if value < 0:
        raise EamDocumentError(f"{field}: {value} is negative")
    return float(value)


def equipment_keys(document):
    """(EAM asset id, serial number) that identify the equipment of a document."""
    asset_id = str(document.get("asset_id") or "").strip() or None
    serial = str(document.get("serial") or "").strip() or None
    if not asset_id and not serial:
        raise EamDocumentError("the document names neither an asset_id nor a serial")
    return asset_id, serial


def work_order(document):
    """The values of a work order document, normalized and checked."""
    reference = str(document.get("work_order_id") or "").strip()
    if not reference:
        raise EamDocumentError("work_order_id is missing")
    kind = str(document.get("type") or "corrective").lower()
    if kind not in WORK_ORDER_TYPES:
        raise EamDocumentError(f"type: unknown work order type {kind!r}")
    status = str(document.get("status") or "open").lower()
    if status not in WORK_ORDER_STATUSES:
        raise EamDocumentError(f"status: unknown work order status {status!r}")
    notes = str(document.get("technician_notes") or "")
    if len(notes) > MAX_NOTES:
        raise EamDocumentError(f"technician_notes: longer than {MAX_NOTES} characters")
    closed_on = parse_date(document.get("closed_at"), "closed_at")
    if status == "closed" and not closed_on:
        raise EamDocumentError("a closed work order needs closed_at")
    return {
        "reference": reference,
        "maintenance_type": WORK_ORDER_TYPES[kind],
        "status": status,
        "title": str(document.get("title") or "").strip() or f"Work order {reference}",
        "requested_on": parse_date(document.get("requested_at"), "requested_at"),
        "scheduled_at": parse_datetime(document.get("scheduled_at"), "scheduled_at"),
        "closed_on": closed_on,
        "duration": amount(document.get("duration_hours"), "duration_hours"),
        "labour_cost": amount(document.get("labour_cost"), "labour_cost"),
        "parts_cost": amount(document.get("parts_cost"), "parts_cost"),
        "currency": document.get("currency") or None,
        "notes": notes,
        "updated_at": parse_datetime(document.get("updated_at"), "updated_at"),
    }


def contract(document):
    """The values of a service contract in a lifecycle ``contract`` event."""
    data = document.get("contract")
    if not isinstance(data, dict):
        raise EamDocumentError("a contract event needs a contract object")
    reference = str(data.get("contract_id") or "").strip()
    if not reference:
        raise EamDocumentError("contract.contract_id is missing")
    coverage = str(data.get("coverage") or "full").lower()
    if coverage not in CONTRACT_COVERAGES:
        raise EamDocumentError(f"contract.coverage: unknown coverage {coverage!r}")
    start = parse_date(data.get("start"), "contract.start")
    end = parse_date(data.get("end"), "contract.end")
    if not start or not end:
        raise EamDocumentError("contract.start and contract.end are required")
    if end < start:
        raise EamDocumentError("contract.end is before contract.start")
    return {
        "reference": reference,
        "vendor": str(data.get("vendor") or "").strip() or None,
        "coverage": coverage,
        "start": start,
        "end": end,
        "yearly_cost": amount(data.get("yearly_cost"), "contract.yearly_cost"),
        "currency": data.get("currency") or None,
    }


def retirement(document):
    """The values of a lifecycle ``retired`` event."""
    retired_on = parse_date(document.get("retired_on"), "retired_on")
    if not retired_on:
        raise EamDocumentError("retired_on is missing")
    reason = str(document.get("reason") or "other").lower()
    if reason not in RETIREMENT_REASONS:
        raise EamDocumentError(f"reason: unknown retirement reason {reason!r}")
    return {
        "retired_on": retired_on,
        "reason": reason,
        "sale_value": amount(document.get("sale_value"), "sale_value"),
        "note": str(document.get("note") or "")[:MAX_NOTES],
    }


def lifecycle_event(document):
    """The event name of a lifecycle document, checked."""
    event = str(document.get("event") or "").lower()
    if event not in LIFECYCLE_EVENTS:
        raise EamDocumentError(
            f"event: {event!r} is not one of {', '.join(LIFECYCLE_EVENTS)}"
        )
    return event
