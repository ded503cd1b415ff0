"""Declarative maps of the supply-chain transaction sets (850, 855, 856, 810)
between segments and plain dicts (see ``mapping``). The same specs serve
004010 and 005010: the segments and elements used here did not change
between the two.

Keys of the records: see the specs below; quantities and amounts are
``Decimal``, dates ``datetime.date``, codes and identifiers ``str``.
"""

from __future__ import annotations

try:  # inside Odoo
    from odoo.addons.healthcare_integration_core.lib.x12 import mapping
except ImportError:  # database-free use: the core's lib folder is on sys.path
    from lib.x12 import mapping  # type: ignore

Append, Collect, Const, Document = (
    mapping.Append,
    mapping.Collect,
    mapping.Const,
    mapping.Document,
)
Keyed, Loop, Merge, Pairs, F = (
    mapping.Keyed,
    mapping.Loop,
    mapping.Merge,
    mapping.Pairs,
    mapping.Field,
)

PARTIES = Loop(
    "parties",
    Merge("N1", F("qualifier", 1), F("name", 2), F("id_qualifier", 3), F("id", 4)),
    Merge("N2", F("name2", 1)),
    # N3 repeats: both kept (documents._address_lines)
    Append("N3", "address_segments", F("street", 1), F("street2", 2)),
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
# PO104 may be empty: the price is then in a CTP (documents._ctp_price)
PRICES = Append(
    "CTP",
    "prices",
    F("class", 1),
    F("code", 2),
    F("unit_price", 3, "decimal"),
    F("quantity", 4, "decimal"),
    F("uom", 5, component=1),
    F("multiplier", 7, "decimal"),
)
# quantities per destination: SDQ03/04, 05/06... location id and quantity
DESTINATIONS = Append(
    "SDQ", "destinations", F("uom", 1), F("id_qualifier", 2), Pairs("quantities", 3, 22)
)
SCHEDULES = Append(
    "SCH",
    "schedules",
    F("quantity", 1, "decimal"),
    F("uom", 2),
    F("party_qualifier", 3),
    F("party", 4),
    F("date_qualifier", 5),
    F("date", 6, "date"),
    F("time", 7, "time"),
    F("end_date_qualifier", 8),
    F("end_date", 9, "date"),
    F("request_reference", 11),
)
TERMS = Merge(
    "ITD",
    F("type", 1),
    F("basis", 2),
    F("discount_percent", 3, "decimal"),
    F("discount_due_date", 4, "date"),
    F("discount_days", 5, "int"),
    F("net_due_date", 6, "date"),
    F("net_days", 7, "int"),
    F("description", 12),
    into="terms",
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
    TERMS,
    DATES,
    PARTIES,
    Loop(
        "lines",
        Merge("PO1", *LINE),
        PRICES,
        DESCRIPTION,
        PACKAGING,
        REFS,
        DESTINATIONS,
        DATES,
        SCHEDULES,
        PARTIES,
    ),
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
    TERMS,
    DATES,
    PARTIES,
    Loop(
        "lines",
        Merge("PO1", *LINE),
        PRICES,
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
    TERMS,
    DATES,
    Loop(
        "lines", Merge("IT1", *LINE), TAXES, PRICES, DESCRIPTION, REFS, DATES, CHARGES
    ),
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
