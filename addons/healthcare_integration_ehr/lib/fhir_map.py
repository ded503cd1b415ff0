"""What the ERP reads from EHR resources, and the resources it sends back.

Plain functions on FHIR R4 JSON (dicts), database-free: the handlers resolve
the codes returned here through the crosswalks. Codes come in the order they
are tried: the item's codings, then the codes of the resource an item
reference points to (contained Device, Medication or Substance, or a literal
or logical reference)::

    >>> item_codes({"itemCodeableConcept": {"coding": [{"code": "KIT-7"}]}})
    [('', 'KIT-7')]
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

UCUM = "http://unitsofmeasure.org"
GTIN_SYSTEMS = ("https://www.gs1.org/gtin", "urn:oid:1.3.160")
GS1_ISSUER = "http://hl7.org/fhir/NamingSystem/gs1-di"
UDI_JURISDICTION = "http://hl7.org/fhir/NamingSystem/eu-ec-udi"
URGENT_PRIORITIES = ("urgent", "asap", "stat")
CLOSED_STATUSES = ("cancelled", "entered-in-error")
DEVICE_STATUS = "http://hl7.org/fhir/device-status"
PROPERTY_SYSTEM = "urn:hc:odoo:item-property"
LOCATION_TYPE = "http://terminology.hl7.org/CodeSystem/location-physical-type"


def codings(concept):
    """[(system, code), ...] of a CodeableConcept."""
    if not isinstance(concept, dict):
        return []
    return [
        (coding.get("system") or "", coding["code"])
        for coding in concept.get("coding") or []
        if isinstance(coding, dict) and coding.get("code")
    ]


def contained_by_id(resource):
    return {
        f"#{inner.get('id')}": inner
        for inner in resource.get("contained") or []
        if isinstance(inner, dict) and inner.get("id")
    }


def _resource_codes(resource):
    """Codes of a Device, Medication, Substance or DeviceDefinition resource."""
    found = codings(resource.get("code")) + codings(resource.get("type"))
    for carrier in resource.get("udiCarrier") or []:
        if isinstance(carrier, dict) and carrier.get("deviceIdentifier"):
            found.append((GTIN_SYSTEMS[0], carrier["deviceIdentifier"]))
    for identifier in resource.get("identifier") or []:
        if isinstance(identifier, dict) and identifier.get("value"):
            found.append((identifier.get("system") or "", identifier["value"]))
    return found


def reference_codes(reference, contained=None):
    """[(system, code), ...] by which a Reference names what it points to."""
    if not isinstance(reference, dict):
        return []
    found = []
    literal = reference.get("reference")
    if isinstance(literal, str) and literal:
        if literal.startswith("#"):
            inner = (contained or {}).get(literal)
            if inner:
                found += _resource_codes(inner)
        else:
            path = literal.split("/_history/")[0].rstrip("/").split("/")
            if len(path) >= 2:
                found += [("", path[-1]), ("", f"{path[-2]}/{path[-1]}")]
            else:
                found.append(("", literal))
    identifier = reference.get("identifier")
    if isinstance(identifier, dict) and identifier.get("value"):
        found.insert(0, (identifier.get("system") or "", identifier["value"]))
    return list(dict.fromkeys(found))


def item_codes(resource, element="item"):
    """Codes of ``<element>CodeableConcept`` or ``<element>Reference``."""
    found = codings(resource.get(f"{element}CodeableConcept"))
    found += reference_codes(
        resource.get(f"{element}Reference"), contained_by_id(resource)
    )
    return list(dict.fromkeys(found))


def is_gtin(system):
    return system in GTIN_SYSTEMS


def quantity(value):
    """(amount, unit code) of a Quantity; the UCUM code when there is one."""
    if not isinstance(value, dict):
        return None, None
    unit = value.get("code") or value.get("unit")
    return value.get("value"), unit


def occurrence(resource):
    """The occurrence as an ISO string: dateTime, period start or first event."""
    if resource.get("occurrenceDateTime"):
        return resource["occurrenceDateTime"]
    period = resource.get("occurrencePeriod") or {}
    if period.get("start"):
        return period["start"]
    timing = resource.get("occurrenceTiming") or {}
    events = timing.get("event") or []
    return events[0] if events else None


def naive_utc(value):
    """A naive UTC datetime of a FHIR date or dateTime string (None if empty)."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def is_urgent(priority):
    return priority in URGENT_PRIORITIES


def version_key(resource):
    """What tells two versions of a resource apart: versionId, lastUpdated or hash."""
    meta = resource.get("meta") or {}
    if meta.get("versionId"):
        return f"v:{meta['versionId']}"
    if meta.get("lastUpdated"):
        return f"t:{meta['lastUpdated']}"
    canonical = json.dumps(resource, sort_keys=True, separators=(",", ":"))
    return "h:" + hashlib.sha256(canonical.encode()).hexdigest()[:32]


def is_older(version, known):
    """Whether a received version is older than the one already applied."""
    if not version or not known or version[:2] != known[:2]:
        return False
    kind, new, old = version[:2], version[2:], known[2:]
    if kind == "v:" and new.isdigit() and old.isdigit():
        return int(new) < int(old)
    if kind == "t:":
        return new < old
    return False


def logical_id(resource):
    """The resource's id, else its first identifier's value."""
    if resource.get("id"):
        return resource["id"]
    for identifier in resource.get("identifier") or []:
        if isinstance(identifier, dict) and identifier.get("value"):
            return f"{identifier.get('system') or ''}|{identifier['value']}"
    return None


def fhir_id(text):
    """A valid FHIR id ([A-Za-z0-9-.]{1,64}) made of ``text``."""
    cleaned = "".join(c if c.isalnum() and c.isascii() else "-" for c in text)
    return cleaned.strip("-")[:64] or "x"


def _quantity(amount, unit):
    value = {"value": amount}
    if unit:
        value.update(unit=unit, system=UCUM, code=unit)
    return value


def supply_delivery(
    *,
    delivery_id,
    identifier_system,
    identifier,
    request_reference,
    status,
    item_coding,
    amount,
    unit,
    destination,
    occurred_at,
    supplier=None,
):
    """A SupplyDelivery of an item for a SupplyRequest (what Odoo delivered)."""
    resource = {
        "resourceType": "SupplyDelivery",
        "identifier": [{"system": identifier_system, "value": identifier}],
        "basedOn": [request_reference],
        "status": status,
        "type": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/supply-item-type",
                    "code": "device",
                }
            ]
        },
        "suppliedItem": {
            "quantity": _quantity(amount, unit),
            "itemCodeableConcept": {"coding": item_coding},
        },
        "occurrenceDateTime": occurred_at,
        "destination": destination,
    }
    if delivery_id:
        resource["id"] = delivery_id
    if supplier:
        resource["supplier"] = {"display": supplier}
    return resource


def location_resource(*, location_id, identifier_system, code, name, active, part_of):
    """A Location for an Odoo stock location (Odoo owns locations)."""
    resource = {
        "resourceType": "Location",
        "id": location_id,
        "identifier": [{"system": identifier_system, "value": code}],
        "status": "active" if active else "inactive",
        "name": name,
        "mode": "instance",
        "physicalType": {"coding": [{"system": LOCATION_TYPE, "code": "area"}]},
    }
    if part_of:
        resource["partOf"] = part_of
    return resource


def device_definition(
    *, definition_id, identifier_system, code, gtin, name, unit, active
):
    """A DeviceDefinition for an Odoo product (Odoo owns the item master)."""
    resource = {
        "resourceType": "DeviceDefinition",
        "id": definition_id,
        "identifier": [{"system": identifier_system, "value": code}],
        "deviceName": [{"name": name, "type": "user-friendly-name"}],
        "type": {"coding": [{"system": identifier_system, "code": code}]},
        "property": [
            {
                "type": {"coding": [{"system": PROPERTY_SYSTEM, "code": "status"}]},
                "valueCode": [
                    {
                        "coding": [
                            {
                                "system": DEVICE_STATUS,
                                "code": "active" if active else "inactive",
                            }
                        ]
                    }
                ],
            }
        ],
    }
    if unit:
        resource["property"].append(
            {
                "type": {"coding": [{"system": PROPERTY_SYSTEM, "code": "unit"}]},
                "valueCode": [{"coding": [{"system": UCUM, "code": unit}]}],
            }
        )
    if gtin:
        resource["udiDeviceIdentifier"] = [
            {
                "deviceIdentifier": gtin,
                "issuer": GS1_ISSUER,
                "jurisdiction": UDI_JURISDICTION,
            }
        ]
    return resource
