"""The contract addon's database-free lib: contracts read and checked, the
contract variance's reason."""

import datetime as dt
from decimal import Decimal

import pytest
from addon_lib import addon_lib

lib = addon_lib("contract", "contracts")


def document(**values):
    return {
        "contract_id": "CTR-1",
        "reference": "Framework",
        "supplier": {"code": "V-4471"},
        "date_start": "2026-01-01",
        "date_end": "2026-12-31",
        "lines": [{"item": "100234", "quantity": 10, "unit_price": "8.40"}],
        **values,
    }


def test_contract_read():
    contract = lib.read_contract(document())
    assert contract.ref == "CTR-1"
    assert (contract.date_start, contract.date_end) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 12, 31),
    )
    assert contract.lines[0].unit_price == Decimal("8.40")
    assert contract.item_codes == ["100234"]
    assert contract.supplier == {"code": "V-4471", "vat": None, "gln": None}


def test_digest_ignores_what_the_repository_does_not_own():
    first = lib.read_contract(document())
    echoed = lib.read_contract(document(updated_at="2026-12-01", status="x"))
    changed = lib.read_contract(
        document(lines=[{"item": "100234", "quantity": 10, "unit_price": "8.10"}])
    )
    assert first.digest == echoed.digest
    assert first.digest != changed.digest


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"date_end": "2025-12-31"}, "before it starts"),
        ({"date_start": ""}, "date_start is missing"),
        ({"date_end": "31/12/2026"}, "not a date"),
        ({"supplier": {}}, "supplier needs a code"),
        ({"lines": []}, "non-empty list"),
        (
            {
                "lines": [
                    {"item": "1", "quantity": 1, "unit_price": 1},
                    {"item": "1", "quantity": 2, "unit_price": 2},
                ]
            },
            "two prices in one contract",
        ),
        ({"lines": [{"item": "1", "quantity": 1, "unit_price": 0}]}, "positive"),
        ({"lines": [{"item": "1", "unit_price": 1}]}, "quantity is missing"),
    ],
)
def test_inconsistent_contracts_are_refused_with_the_reason(values, reason):
    with pytest.raises(lib.ContractError, match=reason):
        lib.read_contract(document(**values))


def test_variance_reason_names_both_prices_and_the_share():
    text = lib.variance_reason("1", Decimal("8.75"), Decimal("8.40"), "BO00001")
    assert text == (
        "Line 1: invoiced price 8.75 differs from the contract price 8.4 of "
        "BO00001 (4.17%)."
    )


@pytest.mark.parametrize(
    ("percent", "amount", "text"),
    [
        (Decimal("1"), None, "Contract price: ±1% (no amount limit)."),
        (
            Decimal("2.5"),
            Decimal("0.10"),
            "Contract price: ±2.5% and at most 0.1 per unit.",
        ),
        (Decimal("0"), None, "Contract price: must equal the contract's."),
        (Decimal("0"), Decimal("0.2"), "Contract price: at most 0.2 per unit."),
    ],
)
def test_tolerance_in_words(percent, amount, text):
    assert lib.describe_tolerance(percent, amount) == text
