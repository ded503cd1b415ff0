"""The Prometheus exposition of a snapshot, and the scrape token."""

import pytest
from addon_lib import addon_lib
from prometheus_client.parser import text_string_to_metric_families

ops_metrics = addon_lib("ops", "ops_metrics")

SNAPSHOT = {
    "messages": [
        {
            "backend": "medline",
            "flow": "po_out",
            "direction": "outbound",
            "state": "done",
            "error_class": "",
            "count": 12,
        },
        {
            "backend": "medline",
            "flow": "po_out",
            "direction": "outbound",
            "state": "cancelled",
            "error_class": "technical",
            "count": 2,
        },
    ],
    "dead": [
        {
            "backend": "medline",
            "flow": "po_out",
            "direction": "outbound",
            "error_class": "business",
            "count": 6,
        }
    ],
    "pending": [
        {
            "backend": "medline",
            "flow": "po_out",
            "direction": "outbound",
            "state": "retrying",
            "count": 3,
        }
    ],
    "latency": [
        {
            "backend": "medline",
            "flow": "po_out",
            "direction": "outbound",
            # 5 at most 1 s, 4 at most 5 s, 3 above the last bound
            "buckets": {0: 5, 2: 4, len(ops_metrics.LATENCY_BUCKETS): 3},
            "sum": 12345.5,
        }
    ],
    "oldest_pending": [{"backend": "medline", "flow": "po_out", "seconds": 90.0}],
    "queue": [{"channel": "root.hc", "state": "pending", "count": 7}],
    "queue_oldest": [{"channel": "root.hc", "seconds": 30.0}],
    "backends": [
        {
            "backend": "medline",
            "company": "Hospital A",
            "environment": "production",
            "system_type": "supplier",
            "paused": False,
            "breaker": "open",
            "breaker_open_seconds": 600.0,
        }
    ],
    "business_exceptions": [
        {"backend": "medline", "flow": "asn_in", "kind": "mapping", "count": 4}
    ],
    "late": [{"backend": "medline", "flow": "po_out", "count": 1}],
    "alerts": [{"condition": "breaker_open", "count": 1}],
}


def parsed(snapshot):
    text = ops_metrics.exposition(snapshot).decode()
    return {family.name: family for family in text_string_to_metric_families(text)}


def value(family, name, **labels):
    [sample] = [s for s in family.samples if s.name == name and s.labels == labels]
    return sample.value


def test_families_and_types():
    families = parsed(SNAPSHOT)
    assert families["hc_messages"].type == "counter"
    assert families["hc_message_latency_seconds"].type == "histogram"
    for gauge in (
        "hc_messages_dead",
        "hc_messages_pending",
        "hc_queue_jobs",
        "hc_queue_oldest_job_age_seconds",
        "hc_backend_breaker_state",
        "hc_backend_breaker_open_seconds",
        "hc_business_exceptions_open",
        "hc_messages_late",
        "hc_alerts_open",
    ):
        assert families[gauge].type == "gauge", gauge


def test_counter_samples_carry_flow_direction_state_and_error_class():
    family = parsed(SNAPSHOT)["hc_messages"]
    labels = {"backend": "medline", "flow": "po_out", "direction": "outbound"}
    assert (
        value(family, "hc_messages_total", **labels, state="done", error_class="") == 12
    )
    assert (
        value(
            family,
            "hc_messages_total",
            **labels,
            state="cancelled",
            error_class="technical",
        )
        == 2
    )
    dead = parsed(SNAPSHOT)["hc_messages_dead"]
    assert value(dead, "hc_messages_dead", **labels, error_class="business") == 6


def test_histogram_is_cumulative_with_count_and_sum():
    family = parsed(SNAPSHOT)["hc_message_latency_seconds"]
    labels = {"backend": "medline", "flow": "po_out", "direction": "outbound"}
    bucket = "hc_message_latency_seconds_bucket"
    assert value(family, bucket, **labels, le="1.0") == 5
    assert value(family, bucket, **labels, le="2.5") == 5
    assert value(family, bucket, **labels, le="5.0") == 9
    assert value(family, bucket, **labels, le="3600.0") == 9
    assert value(family, bucket, **labels, le="+Inf") == 12
    assert value(family, "hc_message_latency_seconds_count", **labels) == 12
    assert value(family, "hc_message_latency_seconds_sum", **labels) == 12345.5


def test_breaker_state_is_one_hot():
    family = parsed(SNAPSHOT)["hc_backend_breaker_state"]
    states = {
        s.labels["state"]: s.value
        for s in family.samples
        if s.labels["backend"] == "medline"
    }
    assert states == {"closed": 0, "open": 1, "half_open": 0}


def test_empty_snapshot_exposes_the_families_without_samples():
    families = parsed({})
    assert "hc_messages" in families
    assert families["hc_messages"].samples == []


def test_label_values_are_escaped():
    snapshot = {"late": [{"backend": 'a"b', "flow": "x\ny", "count": 1}]}
    family = parsed(snapshot)["hc_messages_late"]
    assert family.samples[0].labels == {"backend": 'a"b', "flow": "x\ny"}


def test_cumulative_buckets():
    assert ops_metrics.cumulative_buckets({}, bounds=(1, 2)) == [
        ("1.0", 0),
        ("2.0", 0),
        ("+Inf", 0),
    ]
    assert ops_metrics.cumulative_buckets({0: 1, 1: 2, 2: 3}, bounds=(1, 2)) == [
        ("1.0", 1),
        ("2.0", 3),
        ("+Inf", 6),
    ]


def test_token_digest_and_constant_time_match():
    token = ops_metrics.new_token()
    assert len(token) >= ops_metrics.MIN_TOKEN_LENGTH
    digest = ops_metrics.token_digest(token)
    assert digest.startswith("sha256:")
    assert token not in digest
    assert ops_metrics.token_matches(token, digest)
    assert not ops_metrics.token_matches(token + "x", digest)
    assert not ops_metrics.token_matches("", digest)
    assert not ops_metrics.token_matches(token, "")
    assert ops_metrics.new_token() != token


def test_short_tokens_are_refused():
    with pytest.raises(ValueError):
        ops_metrics.token_digest("short")
    with pytest.raises(ValueError):
        ops_metrics.token_digest(None)


@pytest.mark.parametrize(
    ("header", "token"),
    [
        ("Bearer abc", "abc"),
        ("bearer   abc  ", "abc"),
        ("Basic abc", None),
        ("Bearer", None),
        ("Bearer   ", None),
        ("", None),
        (None, None),
    ],
)
def test_bearer_token(header, token):
    assert ops_metrics.bearer_token(header) == token
