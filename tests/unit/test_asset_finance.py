"""The asset addon's period figures for finance (database-free)."""

from datetime import date

import pytest
from addon_lib import addon_lib

finance = addon_lib("asset", "finance")


def test_periods():
    assert finance.period_bounds("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert finance.period_bounds("2026-12") == (date(2026, 12, 1), date(2026, 12, 31))
    assert finance.previous_period(date(2026, 1, 15)) == "2025-12"
    assert finance.previous_period(date(2026, 7, 1)) == "2026-06"
    assert finance.period_of(date(2026, 3, 9)) == "2026-03"
    for bad in ("2026-13", "2026-1", "", None, "March"):
        with pytest.raises(ValueError, match="is not a period"):
            finance.period_bounds(bad)


def test_split_adds_up_to_the_amount():
    shares = finance.split(100.0, {"A": 33.3333, "B": 33.3333, "C": 33.3334})
    assert sum(shares.values()) == pytest.approx(100.0)
    assert all(round(v, 2) == v for v in shares.values())
    assert finance.split(2400.0, {"ICU": 60, "RAD": 40}) == {
        "ICU": 1440.0,
        "RAD": 960.0,
    }


def test_split_leaves_the_rest_unallocated():
    assert finance.split(100.0, {"A": 75}) == {"A": 75.0, finance.UNALLOCATED: 25.0}
    assert finance.split(100.0, {}) == {finance.UNALLOCATED: 100.0}
    assert finance.split(100.0, None) == {finance.UNALLOCATED: 100.0}


def test_delta_sends_only_what_changed():
    sent = {"ICU": {"capitalized": 1440.0, "depreciation": 24.0}}
    same = {"ICU": {"capitalized": 1440.0, "depreciation": 24.0}}
    assert finance.delta(sent, same) == {}
    current = {
        "ICU": {"capitalized": 2880.0, "depreciation": 24.0},
        "RAD": {"depreciation": 16.0},
    }
    changes = finance.delta(sent, current)
    assert changes["ICU"]["capitalized"] == 1440.0
    assert changes["ICU"]["depreciation"] == 0.0
    assert changes["RAD"]["depreciation"] == 16.0
    assert set(changes["RAD"]) == set(finance.MEASURES)
    # a cost centre that disappears is sent negative
    assert (
        finance.delta({"OLD": {"capitalized": 10.0}}, {})["OLD"]["capitalized"] == -10.0
    )


def test_add_and_rounded():
    figures = {}
    finance.add(figures, "ICU", "capitalized", 0.1)
    finance.add(figures, "ICU", "capitalized", 0.2)
    finance.add(figures, "ICU", "capitalized_count", 1)
    assert finance.rounded(figures)["ICU"]["capitalized"] == 0.3
    with pytest.raises(ValueError, match="unknown measure"):
        finance.add(figures, "ICU", "bonus", 1)


def test_pages_carry_the_header_and_totals():
    figures = {
        f"CC-{n:02d}": {"capitalized": 1.0, "depreciation": 0.5} for n in range(5)
    }
    pages = finance.pages({"period": "2026-03"}, figures, page_size=2)
    assert [len(p["cost_centres"]) for p in pages] == [2, 2, 1]
    assert {(p["page"], p["pages"]) for p in pages} == {(1, 3), (2, 3), (3, 3)}
    assert pages[0]["period"] == "2026-03"
    assert pages[0]["totals"]["capitalized"] == 2.0
    assert pages[0]["cost_centres"][0]["cost_centre"] == "CC-00"
    assert finance.pages({}, {})[0]["cost_centres"] == []
    with pytest.raises(ValueError):
        finance.pages({}, figures, page_size=0)


def test_main_cost_centre():
    assert finance.main_cost_centre({"12": 40, "7": 60}) == 7
    assert finance.main_cost_centre({"3,9": 100}) == 3
    assert finance.main_cost_centre({}) is None
    assert finance.main_cost_centre(None) is None
