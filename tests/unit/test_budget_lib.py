"""The budget addon's database-free lib: positions from Odoo's signed
amounts and the shortfall of a requisition."""

import importlib.util
import sys
from pathlib import Path

LIB = Path(__file__).resolve().parents[2] / "addons/healthcare_integration_budget/lib"


def load(name):
    package = "hc_budget_lib"
    if package not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            package, LIB / "__init__.py", submodule_search_locations=[str(LIB)]
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules[package] = module
        spec.loader.exec_module(module)
    return importlib.import_module(f"{package}.{name}")


lib = load("budget")


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
