"""The budget addon's database-free lib: positions from Odoo's signed
amounts and the shortfall of a requisition."""

from addon_lib import addon_lib

lib = addon_lib("budget", "budget")


def test_position_from_signed_expense_amounts():
    position = lib.position(-1000.0, -250.0, 300.0)
    assert (position.budget, position.spent, position.committed) == (
        1000.0,
        250.0,
        300.0,
    )
    assert position.available == 450.0


def test_overspent_position_is_negative():
    assert lib.position(-100.0, -80.0, 50.0).available == -30.0


def test_shortfall():
    assert lib.shortfall(500.0, 400.0) == 100.0
    assert lib.shortfall(400.0, 400.0) == 0.0
    assert lib.shortfall(10.0, -30.0) == 40.0
