"""Patient-data screening of received FHIR R4 JSON, before anything is stored.

The EHR stays the clinical system of record: the ERP keeps no patient data.
``Screener.screen(document)`` returns a copy of a resource (or Bundle) where

- references to patients (``SupplyDelivery.patient``, ``ChargeItem.subject``,
  any reference to a Patient, RelatedPerson or Person, contained or in the
  Bundle) become a keyed token: an HMAC-SHA256 of the patient's identifier
  under a key kept outside the database, so the same patient always gives the
  same token and nobody can reverse it;
- identifiers of type MR (medical record number) or SS (social security
  number) carry the token instead of their value;
- contained and bundled Patient, RelatedPerson and Person resources are
  removed;
- names (HumanName), birth dates, addresses, telecom, photos, contacts and
  free-text notes are dropped, or the payload is refused (``mode="refuse"``);
- narratives, extensions and clinical reasons (``reasonCode``, ``reason``,
  ``bodysite``, ``supportingInformation``...) are always dropped: the ERP
  needs none of them.

A modifier extension changes the meaning of what carries it, so a payload
with one is refused rather than misread. Screening a screened document
changes nothing. Errors name element paths, never their values::

    >>> screener = Screener(b"k" * 32)
    >>> out = screener.screen({"resourceType": "SupplyDelivery",
    ...     "patient": {"reference": "Patient/42", "display": "Peter Chalmers"}})
    >>> out.document["patient"]["identifier"]["system"]
    'urn:hc:patient-token'
"""

from __future__ import annotations

import copy

from .fhir_patient import (
    ALWAYS_DROPPED,
    MIN_KEY_BYTES,
    MODE_DROP,
    MODE_REFUSE,
    NAMELESS_TYPES,
    PATIENT_CONTEXT_SLOTS,
    PATIENT_CONTEXT_TYPES,
    PATIENT_SLOTS,
    PERSON_TYPES,
    PERSONAL_ELEMENTS,
    TOKEN_SYSTEM,
    Screened,
    ScreeningRefused,
    identifier_key,
    is_human_name,
    is_narrative,
    is_patient_identifier,
    is_reference,
    is_token_identifier,
    parse_literal_reference,
    patient_token,
    person_key,
)


class Screener:
    """Screens FHIR JSON documents with one token key and one mode."""

    def __init__(self, key=None, mode=MODE_DROP):
        if mode not in (MODE_DROP, MODE_REFUSE):
            raise ValueError(f"Unknown screening mode {mode!r}")
        if key is not None and len(key) < MIN_KEY_BYTES:
            raise ValueError(
                f"The patient token key must be at least {MIN_KEY_BYTES} bytes"
            )
        self.key = key
        self.mode = mode

    # ------------------------------------------------------------------ entry

    def screen(self, document):
        if not isinstance(document, dict) or not isinstance(
            document.get("resourceType"), str
        ):
            raise ScreeningRefused("Not a FHIR resource: no resourceType")
        run = _Run(self)
        result = run.screen_root(copy.deepcopy(document))
        if run.personal and self.mode == MODE_REFUSE:
            raise ScreeningRefused(
                "Personal data is not accepted on this flow", run.personal
            )
        if run.refusals:
            raise ScreeningRefused(
                "Modifier extensions are not understood", run.refusals
            )
        return Screened(
            result, run.tokens, run.personal + run.dropped, run.entry_positions
        )

    def token_reference(self, patient_key, resource_type="Patient"):
        if isinstance(patient_key, dict):  # already a token identifier
            return {"type": resource_type, "identifier": dict(patient_key)}
        if patient_key is None:
            return {"type": resource_type, "display": "patient withheld"}
        if self.key is None:
            raise ScreeningRefused(
                "This payload references a patient, and no patient token key is "
                "configured (hc_patient_token_key in the Odoo configuration file, "
                "or the HC_PATIENT_TOKEN_KEY environment variable): patient "
                "references cannot be tokenized, so the payload is refused"
            )
        return {
            "type": resource_type,
            "identifier": {
                "system": TOKEN_SYSTEM,
                "value": patient_token(self.key, patient_key),
            },
        }


class _Run:
    """The state of screening one document."""

    def __init__(self, screener):
        self.screener = screener
        self.tokens = []
        self.personal = []
        self.dropped = []
        self.refusals = []
        self.contained_persons = {}
        # "urn:uuid:..", "Patient/42" of bundled persons -> (type, key)
        self.bundled = {}
        self.entry_positions = []

    # ------------------------------------------------------------------ roots

    def screen_root(self, document):
        if document["resourceType"] == "Bundle":
            return self.screen_bundle(document)
        return self.screen_resource(document, document["resourceType"])

    def screen_bundle(self, bundle):
        entries = bundle.get("entry")
        kept = []
        if isinstance(entries, list):
            for index, entry in enumerate(entries):
                resource = entry.get("resource") if isinstance(entry, dict) else None
                if isinstance(resource, dict) and (
                    resource.get("resourceType") in PERSON_TYPES
                ):
                    self.note_bundled_person(entry, resource)
                    self.note_person_data(resource, f"Bundle.entry[{index}].resource")
                    continue
                kept.append((index, entry))
        screened = self.walk(
            {k: v for k, v in bundle.items() if k != "entry"}, "Bundle", "Bundle"
        )
        if isinstance(entries, list):
            screened["entry"] = [
                self.screen_entry(entry, f"Bundle.entry[{index}]")
                for index, entry in kept
            ]
            self.entry_positions = [index for index, _entry in kept]
        return screened

    def note_bundled_person(self, entry, resource):
        rtype = resource["resourceType"]
        key = person_key(resource)
        if key is None and resource.get("id"):
            key = f"{rtype}/{resource['id']}"
        if entry.get("fullUrl"):
            self.bundled[entry["fullUrl"]] = (rtype, key)
        if resource.get("id"):
            self.bundled[f"{rtype}/{resource['id']}"] = (rtype, key)

    def note_person_data(self, person, path):
        """A removed person resource: its personal elements count as found."""
        found = [
            f"{path}.{key}"
            for key in person
            if key in PERSONAL_ELEMENTS or key in ("name", "gender")
        ]
        self.personal += found
        self.dropped.append(path)

    def screen_entry(self, entry, path):
        if not isinstance(entry, dict):
            return entry
        resource = entry.get("resource")
        others = {k: v for k, v in entry.items() if k != "resource"}
        screened = self.walk(others, path, "Bundle")
        if isinstance(resource, dict) and isinstance(resource.get("resourceType"), str):
            screened["resource"] = self.screen_resource(resource, f"{path}.resource")
        elif resource is not None:
            screened["resource"] = resource
        return screened

    def screen_resource(self, resource, path):
        rtype = resource.get("resourceType")
        contained_persons = {}
        contained = []
        for index, inner in enumerate(resource.get("contained") or []):
            if isinstance(inner, dict) and inner.get("resourceType") in PERSON_TYPES:
                contained_persons[f"#{inner.get('id')}"] = (
                    inner["resourceType"],
                    person_key(inner),
                )
                self.note_person_data(inner, f"{path}.contained[{index}]")
                continue
            contained.append(inner)
        self.contained_persons = contained_persons
        body = {k: v for k, v in resource.items() if k not in ("contained", "text")}
        if "text" in resource:
            self.dropped.append(f"{path}.text")
        screened = self.walk(body, path, rtype)
        if contained:
            screened["contained"] = [
                self.walk(inner, f"{path}.contained[{i}]", inner.get("resourceType"))
                if isinstance(inner, dict)
                else inner
                for i, inner in enumerate(contained)
            ]
        return screened

    # ------------------------------------------------------------------ walk

    def walk(self, node, path, rtype):
        if isinstance(node, list):
            return [self.walk(v, f"{path}[{i}]", rtype) for i, v in enumerate(node)]
        if not isinstance(node, dict):
            return node
        out = {}
        for key, value in node.items():
            sub = f"{path}.{key}"
            if key == "modifierExtension":
                self.refusals.append(sub)
                continue
            if (
                key in ALWAYS_DROPPED
                or key.startswith("_")
                or (key == "text" and is_narrative(value))
            ):
                self.dropped.append(sub)
                continue
            if key in PERSONAL_ELEMENTS or (key == "name" and is_human_name(value)):
                self.personal.append(sub)
                continue
            if key == "identifier" and isinstance(value, (list, dict)):
                out[key] = self.screen_identifiers(value)
                continue
            if isinstance(value, dict) and is_reference(value):
                kept = self.screen_reference(value, (rtype, key), sub)
                if kept is not None:
                    out[key] = kept
                continue
            if isinstance(value, list) and value and all(map(is_reference, value)):
                kept = [
                    self.screen_reference(v, (rtype, key), f"{sub}[{i}]")
                    for i, v in enumerate(value)
                ]
                if any(ref is not None for ref in kept):
                    out[key] = [ref for ref in kept if ref is not None]
                continue
            out[key] = self.walk(value, sub, rtype)
        return out

    def screen_identifiers(self, value):
        if isinstance(value, dict):
            return self.screen_identifier(value)
        return [self.screen_identifier(i) for i in value]

    def screen_identifier(self, identifier):
        if not is_patient_identifier(identifier) or is_token_identifier(identifier):
            return identifier
        key = identifier_key(identifier)
        reference = self.screener.token_reference(key)
        token = reference.get("identifier")
        if token:
            self.tokens.append(token["value"])
        kept = {"type": identifier["type"]} if identifier.get("type") else {}
        return {**kept, **(token or {})}

    # ------------------------------------------------------------------ references

    def person_target(self, reference, slot):
        """(type, key) of the person a reference points to, or None."""
        literal = reference.get("reference")
        if isinstance(literal, str):
            if literal.startswith("#"):
                return self.contained_persons.get(literal)
            if literal in self.bundled:
                return self.bundled[literal]
            parsed = parse_literal_reference(literal)
            if parsed and parsed[0] in PERSON_TYPES:
                found = self.bundled.get(f"{parsed[0]}/{parsed[1]}")
                return found or (parsed[0], f"{parsed[0]}/{parsed[1]}")
        identifier = reference.get("identifier")
        ref_type = reference.get("type")
        is_person = (
            slot in PATIENT_SLOTS
            or ref_type in PERSON_TYPES
            or is_patient_identifier(identifier)
            or is_token_identifier(identifier)
        )
        if not is_person:
            return None
        rtype = ref_type if ref_type in PERSON_TYPES else "Patient"
        if is_token_identifier(identifier):
            return rtype, identifier
        return rtype, identifier_key(identifier)

    def screen_reference(self, reference, slot, path):
        """The reference as kept; None when it is dropped whole."""
        target = self.person_target(reference, slot)
        if target is None and slot in PATIENT_SLOTS:
            target = ("Patient", None)
        if target is None:
            parsed = parse_literal_reference(reference.get("reference"))
            ref_type = reference.get("type") or (parsed[0] if parsed else None)
            if slot in PATIENT_CONTEXT_SLOTS or ref_type in PATIENT_CONTEXT_TYPES:
                self.dropped.append(path)
                return None
            if "display" in reference and ref_type not in NAMELESS_TYPES:
                self.dropped.append(f"{path}.display")
                kept = {k: v for k, v in reference.items() if k != "display"}
                return kept or None
            return reference
        rtype, key = target
        token_reference = self.screener.token_reference(key, rtype)
        if "identifier" in token_reference:
            self.tokens.append(token_reference["identifier"]["value"])
        return token_reference
