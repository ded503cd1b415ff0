"""Specs of the supply-chain transaction sets (850, 855, 856, 810) and their
read/build functions. The same specs serve 004010 and 005010: the segments and
elements used here did not change between the two.

Keys of the records: see the specs below; quantities and amounts are
``Decimal``, dates ``datetime.date``, codes and identifiers ``str``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .envelope import ControlNumbers, Envelope, build_interchange
from .mapping import (
    Append,
    Collect,
    Const,
    Document,
    Keyed,
    Loop,
    Merge,
    Pairs,
    read,
    write,
)
from .mapping import Field as F
from .model import Interchange, TransactionSet, X12Error

VERSIONS = {"004010": "004010", "005010": "005010", "4010": "004010", "5010": "005010"}

PARTIES = Loop(
    "parties",
    Merge("N1", F("qualifier", 1), F("name", 2), F("id_qualifier", 3), F("id", 4)),
    Merge("N2", F("name2", 1)),
    Merge("N3", F("street", 1), F("street2", 2)),
    Merge("N4", F("city", 1), F("state", 2), F("postal_code", 3), F("country", 4)),
    Append(
        "PER", "contacts", F("function", 1), F("name", 2), Pairs("communications", 3, 8)
    ),
)
REFS = Keyed("REF", "refs", 1, F("value", 2))
DATES = Keyed("DTM", "dates", 1, F("date", 2, "date"))
CONTACTS = Append(
    "PER", "contacts", F("function", 1), F("name", 2), Pairs("communications", 3, 8)
)
DESCRIPTION = Merge("PID", F("description", 5), when=((1, "F"),))
PACKAGING = Merge(
    "PO4", F("pack", 1, "int"), F("pack_size", 2, "decimal"), F("pack_uom", 3)
)
# PO1 and IT1 share their first elements; ids are qualifier/id pairs (VP, IN, UP...)
LINE = (
    F("line_number", 1),
    F("quantity", 2, "decimal"),
    F("uom", 3),
    F("unit_price", 4, "decimal"),
    F("basis", 5),
    Pairs("ids", 6, 25),
)
LINE_COUNT = Merge(
    "CTT", F("lines", 1, "int"), F("hash_total", 2, "decimal"), into="totals"
)
TAXES = Append(
    "TXI",
    "taxes",
    F("type", 1),
    F("amount", 2, "decimal"),
    F("percent", 3, "decimal"),
    F("jurisdiction_qualifier", 4),
    F("jurisdiction", 5),
    F("exempt", 6),
)
CHARGES = Append(
    "SAC",
    "charges",
    F("indicator", 1),
    F("code", 2),
    F("amount", 5, "implied2"),
    F("percent_qualifier", 6),
    F("percent", 7, "decimal"),
    F("quantity", 10, "decimal"),
    F("description", 15),
)

SPEC_850 = Document(
    "850",
    "PO",
    Merge(
        "BEG",
        F("purpose", 1),
        F("type", 2),
        F("po_number", 3),
        F("release", 4),
        F("date", 5, "date"),
    ),
    Merge("CUR", Const(1, "BY"), F("currency", 2)),
    REFS,
    CONTACTS,
    DATES,
    PARTIES,
    Loop("lines", Merge("PO1", *LINE), DESCRIPTION, PACKAGING, REFS, DATES, PARTIES),
    LINE_COUNT,
)

# ACK01: IA accepted, IB backordered, IQ quantity changed, IR rejected,
# IS substitution, DR date rescheduled...; ACK04 067/068 schedule date
SPEC_855 = Document(
    "855",
    "PR",
    Merge(
        "BAK",
        F("purpose", 1),
        F("ack_type", 2),
        F("po_number", 3),
        F("date", 4, "date"),
        F("release", 5),
        F("reference", 8),
        F("ack_date", 9, "date"),
    ),
    Merge("CUR", Const(1, "BY"), F("currency", 2)),
    REFS,
    DATES,
    PARTIES,
    Loop(
        "lines",
        Merge("PO1", *LINE),
        DESCRIPTION,
        PACKAGING,
        REFS,
        DATES,
        Loop(
            "acks",
            Merge(
                "ACK",
                F("status", 1),
                F("quantity", 2, "decimal"),
                F("uom", 3),
                F("date_qualifier", 4),
                F("date", 5, "date"),
                F("request_reference", 6),
                Pairs("ids", 7, 28),
            ),
            DATES,
        ),
    ),
    LINE_COUNT,
)

# one HL loop for every level: shipment S, order O, tare T, pack P, item I
SPEC_856 = Document(
    "856",
    "SH",
    Merge(
        "BSN",
        F("purpose", 1),
        F("shipment_id", 2),
        F("date", 3, "date"),
        F("time", 4, "time"),
        F("structure", 5),
    ),
    DATES,
    Loop(
        "levels",
        Merge("HL", F("id", 1), F("parent", 2), F("level", 3), F("child_code", 4)),
        Merge("LIN", F("line_number", 1), Pairs("ids", 2, 31)),
        Merge(
            "SN1",
            F("quantity", 2, "decimal"),
            F("uom", 3),
            F("ordered_quantity", 5, "decimal"),
            F("ordered_uom", 6),
            F("status", 8),
        ),
        Append(
            "SLN",
            "sublines",
            F("id", 1),
            F("relationship", 3),
            F("quantity", 4, "decimal"),
            F("uom", 5),
            Pairs("ids", 9, 28),
        ),
        Merge(
            "PRF",
            F("po_number", 1),
            F("release", 2),
            F("change_order", 3),
            F("po_date", 4, "date"),
        ),
        PACKAGING,
        DESCRIPTION,
        Merge(
            "TD1",
            F("packaging_code", 1),
            F("lading_quantity", 2, "int"),
            F("weight_qualifier", 6),
            F("weight", 7, "decimal"),
            F("weight_uom", 8),
            into="lading",
        ),
        Merge(
            "TD5",
            F("routing_sequence", 1),
            F("id_qualifier", 2),
            F("id", 3),
            F("transport_method", 4),
            F("name", 5),
            into="carrier",
        ),
        Collect("REF", "lots", F("lot", 2), when=((1, "LT"),)),
        Collect("REF", "serials", F("serial", 2), when=((1, "SE"),)),
        REFS,
        Keyed("MAN", "marks", 1, F("mark", 2)),
        DATES,
        PARTIES,
    ),
    LINE_COUNT,
)

SPEC_810 = Document(
    "810",
    "IN",
    Merge(
        "BIG",
        F("date", 1, "date"),
        F("invoice_number", 2),
        F("po_date", 3, "date"),
        F("po_number", 4),
        F("release", 5),
        F("change_order", 6),
        F("type", 7),
    ),
    Merge("CUR", Const(1, "SE"), F("currency", 2)),
    REFS,
    PARTIES,
    Merge(
        "ITD",
        F("type", 1),
        F("basis", 2),
        F("discount_percent", 3, "decimal"),
        F("discount_due_date", 4, "date"),
        F("discount_days", 5, "int"),
        F("net_due_date", 6, "date"),
        F("net_days", 7, "int"),
        into="terms",
    ),
    DATES,
    Loop("lines", Merge("IT1", *LINE), TAXES, DESCRIPTION, REFS, DATES, CHARGES),
    # TDS amounts are N2: "12345" is 123.45
    Merge(
        "TDS",
        F("amount", 1, "implied2"),
        F("subject_to_discount", 2, "implied2"),
        F("discounted_amount", 3, "implied2"),
        F("discount", 4, "implied2"),
        into="totals",
    ),
    TAXES,
    CHARGES,
    Merge("CTT", F("lines", 1, "int"), into="totals"),
)

SPECS = {spec.set_id: spec for spec in (SPEC_850, SPEC_855, SPEC_856, SPEC_810)}


def _with_control(transaction_set: TransactionSet, record: dict) -> dict:
    record["control_number"] = transaction_set.control_number
    return record


def map_850(transaction_set: TransactionSet) -> dict[str, Any]:
    """Purchase order: BEG, CUR, REF, PER, DTM, N1 parties, PO1 lines, CTT."""
    return _with_control(transaction_set, read(SPEC_850, transaction_set))


def map_855(transaction_set: TransactionSet) -> dict[str, Any]:
    """PO acknowledgement: BAK, N1 parties, PO1 lines each with its ACKs."""
    return _with_control(transaction_set, read(SPEC_855, transaction_set))


def map_810(transaction_set: TransactionSet) -> dict[str, Any]:
    """Invoice: BIG, CUR, N1, ITD, IT1 lines, TDS/TXI/SAC/CTT totals."""
    return _with_control(transaction_set, read(SPEC_810, transaction_set))


def map_856(transaction_set: TransactionSet) -> dict[str, Any]:
    """Ship notice: BSN, and ``hierarchy``, the HL levels as a tree.

    Each level keeps only the keys its segments filled, plus ``id``,
    ``parent``, ``level`` and ``children``.
    """
    record = read(SPEC_856, transaction_set)
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
) -> Interchange:
    """An interchange holding one ``set_id`` set written from ``record``
    (a dict shaped like what ``map_<set_id>`` returns)."""
    spec = SPECS.get(set_id)
    if spec is None:
        raise X12Error(f"no spec for transaction set {set_id!r}")
    if version not in VERSIONS:
        raise X12Error(f"version {version!r} is not 004010 or 005010")
    record = dict(record)
    if set_id == "856" and "hierarchy" in record:
        record["levels"] = _levels(record["hierarchy"])
    line_key = "levels" if set_id == "856" else "lines"
    totals = dict(record.get("totals") or {})
    if totals.get("lines") is None:
        # CTT01: PO1/IT1 lines, HL segments in an 856
        totals["lines"] = len(record.get(line_key) or ())
    record["totals"] = totals
    segments = write(spec, record)
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
    return build_document("850", order, envelope, control_numbers, version)
