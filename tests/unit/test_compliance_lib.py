"""The supplier compliance addon's database-free lib: validity periods,
inconsistent dates, states and the mandatory types a supplier lacks."""

import datetime as dt

from addon_lib import addon_lib

lib = addon_lib("supplier_compliance", "compliance")
D = dt.date


def test_overlaps_with_open_ends():
    year = lib.Period(D(2026, 1, 1), D(2026, 12, 31))
    assert year.overlaps(lib.Period(D(2026, 12, 31), None))
    assert not year.overlaps(lib.Period(D(2027, 1, 1), D(2027, 12, 31)))
    assert year.overlaps(lib.Period(None, None))
    assert not lib.Period(None, D(2025, 12, 31)).overlaps(year)


def test_date_problem():
    assert lib.date_problem(D(2026, 1, 2), D(2026, 1, 1)) == (
        "valid until 2026-01-01 is before valid from 2026-01-02"
    )
    assert "issue date" in lib.date_problem(None, D(2026, 1, 1), D(2026, 2, 1))
    assert lib.date_problem(D(2026, 1, 1), D(2026, 1, 1)) is None
    assert lib.date_problem(None, None) is None


def test_state_on():
    period = lib.Period(D(2026, 1, 1), D(2026, 6, 30))
    assert lib.state_on(period, D(2025, 12, 31), 30) == lib.NOT_YET_VALID
    assert lib.state_on(period, D(2026, 3, 1), 30) == lib.VALID
    assert lib.state_on(period, D(2026, 6, 1), 30) == lib.EXPIRING
    assert lib.state_on(period, D(2026, 6, 30), 30) == lib.EXPIRING
    assert lib.state_on(period, D(2026, 7, 1), 30) == lib.EXPIRED


def test_missing_types():
    documents = [
        ("ISO", lib.Period(D(2025, 1, 1), D(2026, 1, 1))),
        ("ISO", lib.Period(D(2026, 1, 2), None)),
        ("INS", lib.Period(D(2025, 1, 1), D(2025, 12, 31))),
    ]
    assert lib.missing_types(["ISO", "INS", "REG"], documents, D(2026, 3, 1)) == [
        "INS",
        "REG",
    ]
    assert lib.missing_types(["ISO", "INS"], documents, D(2025, 6, 1)) == []
