"""Reconciliation against control reports, and the business KPIs' export."""

from datetime import date
from decimal import Decimal

import pytest
from addon_lib import addon_lib

rec = addon_lib("reconciliation", "reconcile")
kpi = addon_lib("reconciliation", "kpi")
D = Decimal
DAY = date(2026, 12, 1)
NEXT = date(2026, 12, 2)


def doc(ref, amount=None, day=DAY, doc_type="order", origin=None):
    return rec.Document(
        day, doc_type, ref, None if amount is None else D(amount), origin
    )


def test_documents_matched_whatever_their_order_and_origin():
    ours = [doc("PO-1", "10.00", origin=(1, "purchase.order", 7)), doc("PO-2", "5")]
    report = rec.ControlReport(documents=(doc("PO-2", "5.00"), doc("PO-1", "10")))
    assert rec.compare(ours, report) == []
    assert rec.figures(ours, report) == (2, 2, D("15.00"), D("15.00"))


def test_each_kind_of_document_difference():
    ours = [doc("PO-1", "10.00", origin=(1, "purchase.order", 7)), doc("PO-2", "5")]
    report = rec.ControlReport(documents=(doc("PO-1", "12.50"), doc("PO-9", "1")))
    found = rec.compare(ours, report)
    assert [(d.reference, d.kind) for d in found] == [
        ("PO-1", rec.AMOUNT_DIFFERS),
        ("PO-2", rec.MISSING_AT_PARTNER),
        ("PO-9", rec.MISSING_HERE),
    ]
    assert found[0].origin == (1, "purchase.order", 7)
    assert (found[0].our_amount, found[0].their_amount) == (D("10.00"), D("12.50"))
    assert (found[2].our_count, found[2].their_count) == (0, 1)
    assert found[2].origin is None


def test_tolerance_and_missing_amounts():
    ours = [doc("PO-1", "10.00"), doc("PO-2")]
    report = rec.ControlReport(documents=(doc("PO-1", "10.01"), doc("PO-2", "3")))
    assert rec.compare(ours, report, D("0.01")) == []
    assert [d.kind for d in rec.compare(ours, report)] == [rec.AMOUNT_DIFFERS]


def test_a_document_dated_a_day_later_by_the_partner_is_no_difference():
    ours = [doc("PO-1", "1")]
    assert (
        rec.compare(ours, rec.ControlReport(documents=(doc("PO-1", "1", NEXT),))) == []
    )


def test_totals_compared_per_day_and_type():
    ours = [doc("A"), doc("B"), doc("C", doc_type="invoice"), doc("D", day=NEXT)]
    report = rec.ControlReport(
        totals=(
            rec.Total(DAY, "order", 2),
            rec.Total(DAY, "invoice", 2),
            rec.Total(NEXT, "asn", 1),
        )
    )
    found = rec.compare(ours, report)
    assert [(d.day, d.doc_type, d.kind, d.our_count, d.their_count) for d in found] == [
        (DAY, "invoice", rec.COUNT_DIFFERS, 1, 2),
        (NEXT, "asn", rec.COUNT_DIFFERS, 0, 1),
        (NEXT, "order", rec.COUNT_DIFFERS, 1, 0),
    ]
    assert all(d.reference is None for d in found)


def test_totals_amounts_compared_when_counts_agree():
    ours = [doc("A", "1.50"), doc("B", "2.50")]
    report = rec.ControlReport(totals=(rec.Total(DAY, "order", 2, D("4.10")),))
    [difference] = rec.compare(ours, report)
    assert difference.kind == rec.AMOUNT_DIFFERS
    assert difference.our_amount == D("4.00")
    assert rec.compare(ours, report, D("0.10")) == []


def test_difference_key_is_stable_across_checks():
    one = rec.compare([doc("PO-1", "1")], rec.ControlReport(documents=()))
    two = rec.compare([doc("PO-1", "2")], rec.ControlReport(documents=()))
    assert one[0].key == two[0].key == (DAY, "order", rec.MISSING_AT_PARTNER, "PO-1")


def test_read_report_documents_and_totals():
    report = rec.read_report(
        {"documents": [{"type": "order", "reference": 7, "amount": "1.20"}]}, DAY
    )
    assert report.documents == (doc("7", "1.20"),)
    report = rec.read_report(
        {"totals": [{"type": "810", "count": 3, "amount": 9, "date": "2026-12-02"}]}
    )
    assert report.totals == (rec.Total(NEXT, "810", 3, D(9)),)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ([], "an object"),
        ({}, "documents or totals"),
        ({"documents": {}}, "a list"),
        ({"documents": [{"type": "order"}]}, "reference is needed"),
        ({"documents": [{"type": "o", "reference": "r", "amount": "x"}]}, "amount"),
        ({"documents": [{"type": "o", "reference": "r", "amount": "NaN"}]}, "amount"),
        ({"documents": [{"type": "o", "reference": "r", "date": "1/2/26"}]}, "date"),
        ({"totals": [{"type": "o", "count": -1}]}, "whole number"),
        ({"totals": [{"type": "o", "count": True}]}, "whole number"),
        ({"totals": [{"type": "o", "count": 1}]}, "date is missing"),
    ],
)
def test_unreadable_reports(data, error):
    default_day = None if error == "date is missing" else DAY
    with pytest.raises(rec.ReportError, match=error):
        rec.read_report(data, default_day)


def test_merge_reports():
    merged = rec.merge(
        [
            rec.ControlReport(totals=(rec.Total(DAY, "810", 2, D(3)),)),
            rec.ControlReport(documents=(doc("X", "1", doc_type="810"),)),
        ]
    )
    assert merged.totals == (rec.Total(DAY, "810", 3, D(4)),)


def test_kpi_readings_and_trend():
    assert kpi.reading(kpi.INVOICE_FIRST_MATCH, 4, 3) == "75.0 %"
    assert kpi.reading(kpi.ACK_LATENCY, 2, 7200) == "1.0 h"
    assert kpi.reading(kpi.ACK_LATENCY, 0, 0) == "-"
    assert kpi.trend(kpi.EXCEPTION_RATE, 0.1, 0.2) == ("down", True)
    assert kpi.trend(kpi.INVOICE_FIRST_MATCH, 0.1, 0.2) == ("down", False)
    assert kpi.trend(kpi.ACK_LATENCY, None, 3) == ("flat", None)


def test_kpi_of_a_domain_addon_reads_as_declared():
    # a KPI the lib does not know reads from the definitions it is given
    # (hc.kpi._hc_kpi_definitions), not as the default rate where higher is better
    kpis = {**kpi.KPIS, "return_time": ("Return time", kpi.SECONDS, False)}
    assert kpi.reading("return_time", 2, 7200, kpis) == "1.0 h"
    assert kpi.in_unit("return_time", 5400, kpis) == 1.5
    assert kpi.unit_label("return_time", kpis) == "h"
    assert kpi.worse_than("return_time", 5, 4, kpis)
    assert kpi.trend("return_time", 3, 4, kpis) == ("down", True)
    assert not kpi.higher_is_better("return_time", kpis)
    assert kpi.higher_is_better("return_time")  # unknown to the lib alone


def test_kpi_exposition():
    text = kpi.exposition(
        [
            {
                "kpi": "ack_latency",
                "company": "Group",
                "backend": "northbay",
                "flow": "ack_in",
                "partner": "Northbay",
                "count": 4,
                "sum": 600.0,
            }
        ],
        [
            {
                "company": "Group",
                "backend": "northbay",
                "flow": "po_out",
                "reconciliation": "Orders",
                "open_differences": 2,
                "matched": False,
            }
        ],
    ).decode()
    labels = 'backend="northbay",company="Group",flow="ack_in",kpi="ack_latency"'
    assert f'hc_kpi_count{{{labels},partner="Northbay"}} 4.0' in text
    assert f'hc_kpi_sum{{{labels},partner="Northbay"}} 600.0' in text
    assert "hc_reconciliation_open_differences{" in text
    assert 'reconciliation="Orders"} 0.0' in text  # hc_reconciliation_matched


def test_kpi_alert_units_and_direction():
    assert kpi.in_unit(kpi.EXCEPTION_RATE, 0.125) == 12.5
    assert kpi.in_unit(kpi.ACK_LATENCY, 5400) == 1.5
    assert kpi.in_unit(kpi.ACK_LATENCY, None) is None
    assert (kpi.unit_label(kpi.FILL_RATE), kpi.unit_label(kpi.CYCLE_TIME)) == ("%", "h")
    # lower is better: alert above; higher is better: alert below
    assert kpi.worse_than(kpi.ACK_LATENCY, 5, 4)
    assert not kpi.worse_than(kpi.ACK_LATENCY, 4, 4)
    assert kpi.worse_than(kpi.INVOICE_FIRST_MATCH, 80, 90)
    assert not kpi.worse_than(kpi.INVOICE_FIRST_MATCH, 95, 90)
    assert not kpi.worse_than(kpi.STOCKOUT_RISK, None, 0)


def test_kpi_gauges_exported_apart():
    row = {
        "kpi": kpi.STOCKOUT_RISK,
        "company": "Group",
        "backend": "ehr",
        "flow": "availability",
        "partner": "",
        "count": 40,
        "sum": 3.0,
    }
    text = kpi.exposition([], [], [row]).decode()
    assert 'hc_kpi_gauge{backend="ehr",company="Group",flow="availability"' in text
    assert "} 3.0" in text
    assert "hc_kpi_gauge_subjects{" in text and "} 40.0" in text


def test_read_report_csv():
    documents = rec.read_report_csv(
        b"\xef\xbb\xbftype,reference,amount,date\r\n810,INV-1,12.50,2026-12-06\r\n"
        b"810,INV-2,,\r\n",
        DAY,
    )
    assert documents.documents == (
        rec.Document(date(2026, 12, 6), "810", "INV-1", D("12.50")),
        rec.Document(DAY, "810", "INV-2", None),
    )
    totals = rec.read_report_csv(b"type,count,amount\n850,3,99.5\n", DAY)
    assert totals.totals == (rec.Total(DAY, "850", 3, D("99.5")),)
    assert rec.read_report_csv(b"", DAY).documents == ()
    for body, error in [
        (b"type,count\n850,three\n", "count is a whole number"),
        (b"type,total\n850,3\n", "a reference or a count column"),
        (b"type,reference\n810,\n", "reference is needed"),
        (b"\xff\xfe", "not UTF-8"),
    ]:
        with pytest.raises(rec.ReportError, match=error):
            rec.read_report_csv(body, DAY)
