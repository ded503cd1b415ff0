"""Reading and building the supply-chain transaction sets (850, 855, 856,
810) on the core's X12 codec, with their declarative maps (``x12_specs``),
and what the maps cannot say:
the 856 HL tree, prices given only in CTP, address lines of repeated N3,
product identifiers by the kind of code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .x12_specs import SPEC_810, SPEC_850, SPEC_855, SPEC_856, SPECS

try:  # inside Odoo
    from odoo.addons.healthcare_integration_core.lib.x12 import (
        envelope,
        guide_check,
        mapping,
        model,
    )
except ImportError:  # database-free use: the core's lib folder is on sys.path
    from lib.x12 import envelope, guide_check, mapping, model  # type: ignore

ControlNumbers, Envelope = envelope.ControlNumbers, envelope.Envelope
build_interchange, check_set = envelope.build_interchange, guide_check.check_set
read, write = mapping.read, mapping.write
Interchange, TransactionSet, X12Error = (
    model.Interchange,
    model.TransactionSet,
    model.X12Error,
)


VERSIONS = {"004010": "004010", "005010": "005010", "4010": "004010", "5010": "005010"}
# product/service id qualifiers (235) of a GTIN by its length: UPC-A,
# EAN-13, GTIN-14 (GTIN-8 is written as a GTIN-14)
GTIN_QUALIFIERS = {12: "UP", 13: "EN", 14: "UK"}
GTIN_READ_ORDER = ("UK", "EN", "UP", "UA")


def gtin_id(code: str) -> tuple[str, str]:
    """(qualifier, value) of a GTIN: ``UP`` UPC-A, ``EN`` EAN-13, ``UK``
    GTIN-14; a GTIN-8 is written as a GTIN-14. Raises X12Error otherwise."""
    if not (code.isascii() and code.isdigit() and len(code) in (8, 12, 13, 14)):
        raise X12Error(f"{code!r} is not a GTIN of 8, 12, 13 or 14 digits")
    if len(code) == 8:
        code = code.zfill(14)
    return GTIN_QUALIFIERS[len(code)], code


def gtin_of(ids: Mapping[str, str]) -> str | None:
    """The GTIN among qualifier/id pairs (UK, EN, UP, UA), if any."""
    for qualifier in GTIN_READ_ORDER:
        if ids.get(qualifier):
            return ids[qualifier]
    return None


def _with_control(transaction_set: TransactionSet, record: dict) -> dict:
    record["control_number"] = transaction_set.control_number
    return record


def _address_lines(party: dict) -> None:
    """N3 repeats (twice in the guides): every line kept in ``address``,
    the first two also as ``street``/``street2``."""
    lines = [
        text
        for entry in party.pop("address_segments", ())
        for text in (entry.get("street"), entry.get("street2"))
        if text
    ]
    party["address"] = lines
    party["street"] = lines[0] if lines else None
    party["street2"] = lines[1] if len(lines) > 1 else None


def _address_segments(party: Mapping) -> dict:
    lines = list(party.get("address") or ())
    if not lines:
        lines = [text for text in (party.get("street"), party.get("street2")) if text]
    pairs = [lines[i : i + 2] for i in range(0, len(lines), 2)]
    segments = [
        {"street": pair[0], "street2": pair[1] if len(pair) > 1 else None}
        for pair in pairs
    ]
    return {**party, "address_segments": segments}


def _ctp_price(line: dict) -> None:
    """PO104 empty: the unit price is the first CTP03 (contract, catalog...)."""
    if line.get("unit_price") is None:
        for price in line.get("prices") or ():
            if price.get("unit_price") is not None:
                line["unit_price"] = price["unit_price"]
                line["price_source"] = f"CTP {price.get('code') or ''}".strip()
                break


def _destinations(line: dict) -> None:
    for entry in line.get("destinations") or ():
        entry["quantities"] = {
            location: Decimal(quantity)
            for location, quantity in entry["quantities"].items()
            if _is_number(quantity)
        }


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def _finish(record: dict) -> dict:
    """What the specs cannot say, after reading: parties' address lines at
    every level, CTP prices, SDQ quantities."""
    for party in record.get("parties") or ():
        _address_lines(party)
    for line in record.get("lines") or ():
        _ctp_price(line)
        _destinations(line)
        for party in line.get("parties") or ():
            _address_lines(party)
    return record


def _prepare(record: Mapping) -> dict:
    """The reverse of ``_finish`` before writing."""
    record = dict(record)
    record["parties"] = [_address_segments(p) for p in record.get("parties") or ()]
    lines = []
    for line in record.get("lines") or ():
        line = dict(line)
        line["parties"] = [_address_segments(p) for p in line.get("parties") or ()]
        if line.get("price_source", "").startswith("CTP"):
            line["unit_price"] = None  # it is written in its CTP
        lines.append(line)
    record["lines"] = lines
    return record


def map_850(transaction_set: TransactionSet) -> dict[str, Any]:
    """Purchase order: BEG, CUR, REF, PER, ITD, DTM, N1 parties (every N3
    line in ``address``), PO1 lines (CTP prices, SDQ destinations, SCH
    schedules), CTT."""
    record = _finish(read(SPEC_850, transaction_set))
    return _with_control(transaction_set, record)


def map_855(transaction_set: TransactionSet) -> dict[str, Any]:
    """PO acknowledgement: BAK (BAK02 the acknowledgement of the whole
    order), N1 parties, PO1 lines (PO101 optional) each with its ACKs."""
    record = _finish(read(SPEC_855, transaction_set))
    return _with_control(transaction_set, record)


def map_810(transaction_set: TransactionSet) -> dict[str, Any]:
    """Invoice: BIG, CUR, N1, ITD, IT1 lines, TDS/TXI/SAC/CTT totals."""
    record = _finish(read(SPEC_810, transaction_set))
    return _with_control(transaction_set, record)


def map_856(transaction_set: TransactionSet) -> dict[str, Any]:
    """Ship notice: BSN, and ``hierarchy``, the HL levels as a tree.

    Each level keeps only the keys its segments filled, plus ``id``,
    ``parent``, ``level`` and ``children``.
    """
    record = read(SPEC_856, transaction_set)
    for level in record["levels"]:
        for party in level.get("parties") or ():
            _address_lines(party)
    record["hierarchy"] = _tree(record.pop("levels"))
    return _with_control(transaction_set, record)


def _compact(value: Any) -> Any:
    """``value`` without its None values and empty collections, recursively."""
    if isinstance(value, dict):
        kept = ((key, _compact(item)) for key, item in value.items())
        return {key: item for key, item in kept if item not in (None, {}, [])}
    if isinstance(value, list):
        return [_compact(item) for item in value]
    return value


def _tree(levels: list[dict[str, Any]]) -> list[dict[str, Any]]:
    nodes: dict[str, dict[str, Any]] = {}
    roots = []
    for level in levels:
        hl_id, parent = level["id"], level["parent"]
        node = {"id": hl_id, "parent": parent, "level": level["level"]}
        node.update(_compact(level))
        node["children"] = []
        if not hl_id or hl_id in nodes:
            raise X12Error(f"HL01 {hl_id!r} is missing or repeated", segment_id="HL")
        if parent and parent not in nodes:
            raise X12Error(
                f"HL {hl_id}: HL02 {parent!r} is not an earlier HL01", segment_id="HL"
            )
        nodes[hl_id] = node
        (nodes[parent]["children"] if parent else roots).append(node)
    return roots


def _ids_of(item: Mapping, qualifier: str) -> list[str]:
    found = [item["ids"][qualifier]] if qualifier in item.get("ids", {}) else []
    for subline in item.get("sublines", ()):
        if qualifier in subline.get("ids", {}):
            found.append(subline["ids"][qualifier])
    return found


def _item_line(item: Mapping, pack: Mapping | None) -> dict[str, Any]:
    marks = (pack or {}).get("marks", {})
    return {
        "line_number": item.get("line_number"),
        "ids": {k: v for k, v in item.get("ids", {}).items() if k not in ("LT", "SN")},
        "quantity": item.get("quantity"),
        "uom": item.get("uom"),
        "description": item.get("description"),
        "lots": _ids_of(item, "LT") + item.get("lots", []),
        "serials": _ids_of(item, "SN") + item.get("serials", []),
        "expiry": item.get("dates", {}).get("036"),
        "sscc": marks.get("GM"),
    }


def flatten_856(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Per order (HL O, PRF): its item lines with lots, serials, expiry (DTM
    036) and the SSCC of the pack (MAN GM) holding them."""
    orders: list[dict[str, Any]] = []
    # an explicit stack, not recursion: the depth of an HL tree is the sender's
    stack = [(root, None, None) for root in reversed(document.get("hierarchy", ()))]
    while stack:
        node, order, pack = stack.pop()
        level = node.get("level")
        if level == "O":
            order = {"po_number": node.get("po_number"), "lines": []}
            orders.append(order)
        elif level in ("P", "T"):
            pack = node
        elif level == "I":
            if order is None:
                order = {"po_number": None, "lines": []}
                orders.append(order)
            order["lines"].append(_item_line(node, pack))
        children = node.get("children", ())
        stack.extend((child, order, pack) for child in reversed(children))
    return orders


def _levels(roots: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The tree of map_856 back to HL levels, numbering levels without an id."""
    levels: list[dict[str, Any]] = []
    stack: list[tuple[Mapping, str | None]] = [(root, None) for root in reversed(roots)]
    while stack:
        node, parent = stack.pop()
        level = {k: v for k, v in node.items() if k != "children"}
        level["id"] = str(level.get("id") or len(levels) + 1)
        level["parent"] = parent
        levels.append(level)
        children = node.get("children", ())
        stack.extend((child, level["id"]) for child in reversed(children))
    return levels


def build_document(
    set_id: str,
    record: Mapping[str, Any],
    envelope: Envelope | Mapping,
    control_numbers: ControlNumbers,
    version: str = "004010",
    check: bool = True,
) -> Interchange:
    """An interchange holding one ``set_id`` set written from ``record``
    (a dict shaped like what ``map_<set_id>`` returns); with ``check``, a set
    breaking its implementation guide raises ``X12Error`` naming why."""
    spec = SPECS.get(set_id)
    if spec is None:
        raise X12Error(f"no spec for transaction set {set_id!r}")
    if version not in VERSIONS:
        raise X12Error(f"version {version!r} is not 004010 or 005010")
    record = _prepare(record)
    if set_id == "856" and "hierarchy" in record:
        record["levels"] = [
            {
                **level,
                "parties": [_address_segments(p) for p in level.get("parties") or ()],
            }
            for level in _levels(record["hierarchy"])
        ]
    line_key = "levels" if set_id == "856" else "lines"
    totals = dict(record.get("totals") or {})
    if totals.get("lines") is None:
        # CTT01: PO1/IT1 lines, HL segments in an 856
        totals["lines"] = len(record.get(line_key) or ())
    record["totals"] = totals
    segments = write(spec, record)
    if check:
        # what a partner's validator would reject is not written
        draft = TransactionSet(set_id, "0001", tuple(segments))
        problems = check_set(draft, VERSIONS[version])
        if problems:
            raise X12Error(
                f"the {set_id} breaks its implementation guide: "
                + "; ".join(problem.describe() for problem in problems)
            )
    return build_interchange(
        envelope,
        spec.functional_id,
        [(set_id, segments)],
        control_numbers,
        VERSIONS[version],
    )


def build_850(
    order: Mapping[str, Any],
    envelope: Envelope | Mapping,
    control_numbers: ControlNumbers,
    version: str = "004010",
) -> Interchange:
    """A purchase order interchange; CTT01 counts the lines when not given."""
    if not order.get("po_number") or not order.get("lines"):
        raise X12Error("an 850 needs a po_number and at least one line")
    if not order.get("date"):
        # BEG05 is mandatory: an order without its date is dated the day it is sent
        when = Envelope.coerce(envelope).when or dt.datetime.now(dt.UTC)
        order = {**order, "date": when.date()}
    return build_document("850", order, envelope, control_numbers, version)
