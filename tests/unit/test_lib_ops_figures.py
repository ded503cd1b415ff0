"""Dashboard figures: readings of durations and rates, and the list behind."""

from datetime import datetime, timedelta

import pytest
from addon_lib import addon_lib

ops_figures = addon_lib("ops", "ops_figures")


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (None, "-"),
        (0, "< 1 s"),
        (0.4, "< 1 s"),
        (3.24, "3.2 s"),
        (240, "4 min"),
        (9000, "2.5 h"),
        (3 * 86400, "3.0 d"),
    ],
)
def test_human_duration(seconds, text):
    assert ops_figures.human_duration(seconds) == text


def test_age():
    now = datetime(2026, 11, 23, 12, 0, 0)
    assert ops_figures.age(now, now - timedelta(minutes=40)) == "40 min"
    assert ops_figures.age(now, None) == "-"


def test_rate_text():
    assert ops_figures.rate_text(3, 1) == "75.0 %"
    assert ops_figures.rate_text(2, 0) == "100.0 %"
    assert ops_figures.rate_text(0, 0) == "-"


def test_figure_carries_the_list_it_was_counted_from():
    figure = ops_figures.figure(
        "flow/a/b/late",
        2,
        "B: late",
        [("flow_id", "=", 7)],
        tone="warning",
    )
    assert figure == {
        "key": "flow/a/b/late",
        "value": 2,
        "display": "2",
        "tone": "warning",
        "action": {
            "name": "B: late",
            "res_model": "hc.message",
            "domain": [("flow_id", "=", 7)],
            "context": {},
        },
    }


def test_zero_has_no_tone_and_unlisted_figures_no_list():
    assert ops_figures.figure("k", 0, "T", [], tone="danger")["tone"] is None
    figure = ops_figures.figure("k", 4, "T", [], model="queue.job", listed=False)
    assert figure["action"] is False
    assert ops_figures.figure("k", 1, display="1 (4 min)")["display"] == "1 (4 min)"
