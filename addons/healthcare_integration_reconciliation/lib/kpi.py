"""Business KPIs: their vocabulary, how they read, and their Prometheus export.

A KPI is kept as daily sums of observations (a count and a total), added to
as events happen, never recomputed from the messages: a rate is observed as
1 or 0 (its value is total / count), a duration in seconds (its value is the
mean). The scrape exports the sums as a Prometheus summary per KPI, so that
``rate(hc_kpi_sum[1d]) / rate(hc_kpi_count[1d])`` gives the recent value.
Database-free.
"""

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.core import GaugeMetricFamily, SummaryMetricFamily
from prometheus_client.registry import CollectorRegistry

CONTENT_TYPE = CONTENT_TYPE_LATEST
RATE = "rate"
SECONDS = "seconds"

EXCEPTION_RATE = "exception_rate"
ACK_LATENCY = "ack_latency"
CYCLE_TIME = "cycle_time"
INVOICE_FIRST_MATCH = "invoice_first_pass"
PAYROLL_ON_TIME = "payroll_inputs_on_time"
ASSET_ONBOARDING = "asset_onboarding"
ON_TIME_DELIVERY = "on_time_delivery"
FILL_RATE = "fill_rate"
STOCKOUT_RISK = "stockout_risk"

# code: (label, unit, whether higher is better); the suite's own KPIs. A
# domain addon declares its KPIs through hc.kpi._hc_kpi_definitions(), and
# the functions below read a KPI's unit and direction from the ``kpis`` they
# are given (these by default).
KPIS = {
    EXCEPTION_RATE: ("Business exception rate", RATE, False),
    ACK_LATENCY: ("Order acknowledgement latency", SECONDS, False),
    CYCLE_TIME: ("Procurement cycle time (order to receipt)", SECONDS, False),
    INVOICE_FIRST_MATCH: ("Invoice first-pass match rate", RATE, True),
    PAYROLL_ON_TIME: ("Payroll inputs on time", RATE, True),
    ASSET_ONBOARDING: ("Asset onboarding time (receipt to asset)", SECONDS, False),
    ON_TIME_DELIVERY: ("Supplier on-time delivery", RATE, True),
    FILL_RATE: ("Supplier fill rate (first receipt)", RATE, True),
    STOCKOUT_RISK: ("Stockout risk (watched items under their cover)", RATE, False),
}
# KPIs kept as the day's state rather than summed observations: a day's row
# is set again at each change (count: the subjects, total: those that hold),
# and the KPI reads from the latest day, not from a sum over days
GAUGES = frozenset({STOCKOUT_RISK})
SELECTION = [(code, label) for code, (label, _unit, _up) in KPIS.items()]
KPI_LABELS = ("kpi", "company", "backend", "flow", "partner")
RECONCILIATION_LABELS = ("company", "backend", "flow", "reconciliation")


def _definition(code, kpis=None):
    """(label, unit, higher_is_better) of ``code`` in ``kpis`` (default
    ``KPIS``); an unknown KPI reads as a rate where higher is better."""
    return (KPIS if kpis is None else kpis).get(code, ("", RATE, True))


def _unit(code, kpis):
    return _definition(code, kpis)[1]


def higher_is_better(code, kpis=None):
    """Whether a higher value of the KPI is better."""
    return _definition(code, kpis)[2]


def value_of(count, total):
    """The KPI's value from its sums (None with no observation)."""
    return total / count if count else None


def reading(code, count, total, kpis=None):
    """How a KPI's value reads on the dashboard: 97.5 %, 3.2 h, or "-"."""
    value = value_of(count, total)
    if value is None:
        return "-"
    if _unit(code, kpis) == RATE:
        return f"{100 * value:.1f} %"
    return human_seconds(value)


def human_seconds(seconds):
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def in_unit(code, value, kpis=None):
    """A KPI's value as its alert thresholds say it: rates in percent,
    durations in hours (None stays None)."""
    if value is None:
        return None
    if _unit(code, kpis) == RATE:
        return 100 * value
    return value / 3600


def unit_label(code, kpis=None):
    return "%" if _unit(code, kpis) == RATE else "h"


def worse_than(code, value, threshold, kpis=None):
    """Whether ``value`` (in the KPI's unit) is worse than ``threshold``:
    below it for a KPI where higher is better, above it otherwise."""
    if value is None:
        return False
    if higher_is_better(code, kpis):
        return value < threshold
    return value > threshold


def trend(code, current, previous, kpis=None):
    """ "up", "down" or "flat", and whether that is good: (direction, good)."""
    if current is None or previous is None or current == previous:
        return "flat", None
    direction = "up" if current > previous else "down"
    return direction, (direction == "up") == higher_is_better(code, kpis)


class KpiCollector:
    """The KPIs' and reconciliations' families of one scrape."""

    def __init__(self, kpis, reconciliations, gauges=()):
        self.kpis = kpis
        self.reconciliations = reconciliations
        self.gauges = gauges

    def collect(self):
        summary = SummaryMetricFamily(
            "hc_kpi",
            "Business KPIs as sums of observations (rates observed as 1 or 0, "
            "durations in seconds), by company, flow and partner.",
            labels=KPI_LABELS,
        )
        for row in self.kpis:
            summary.add_metric(
                [str(row.get(name) or "") for name in KPI_LABELS],
                count_value=row["count"],
                sum_value=row["sum"],
            )
        yield summary
        holding = GaugeMetricFamily(
            "hc_kpi_gauge",
            "State KPIs of the latest day: how many subjects hold (e.g. watched "
            "items under their cover), by company and flow.",
            labels=KPI_LABELS,
        )
        subjects = GaugeMetricFamily(
            "hc_kpi_gauge_subjects",
            "State KPIs of the latest day: how many subjects were looked at.",
            labels=KPI_LABELS,
        )
        for row in self.gauges:
            labels = [str(row.get(name) or "") for name in KPI_LABELS]
            holding.add_metric(labels, row["sum"])
            subjects.add_metric(labels, row["count"])
        yield holding
        yield subjects
        open_differences = GaugeMetricFamily(
            "hc_reconciliation_open_differences",
            "Differences with the partner's control report not acknowledged.",
            labels=RECONCILIATION_LABELS,
        )
        matched = GaugeMetricFamily(
            "hc_reconciliation_matched",
            "1 when the last period checked matched the partner's report.",
            labels=RECONCILIATION_LABELS,
        )
        for row in self.reconciliations:
            labels = [str(row.get(name) or "") for name in RECONCILIATION_LABELS]
            open_differences.add_metric(labels, row["open_differences"])
            matched.add_metric(labels, 1 if row["matched"] else 0)
        yield open_differences
        yield matched


def exposition(kpis, reconciliations, gauges=()):
    """The Prometheus text (bytes) of the KPI rows (summed KPIs), the
    reconciliation rows and the gauge rows (state KPIs of their latest day)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(KpiCollector(kpis, reconciliations, gauges))
    return generate_latest(registry)
