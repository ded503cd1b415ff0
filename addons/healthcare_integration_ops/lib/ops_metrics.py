"""Prometheus exposition of the runtime's figures, and the scrape token.

The figures are read from the database at scrape time (several worker
processes serve requests, so in-process counters would each see a part of the
traffic); this module only turns a snapshot of them into the Prometheus text
format with ``prometheus_client``, and checks bearer tokens. Database-free.
"""

import hashlib
import hmac
import secrets

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
)
from prometheus_client.registry import CollectorRegistry

CONTENT_TYPE = CONTENT_TYPE_LATEST
# seconds from a message's creation to its delivery (or processing); the
# runtime keeps its end time to the second, finer bounds would mean nothing
LATENCY_BUCKETS = (1, 2.5, 5, 10, 30, 60, 120, 300, 900, 1800, 3600)
BREAKER_STATES = ("closed", "open", "half_open")
MIN_TOKEN_LENGTH = 32
DIGEST_PREFIX = "sha256:"

MESSAGE_LABELS = ("backend", "flow", "direction", "state", "error_class")
FLOW_LABELS = ("backend", "flow", "direction")


# ---------------------------------------------------------------------- token


def new_token():
    """A fresh scrape token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def token_digest(token):
    """What is stored of a token: its SHA-256 (tokens are long and random)."""
    if not token or len(token) < MIN_TOKEN_LENGTH:
        raise ValueError(f"A metrics token has at least {MIN_TOKEN_LENGTH} characters.")
    return DIGEST_PREFIX + hashlib.sha256(token.encode()).hexdigest()


def bearer_token(authorization):
    """The token of an ``Authorization: Bearer <token>`` header, or None."""
    scheme, _sep, token = (authorization or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def token_matches(presented, stored_digest):
    """Whether ``presented`` is the token whose digest is stored (constant time)."""
    if not presented or not stored_digest:
        return False
    given = DIGEST_PREFIX + hashlib.sha256(presented.encode()).hexdigest()
    return hmac.compare_digest(given.encode(), stored_digest.encode())


# ---------------------------------------------------------------------- histogram


def cumulative_buckets(counts_by_index, bounds=LATENCY_BUCKETS):
    """Prometheus buckets [(le, cumulative count), ..., ("+Inf", total)].

    ``counts_by_index`` maps the index of the first bound an observation is at
    most (``len(bounds)`` for above the last one) to a number of observations.
    """
    buckets, running = [], 0
    for index, bound in enumerate(bounds):
        running += counts_by_index.get(index, 0)
        buckets.append((_bound_label(bound), running))
    running += counts_by_index.get(len(bounds), 0)
    buckets.append(("+Inf", running))
    return buckets


def _bound_label(bound):
    return repr(float(bound))


# ---------------------------------------------------------------------- collector


def _labels(row, names):
    return [str(row.get(name) or "") for name in names]


class SnapshotCollector:
    """A prometheus_client collector over one snapshot of the runtime's figures.

    ``snapshot`` is a dict of lists of plain dicts (see ``families``); a new
    collector is built for each scrape.
    """

    def __init__(self, snapshot):
        self.snapshot = snapshot

    def collect(self):
        yield from self.families()

    def rows(self, key):
        return self.snapshot.get(key) or []

    def families(self):
        yield self._messages()
        yield self._dead()
        yield self._pending()
        yield self._latency()
        yield self._oldest_pending()
        yield self._queue_jobs()
        yield self._queue_oldest()
        yield from self._backends()
        yield self._business_exceptions()
        yield self._late()
        yield self._alerts()

    def _messages(self):
        family = CounterMetricFamily(
            "hc_messages",
            "Messages that ended done, cancelled or duplicate (states they never "
            "leave), by flow, direction, state and error class; messages deleted "
            "by retention stay counted.",
            labels=MESSAGE_LABELS,
        )
        for row in self.rows("messages"):
            family.add_metric(_labels(row, MESSAGE_LABELS), row["count"])
        return family

    def _dead(self):
        family = GaugeMetricFamily(
            "hc_messages_dead",
            "Dead messages now (a retry or a resolution takes them out), by "
            "flow, direction and error class.",
            labels=(*FLOW_LABELS, "error_class"),
        )
        for row in self.rows("dead"):
            family.add_metric(_labels(row, (*FLOW_LABELS, "error_class")), row["count"])
        return family

    def _pending(self):
        family = GaugeMetricFamily(
            "hc_messages_pending",
            "Messages waiting for (or running) a job, by flow and state.",
            labels=(*FLOW_LABELS, "state"),
        )
        for row in self.rows("pending"):
            family.add_metric(_labels(row, (*FLOW_LABELS, "state")), row["count"])
        return family

    def _latency(self):
        family = HistogramMetricFamily(
            "hc_message_latency_seconds",
            "Seconds from a message's creation to its delivery (outbound) or "
            "processing (inbound), for done messages (to the second).",
            labels=FLOW_LABELS,
        )
        for row in self.rows("latency"):
            family.add_metric(
                _labels(row, FLOW_LABELS),
                cumulative_buckets(row["buckets"]),
                row["sum"],
            )
        return family

    def _oldest_pending(self):
        family = GaugeMetricFamily(
            "hc_message_oldest_pending_age_seconds",
            "Age of the oldest message of the flow still waiting or running.",
            labels=("backend", "flow"),
        )
        for row in self.rows("oldest_pending"):
            family.add_metric(_labels(row, ("backend", "flow")), row["seconds"])
        return family

    def _queue_jobs(self):
        family = GaugeMetricFamily(
            "hc_queue_jobs",
            "queue_job jobs not done, by channel and state.",
            labels=("channel", "state"),
        )
        for row in self.rows("queue"):
            family.add_metric(_labels(row, ("channel", "state")), row["count"])
        return family

    def _queue_oldest(self):
        family = GaugeMetricFamily(
            "hc_queue_oldest_job_age_seconds",
            "How long the oldest job ready to run has waited, per channel.",
            labels=("channel",),
        )
        for row in self.rows("queue_oldest"):
            family.add_metric(_labels(row, ("channel",)), row["seconds"])
        return family

    def _backends(self):
        info = GaugeMetricFamily(
            "hc_backend_info",
            "Backends, with their company, environment and system type (always 1).",
            labels=("backend", "company", "environment", "system_type"),
        )
        paused = GaugeMetricFamily(
            "hc_backend_paused", "1 when the backend is paused.", labels=("backend",)
        )
        state = GaugeMetricFamily(
            "hc_backend_breaker_state",
            "Circuit breaker of the backend: 1 for its current state.",
            labels=("backend", "state"),
        )
        open_for = GaugeMetricFamily(
            "hc_backend_breaker_open_seconds",
            "Seconds since the breaker opened (0 when closed).",
            labels=("backend",),
        )
        for row in self.rows("backends"):
            code = row["backend"]
            info.add_metric(
                _labels(row, ("backend", "company", "environment", "system_type")), 1
            )
            paused.add_metric([code], 1 if row.get("paused") else 0)
            for name in BREAKER_STATES:
                state.add_metric([code, name], 1 if row.get("breaker") == name else 0)
            open_for.add_metric([code], row.get("breaker_open_seconds") or 0)
        yield from (info, paused, state, open_for)

    def _business_exceptions(self):
        family = GaugeMetricFamily(
            "hc_business_exceptions_open",
            "Business exceptions (dead, business error class) not acknowledged, "
            "by flow and kind.",
            labels=("backend", "flow", "kind"),
        )
        for row in self.rows("business_exceptions"):
            family.add_metric(_labels(row, ("backend", "flow", "kind")), row["count"])
        return family

    def _late(self):
        family = GaugeMetricFamily(
            "hc_messages_late",
            "Messages past their SLA deadline and not final, by flow.",
            labels=("backend", "flow"),
        )
        for row in self.rows("late"):
            family.add_metric(_labels(row, ("backend", "flow")), row["count"])
        return family

    def _alerts(self):
        family = GaugeMetricFamily(
            "hc_alerts_open", "Open alerts, by condition.", labels=("condition",)
        )
        for row in self.rows("alerts"):
            family.add_metric(_labels(row, ("condition",)), row["count"])
        return family


def exposition(snapshot):
    """The Prometheus text exposition (bytes) of a snapshot."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(SnapshotCollector(snapshot))
    return generate_latest(registry)
