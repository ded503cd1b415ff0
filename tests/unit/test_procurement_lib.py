"""The procurement addon's database-free lib: three-way match, catalog lines,
supplier decisions (loaded under its own name: the core's lib is ``lib``)."""

from decimal import Decimal as D

import pytest
from addon_lib import addon_lib

matching = addon_lib("procurement", "matching")
catalog = addon_lib("procurement", "catalog")
suppliers = addon_lib("procurement", "suppliers")


def line(**values):
    base = dict(
        reference="1",
        ordered_qty=D(20),
        received_qty=D(20),
        invoiced_qty=D(20),
        ordered_price=D("8.75"),
        invoiced_price=D("8.75"),
    )
    base.update(values)
    return matching.MatchInput(**base)


# ---------------------------------------------------------------- three-way match


def test_exact_line_matches():
    [verdict] = matching.match_lines([line()], matching.Tolerance())
    assert verdict.ok and verdict.code == matching.MATCHED


def test_price_within_percent_and_amount():
    tolerance = matching.Tolerance(price_percent=D(2), price_amount=D("0.20"))
    assert matching.match_line(line(invoiced_price=D("8.90")), tolerance).ok
    too_much = matching.match_line(line(invoiced_price=D("8.95")), tolerance)
    assert too_much.codes == [matching.PRICE_VARIANCE]
    assert "8.95" in too_much.reasons[0] and "8.75" in too_much.reasons[0]
    # an absolute limit alone: 0.20 passes 0.25 limit, a percent of None is open
    open_percent = matching.Tolerance(price_percent=None, price_amount=D("0.25"))
    assert matching.match_line(line(invoiced_price=D("8.95")), open_percent).ok


def test_lower_price_is_a_variance_too():
    verdict = matching.match_line(line(invoiced_price=D("7.00")), matching.Tolerance())
    assert verdict.codes == [matching.PRICE_VARIANCE]
    assert verdict.price_variance == D("-1.75")


def test_invoiced_more_than_received_counts_earlier_bills():
    verdict = matching.match_line(
        line(received_qty=D(15), invoiced_qty=D(10), previously_invoiced_qty=D(10)),
        matching.Tolerance(),
    )
    assert verdict.codes == [matching.QTY_OVER_RECEIVED]
    assert "invoiced 20 but received 15" in verdict.reasons[0]


def test_quantity_tolerance_percent_and_units():
    tolerance = matching.Tolerance(qty_percent=D(10), qty_amount=D(1))
    assert matching.match_line(
        line(invoiced_qty=D(21), received_qty=D(20)), tolerance
    ).ok
    over = matching.match_line(
        line(invoiced_qty=D(22), received_qty=D(20), ordered_qty=D(22)), tolerance
    )
    assert over.codes == [matching.QTY_OVER_RECEIVED]


def test_over_ordered_and_not_on_order():
    over = matching.match_line(
        line(ordered_qty=D(10), received_qty=D(20)), matching.Tolerance()
    )
    assert over.codes == [matching.QTY_OVER_ORDERED]
    missing = matching.match_line(
        line(ordered_qty=None, ordered_price=None, description="Freight"),
        matching.Tolerance(),
    )
    assert missing.codes == [matching.NOT_ON_ORDER] and "Freight" in missing.reasons[0]


def test_zero_base_only_accepts_zero():
    assert matching.within(D(0), D(0), D(5), None)
    assert not matching.within(D(1), D(0), D(5), None)


# ---------------------------------------------------------------- catalog


def test_read_line_defaults_and_key():
    read = catalog.read_line({"item": "NBG-4402M", "price": "8.75", "uom": "BX"})
    assert (read.min_qty, read.currency, read.key) == (D(1), None, "NBG-4402M|1|BX|")
    with_id = catalog.read_line({"id": "L-7", "gtin": "086000100124", "price": 1})
    assert (with_id.key, with_id.item_code) == ("L-7", "086000100124")


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"price": "1"}, "item"),
        ({"item": "X", "price": "abc"}, "price"),
        ({"item": "X", "price": "-1"}, "price"),
        ({"item": "X", "price": "1", "valid_from": "2026-13-01"}, "valid_from"),
        (
            {
                "item": "X",
                "price": "1",
                "valid_from": "2026-02-01",
                "valid_to": "2026-01-01",
            },
            "valid_to",
        ),
        ({"item": "X" * 200, "price": "1"}, "item"),
    ],
)
def test_bad_lines_name_their_field(item, field):
    with pytest.raises(catalog.LineError) as caught:
        catalog.read_line(item)
    assert caught.value.field == field


def test_read_lines_keeps_going():
    lines, errors = catalog.read_lines(
        [{"item": "A", "price": "1"}, {"item": "B"}, "junk"]
    )
    assert [line.item_code for line in lines] == ["A"]
    assert [ref for ref, _exc in errors] == ["B", "#3"]


def test_csv_pages_stream_with_bom():
    data = "\ufeffitem,price\n" + "".join(f"I{n},1.00\n" for n in range(7))
    pages = list(catalog.iter_csv_pages(data.encode(), page_size=3))
    assert [len(page) for page in pages] == [3, 3, 1]
    assert pages[0][0] == {"item": "I0", "price": "1.00"}
    assert list(catalog.iter_csv_pages(b"")) == []


def test_price_change_percent():
    assert catalog.price_change_percent(D(10), D(12)) == D(20)
    assert catalog.price_change_percent(D(0), D(12)) is None


# ---------------------------------------------------------------- suppliers


def test_vat_normalized():
    assert suppliers.normalize_vat("be 0477.472.701") == "BE0477472701"


def test_decide_create_update_and_conflicts():
    record = {"supplier_id": "S", "vat": "BE0477472701"}
    assert suppliers.decide(record, [], [], [], {}).is_new
    assert (
        suppliers.decide(record, [7], [7], [], {7: "BE 0477.472.701"}).partner_id == 7
    )
    several = suppliers.decide(record, [7, 8], [], [], {})
    assert (several.conflict, several.partners) == ("several_partners", (7, 8))
    mixed = suppliers.decide(record, [7], [9], [], {})
    assert mixed.conflict == "several_partners"
    other_vat = suppliers.decide(record, [], [9], [], {9: "FR40303265045"})
    assert other_vat.conflict == "other_vat"


def test_read_and_minimize_supplier():
    with pytest.raises(ValueError, match="supplier_id"):
        suppliers.read_supplier({"name": "x"})
    with pytest.raises(ValueError, match="address type"):
        suppliers.read_supplier(
            {"supplier_id": "S", "addresses": [{"type": "home", "id": "1"}]}
        )
    kept = suppliers.minimize(
        {
            "supplier_id": "S",
            "birthdate": "1970",
            "bank_accounts": [{"acc_number": "NL91", "pin": "1234"}],
        }
    )
    assert kept == {"supplier_id": "S", "bank_accounts": [{"acc_number": "NL91"}]}


def test_tolerance_in_words():
    describe, Tolerance = matching.describe, matching.Tolerance
    assert describe(Tolerance(price_percent=D(2))) == (
        "Price: ±2% (no amount limit). Quantity: none over received or ordered."
    )
    assert describe(Tolerance()) == (
        "Price: must equal the order's. Quantity: none over received or ordered."
    )
    assert describe(Tolerance(price_percent=None, qty_percent=None)) == (
        "Price: no limit. Quantity: no limit."
    )
    assert describe(
        Tolerance(
            price_percent=D(2),
            price_amount=D("0.50"),
            qty_percent=D(5),
            qty_amount=D(2),
        )
    ) == (
        "Price: ±2% and at most 0.5 per unit. "
        "Quantity: up to 5% and at most 2 units over received or ordered."
    )
