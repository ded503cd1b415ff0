"""What was exchanged against a partner's control report, per day and type.

A reconciliation compares two views of one period: the documents the product
exchanged with a partner (ours) and the partner's control report. A report
lists either the documents it saw (each compared by reference: missing on
either side, amount differs) or only totals per day and document type
(compared by count and amount, as an X12 ``GE``/``CTT`` trailer gives them).
Database-free.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

try:  # inside Odoo
    from odoo.addons.healthcare_integration_core.lib import document_values
except ImportError:  # database-free use: the core's lib folder is on sys.path
    from lib import document_values  # type: ignore[no-redef]

MISSING_AT_PARTNER = "missing_at_partner"
MISSING_HERE = "missing_here"
AMOUNT_DIFFERS = "amount_differs"
COUNT_DIFFERS = "count_differs"
KINDS = (MISSING_AT_PARTNER, MISSING_HERE, AMOUNT_DIFFERS, COUNT_DIFFERS)
ZERO = Decimal(0)


class ReportError(ValueError):
    """A control report that cannot be read (its shape or a value)."""


@dataclass(frozen=True)
class Document:
    """One document of a period: when, what type, its reference and amount.

    ``origin`` says where the document is on our side (e.g. the message and
    record that carried it); it plays no part in the comparison.
    """

    day: date
    doc_type: str
    reference: str
    amount: Decimal | None = None
    origin: object = field(default=None, compare=False)


@dataclass(frozen=True)
class Total:
    """The count (and summed amount) of one day and document type."""

    day: date
    doc_type: str
    count: int
    amount: Decimal | None = None


@dataclass(frozen=True)
class ControlReport:
    """A partner's view of a period: its documents, or only its totals."""

    documents: tuple[Document, ...] | None = None
    totals: tuple[Total, ...] = ()

    def all_totals(self):
        if self.documents is not None:
            return totals_of(self.documents)
        return {(t.day, t.doc_type): t for t in self.totals}


@dataclass(frozen=True)
class Difference:
    """A difference, with the reference involved (None between totals)."""

    day: date
    doc_type: str
    kind: str
    reference: str | None
    our_count: int
    their_count: int
    our_amount: Decimal | None
    their_amount: Decimal | None
    origin: object = field(default=None, compare=False)

    @property
    def key(self):
        """What identifies the same difference found again by a new check."""
        return (self.day, self.doc_type, self.kind, self.reference or "")


def to_decimal(value, where):
    """A report's amount as a Decimal (None when absent); ReportError if unreadable."""
    if value is None or value == "":
        return None
    return document_values.decimal(value, where, ReportError)


def totals_of(documents):
    """{(day, type): Total} of documents; amounts sum when every one has one."""
    counts, amounts = {}, {}
    for doc in documents:
        key = (doc.day, doc.doc_type)
        counts[key] = counts.get(key, 0) + 1
        if doc.amount is None:
            amounts[key] = None
        elif key not in amounts or amounts[key] is not None:
            amounts[key] = amounts.get(key, ZERO) + doc.amount
    return {
        key: Total(key[0], key[1], count, amounts.get(key))
        for key, count in counts.items()
    }


def _differs(ours, theirs, tolerance):
    return ours is not None and theirs is not None and abs(ours - theirs) > tolerance


def compare(ours, report, tolerance=ZERO):
    """The differences between our documents and a control report, sorted.

    With the partner's documents, each reference is compared (a document is
    matched by type and reference across the period, so a document the
    partner dated a day later is no difference); with totals only, each day
    and type is compared by count and amount. Amounts within ``tolerance``
    are equal; an amount missing on either side is not compared.
    """
    differences = []
    if report.documents is not None:
        mine = {(d.doc_type, d.reference): d for d in ours}
        theirs = {(d.doc_type, d.reference): d for d in report.documents}
        # only the differences are sorted: a day may hold a million documents
        for key in mine.keys() | theirs.keys():
            our_doc, their_doc = mine.get(key), theirs.get(key)
            doc = our_doc or their_doc
            if their_doc is None:
                kind = MISSING_AT_PARTNER
            elif our_doc is None:
                kind = MISSING_HERE
            elif _differs(our_doc.amount, their_doc.amount, tolerance):
                kind = AMOUNT_DIFFERS
            else:
                continue
            differences.append(
                Difference(
                    doc.day,
                    doc.doc_type,
                    kind,
                    doc.reference,
                    int(our_doc is not None),
                    int(their_doc is not None),
                    our_doc.amount if our_doc else None,
                    their_doc.amount if their_doc else None,
                    our_doc.origin if our_doc else None,
                )
            )
        return sorted(differences, key=lambda d: (d.doc_type, d.reference))
    mine, theirs = totals_of(ours), report.all_totals()
    for key in sorted(set(mine) | set(theirs)):
        our_total = mine.get(key) or Total(key[0], key[1], 0, None)
        their_total = theirs.get(key) or Total(key[0], key[1], 0, None)
        if our_total.count != their_total.count:
            kind = COUNT_DIFFERS
        elif _differs(our_total.amount, their_total.amount, tolerance):
            kind = AMOUNT_DIFFERS
        else:
            continue
        differences.append(
            Difference(
                key[0],
                key[1],
                kind,
                None,
                our_total.count,
                their_total.count,
                our_total.amount,
                their_total.amount,
            )
        )
    return differences


def figures(ours, report):
    """(our count, their count, our amount, their amount) of a whole period."""

    def summed(totals):
        amounts = [t.amount for t in totals if t.amount is not None]
        return sum(t.count for t in totals), sum(amounts, ZERO) if amounts else None

    our_count, our_amount = summed(totals_of(ours).values())
    their_count, their_amount = summed(report.all_totals().values())
    return our_count, their_count, our_amount, their_amount


# ---------------------------------------------------------------------- reading


def _day(value, where, default):
    if value in (None, "") and default is not None:
        return default
    return document_values.date(value, f"{where}: date", ReportError)


def _text(entry, name, where):
    value = entry.get(name)
    if type(value) is str and value:  # the common case, first (a million a day)
        return value
    if value in (None, "") or isinstance(value, dict | list):
        raise ReportError(f"{where}: {name} is needed")
    return str(value)


def read_report(data, default_day=None):
    """A ControlReport from its JSON form; ReportError when unusable.

    ``{"documents": [{"type", "reference", "amount", "date"}, ...]}`` or
    ``{"totals": [{"type", "count", "amount", "date"}, ...]}``; an entry
    without a date is of ``default_day`` (the day the report was asked for).
    """
    if not isinstance(data, dict):
        raise ReportError("a control report is an object")
    if "documents" in data:
        entries = data["documents"]
        if not isinstance(entries, list):
            raise ReportError("documents: a list is needed")
        documents = []
        for n, entry in enumerate(entries):
            where = f"documents[{n}]"
            if not isinstance(entry, dict):
                raise ReportError(f"{where}: an object is needed")
            documents.append(
                Document(
                    _day(entry.get("date"), where, default_day),
                    _text(entry, "type", where),
                    _text(entry, "reference", where),
                    to_decimal(entry.get("amount"), f"{where}.amount"),
                )
            )
        return ControlReport(documents=tuple(documents))
    entries = data.get("totals")
    if not isinstance(entries, list):
        raise ReportError("a control report has documents or totals")
    totals = []
    for n, entry in enumerate(entries):
        where = f"totals[{n}]"
        if not isinstance(entry, dict):
            raise ReportError(f"{where}: an object is needed")
        count = entry.get("count")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ReportError(f"{where}: count is a whole number, not {count!r}")
        totals.append(
            Total(
                _day(entry.get("date"), where, default_day),
                _text(entry, "type", where),
                count,
                to_decimal(entry.get("amount"), f"{where}.amount"),
            )
        )
    return ControlReport(totals=tuple(totals))


def read_report_csv(body, default_day=None):
    """A ControlReport from a CSV file (bytes, UTF-8, a header row): columns
    ``type, reference, amount, date`` list documents, ``type, count, amount,
    date`` give totals (amount and date optional); read as ``read_report``
    reads the JSON form."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReportError(f"not UTF-8 text at byte {exc.start}") from None
    try:
        rows = list(csv.DictReader(io.StringIO(text)))
    except csv.Error as exc:
        raise ReportError(f"not CSV: {exc}") from None
    columns = set(rows[0]) if rows else set()
    if "reference" in columns or not rows:
        return read_report({"documents": rows}, default_day)
    if "count" not in columns:
        raise ReportError("a control file has a reference or a count column")
    for row in rows:
        count = (row.get("count") or "").strip()
        if count.isdigit():
            row["count"] = int(count)
    return read_report({"totals": rows}, default_day)


def merge(reports):
    """One report of several (e.g. one per day): documents if all list them."""
    reports = list(reports)
    if reports and all(r.documents is not None for r in reports):
        return ControlReport(
            documents=tuple(doc for r in reports for doc in r.documents)
        )
    totals = {}
    for report in reports:
        for key, total in report.all_totals().items():
            if key in totals:
                previous = totals[key]
                amount = (
                    None
                    if previous.amount is None or total.amount is None
                    else previous.amount + total.amount
                )
                total = Total(key[0], key[1], previous.count + total.count, amount)
            totals[key] = total
    return ControlReport(totals=tuple(totals.values()))
