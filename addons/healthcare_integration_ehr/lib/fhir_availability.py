"""Availability of a supply at a location, as a FHIR R4 ``Task`` the EHR can store.

R4 has no inventory resource (``InventoryReport`` came in R5), so
availability goes out as a Task, the workflow resource FHIR servers accept:
one Task per item and location (a stable id, ``PUT /Task/<id>`` updates it),
its ``businessStatus`` the event (``below_threshold``, ``available``,
``backordered``), its ``status`` what the supply chain is doing about it,
the item and quantities as ``input``, the ward as ``location`` (the EHR's own
Location id when mapped), the awaited SupplyRequest as ``focus`` and the
expected date as ``restriction.period.end``::

    >>> task = availability_task(task_id="odoo-avail-1-2", event="backordered",
    ...     item=[("urn:ehr:item", "KIT")], location="Location/ward-3a",
    ...     on_hand=0, unit="1", threshold=None, expected=None,
    ...     focus="SupplyRequest/sr-1", now="2026-12-07T10:00:00Z")
    >>> task["status"], task["businessStatus"]["coding"][0]["code"]
    ('on-hold', 'backordered')
"""

from __future__ import annotations

from .fhir_map import UCUM

EVENT_SYSTEM = "urn:hc:odoo:availability"
TASK_CODE_SYSTEM = "urn:hc:odoo:task"
TASK_CODE = "supply-availability"
INPUT_SYSTEM = "urn:hc:odoo:availability-input"
# what the supply chain is doing about each event (Task.status, required binding)
EVENT_STATUS = {
    "below_threshold": "in-progress",  # replenishment under way
    "available": "completed",
    "backordered": "on-hold",  # waiting for the vendor
}
EVENT_TEXT = {
    "below_threshold": "Below its threshold at this location",
    "available": "Available again at this location",
    "backordered": "Backordered: awaited from the vendor",
}


def _input(code, value_key, value):
    return {
        "type": {"coding": [{"system": INPUT_SYSTEM, "code": code}]},
        value_key: value,
    }


def _quantity(value, unit):
    quantity = {"value": value}
    if unit:
        quantity.update(system=UCUM, code=unit)
    return quantity


def availability_task(
    *, task_id, event, item, location, on_hand, unit, threshold, expected, focus, now
):
    """The Task of one availability event; ``item`` is [(system, code)]."""
    task = {
        "resourceType": "Task",
        "id": task_id,
        "status": EVENT_STATUS[event],
        "businessStatus": {
            "coding": [{"system": EVENT_SYSTEM, "code": event}],
            "text": EVENT_TEXT[event],
        },
        "intent": "proposal",
        "code": {
            "coding": [{"system": TASK_CODE_SYSTEM, "code": TASK_CODE}],
            "text": "Supply availability",
        },
        "authoredOn": now,
        "lastModified": now,
        "location": {"reference": location},
        "input": [
            _input(
                "item",
                "valueCodeableConcept",
                {"coding": [{"system": s, "code": c} for s, c in item if c]},
            ),
            _input("on-hand", "valueQuantity", _quantity(on_hand, unit)),
        ],
    }
    if threshold is not None:
        task["input"].append(
            _input("threshold", "valueQuantity", _quantity(threshold, unit))
        )
    if focus:
        task["focus"] = {"reference": focus}
    if expected:
        task["restriction"] = {"period": {"end": expected}}
    return task
