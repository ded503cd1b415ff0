"""What counts as patient data in FHIR R4 JSON, and the keyed patient token:
the vocabulary ``fhir_screen`` screens received documents with.

Plain predicates on plain JSON (no Odoo)::

    >>> is_patient_identifier({"type": {"coding": [{"code": "MR"}]}})
    True
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field

# the code system of patient tokens, and their prefix (names, not secrets)
TOKEN_SYSTEM = "urn:hc:patient-token"  # noqa: S105
TOKEN_PREFIX = "pt1-"  # noqa: S105
MIN_KEY_BYTES = 32
MODE_DROP = "drop"
MODE_REFUSE = "refuse"

PERSON_TYPES = frozenset({"Patient", "RelatedPerson", "Person"})
# (resource type, element) that always reference a patient
PATIENT_SLOTS = frozenset({("SupplyDelivery", "patient"), ("ChargeItem", "subject")})
# identifier types (HL7 v2 table 0203) whose values identify a patient
PATIENT_IDENTIFIER_TYPES = frozenset({"MR", "SS", "SB", "PT", "PI"})
PATIENT_IDENTIFIER_SYSTEMS = frozenset({"http://hl7.org/fhir/sid/us-ssn"})
# personal data: dropped, or the payload refused
PERSONAL_ELEMENTS = frozenset(
    {"birthDate", "address", "telecom", "note", "photo", "contact"}
)
HUMAN_NAME_KEYS = frozenset({"family", "given", "text", "prefix", "suffix"})
# clinical or free-text content the ERP never needs: always dropped
ALWAYS_DROPPED = frozenset(
    {
        "extension",
        "reasonCode",
        "reasonReference",
        "reason",
        "bodysite",
        "supportingInformation",
        "comment",
        "overrideReason",
        "patientInstruction",
    }
)
# references that lead to a patient's encounter, episode or account: dropped
PATIENT_CONTEXT_TYPES = frozenset({"Encounter", "EpisodeOfCare", "Account"})
PATIENT_CONTEXT_SLOTS = frozenset(
    {("ChargeItem", "context"), ("ChargeItem", "account")}
)
# referenced types whose display text names no person (kept); any other
# reference loses its display, which can name a patient or a relative
NAMELESS_TYPES = frozenset(
    {
        "Location",
        "Organization",
        "Device",
        "DeviceDefinition",
        "HealthcareService",
        "SupplyRequest",
        "SupplyDelivery",
        "Medication",
        "Substance",
        "ChargeItemDefinition",
    }
)
REFERENCE_KEYS = frozenset({"reference", "identifier", "type", "display", "id"})
_LITERAL_REFERENCE = re.compile(
    r"(?:^|/)(?P<type>[A-Z][A-Za-z]+)/(?P<id>[A-Za-z0-9\-.]{1,64})(?:/_history/.*)?$"
)


class ScreeningRefused(ValueError):
    """The payload cannot be kept; ``paths`` name the elements concerned."""

    def __init__(self, reason, paths=()):
        self.reason = reason
        self.paths = list(paths)
        detail = f": {', '.join(self.paths[:10])}" if self.paths else ""
        more = f" (and {len(self.paths) - 10} more)" if len(self.paths) > 10 else ""
        super().__init__(f"{reason}{detail}{more}")


@dataclass
class Screened:
    """A screened document and what screening did to it (paths only)."""

    document: object
    tokens: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    # position, in the received Bundle, of each entry kept
    entry_positions: list[int] = field(default_factory=list)

    def received_path(self, expression):
        """An issue path of the screened document, naming the entry as received."""
        match = re.match(r"^Bundle\.entry\[(\d+)\]", expression)
        if not match or int(match.group(1)) >= len(self.entry_positions):
            return expression
        received = self.entry_positions[int(match.group(1))]
        return f"Bundle.entry[{received}]" + expression[match.end() :]


def patient_token(key, patient_key):
    """The keyed token of one patient identifier ("system|value" or "Patient/id")."""
    digest = hmac.new(key, patient_key.encode("utf-8"), hashlib.sha256)
    return TOKEN_PREFIX + digest.hexdigest()[:40]


def parse_literal_reference(reference):
    """(resource type, logical id) of "Patient/42" or ".../Patient/42", or None."""
    if not isinstance(reference, str):
        return None
    match = _LITERAL_REFERENCE.search(reference)
    return (match["type"], match["id"]) if match else None


def _identifier_type_codes(identifier):
    codings = ((identifier.get("type") or {}).get("coding")) or []
    return {c.get("code") for c in codings if isinstance(c, dict)}


def is_patient_identifier(identifier):
    if not isinstance(identifier, dict):
        return False
    return bool(
        _identifier_type_codes(identifier) & PATIENT_IDENTIFIER_TYPES
        or identifier.get("system") in PATIENT_IDENTIFIER_SYSTEMS
    )


def is_token_identifier(identifier):
    return isinstance(identifier, dict) and identifier.get("system") == TOKEN_SYSTEM


def identifier_key(identifier):
    """The stable key of an identifier: "system|value" (or None without a value)."""
    if not isinstance(identifier, dict) or not identifier.get("value"):
        return None
    return f"{identifier.get('system') or ''}|{identifier['value']}"


def person_key(resource):
    """The key a person resource is tokenized by: its MR identifier first."""
    identifiers = [i for i in resource.get("identifier") or [] if isinstance(i, dict)]
    preferred = [i for i in identifiers if is_patient_identifier(i)] + identifiers
    for identifier in preferred:
        if is_token_identifier(identifier):
            return identifier
        key = identifier_key(identifier)
        if key:
            return key
    return None


def is_reference(value):
    return (
        isinstance(value, dict)
        and bool(value)
        and set(value) <= REFERENCE_KEYS
        and (
            "reference" in value
            or "identifier" in value
            or "type" in value
            or "display" in value
        )
    )


def is_human_name(value):
    names = value if isinstance(value, list) else [value]
    return bool(names) and all(
        isinstance(name, dict) and set(name) & HUMAN_NAME_KEYS for name in names
    )


def is_narrative(value):
    return isinstance(value, dict) and "div" in value
