"""Supplier master records: reading them, and deciding which partner one is.

A supplier is matched to an Odoo partner by VAT, then GLN, then the backend's
supplier crosswalk, never by name alone. ``decide`` takes the candidates each
key found and answers one ``Decision``: the partner to update, "create", or a
conflict naming every partner concerned::

    >>> decide({"vat": "BE0477472701"}, by_vat=[7], by_gln=[], by_code=[],
    ...        vat_of={7: "BE 0477.472.701"})
    Decision(partner_id=7, conflict=None, partners=(7,))
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from . import documents as docs

# fields of a supplier record and the partner fields they set
PARTNER_FIELDS = {
    "name": "name",
    "vat": "vat",
    "gln": "global_location_number",
    "street": "street",
    "street2": "street2",
    "city": "city",
    "zip": "zip",
    "email": "email",
    "phone": "phone",
    "website": "website",
}
ADDRESS_TYPES = ("invoice", "delivery", "other")
# what screen_payload keeps of a supplier record: everything else is dropped
KEPT_KEYS = {
    "supplier_id",
    "country",
    "payment_term",
    "bank_accounts",
    "addresses",
    "updated_at",
    *PARTNER_FIELDS,
}
KEPT_ADDRESS_KEYS = {"id", "type", "gln", "country", *PARTNER_FIELDS}
KEPT_BANK_KEYS = {"acc_number", "bic", "holder"}
_VAT_NOISE = re.compile(r"[\s.\-/]")


def normalize_vat(vat: str | None) -> str:
    return _VAT_NOISE.sub("", vat or "").upper()


def minimize(record: Mapping) -> dict:
    """The supplier record with only the keys the flow uses."""
    kept = {key: value for key, value in record.items() if key in KEPT_KEYS}
    if isinstance(kept.get("addresses"), list):
        kept["addresses"] = [
            {k: v for k, v in a.items() if k in KEPT_ADDRESS_KEYS}
            for a in kept["addresses"]
            if isinstance(a, Mapping)
        ]
    if isinstance(kept.get("bank_accounts"), list):
        kept["bank_accounts"] = [
            {k: v for k, v in b.items() if k in KEPT_BANK_KEYS}
            for b in kept["bank_accounts"]
            if isinstance(b, Mapping)
        ]
    return kept


def read_supplier(record) -> dict:
    """A supplier record checked: ``supplier_id`` and ``name`` are required."""
    if not isinstance(record, Mapping):
        raise docs.DocumentError("A supplier must be a JSON object")
    code = docs.text(record.get("supplier_id"))
    if not code:
        raise docs.DocumentError("A supplier needs a 'supplier_id'")
    if "name" in record and not docs.text(record.get("name")):
        raise docs.DocumentError(f"Supplier {code}: the name may not be empty")
    for key in ("addresses", "bank_accounts"):
        if key in record and not isinstance(record[key], list):
            raise docs.DocumentError(f"Supplier {code}: '{key}' must be a list")
    for address in record.get("addresses") or ():
        if not isinstance(address, Mapping):
            raise docs.DocumentError(f"Supplier {code}: an address is not an object")
        if address.get("type", "other") not in ADDRESS_TYPES:
            raise docs.DocumentError(
                f"Supplier {code}: address type {address.get('type')!r} is not one "
                f"of {', '.join(ADDRESS_TYPES)}"
            )
        if not (docs.text(address.get("id")) or docs.text(address.get("gln"))):
            raise docs.DocumentError(
                f"Supplier {code}: an address needs an 'id' or a 'gln'"
            )
    for bank in record.get("bank_accounts") or ():
        if not isinstance(bank, Mapping) or not docs.text(bank.get("acc_number")):
            raise docs.DocumentError(
                f"Supplier {code}: a bank account needs an 'acc_number'"
            )
    return dict(record, supplier_id=code)


@dataclass(frozen=True)
class Decision:
    partner_id: int | None
    conflict: str | None
    partners: tuple[int, ...] = ()

    @property
    def is_new(self) -> bool:
        return self.partner_id is None and self.conflict is None


def decide(record, by_vat, by_gln, by_code, vat_of: Mapping[int, str]) -> Decision:
    """Which partner ``record`` is, from the partners each key found.

    VAT decides first: two partners with the supplier's VAT is a conflict;
    else the first key that finds partners names them, and every other key
    that finds a different partner is a conflict too. A partner found by GLN
    or crosswalk whose VAT differs from the supplier's is a conflict.
    """
    found = [ids for ids in (by_vat, by_gln, by_code) if ids]
    every = tuple(sorted({pid for ids in found for pid in ids}))
    if not every:
        return Decision(None, None)
    if len(every) > 1:
        return Decision(None, "several_partners", every)
    partner_id = every[0]
    vat = normalize_vat(record.get("vat"))
    theirs = normalize_vat(vat_of.get(partner_id))
    if vat and theirs and vat != theirs:
        return Decision(None, "other_vat", every)
    return Decision(partner_id, None, every)
