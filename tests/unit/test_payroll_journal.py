"""Payroll results -> one balanced journal entry by cost centre."""

from decimal import Decimal

import pytest
from addon_lib import addon_lib

journal = addon_lib("payroll", "journal")
D = Decimal
RULES = {
    "REG": journal.CodeRule("REG", journal.EARNING, debit="6300"),
    "OT": journal.CodeRule("OT", journal.EARNING, debit="6300"),
    "ER_SS": journal.CodeRule("ER_SS", journal.EMPLOYER_CHARGE, "6300", "2302"),
    "EE_TAX": journal.CodeRule("EE_TAX", journal.DEDUCTION, credit="2301"),
    "NET": journal.CodeRule("NET", journal.NET, credit="2300"),
}


def employee(ref, gross, charges=0, tax=0, net=None):
    gross_lines = [{"code": c, "amount": a} for c, a in gross]
    if net is None:
        net = str(sum(D(str(a)) for _c, a in gross) - D(str(tax)))
    return {
        "employee_id": ref,
        "gross": gross_lines,
        "employer_charges": [{"code": "ER_SS", "amount": charges}] if charges else [],
        "deductions": [{"code": "EE_TAX", "amount": tax}] if tax else [],
        "net": net,
    }


def entry_of(employees, shares):
    return journal.build_entry(
        journal.parse_run({"employees": employees}), RULES, shares
    )


def balances(entry):
    return {(x.account, x.cost_center): (x.debit, x.credit) for x in entry.lines}


def test_balanced_entry_summed_by_account_and_cost_centre():
    entry = entry_of(
        [
            employee("E1", [("REG", 1000)], charges=237.5, tax=200),
            employee("E2", [("REG", 500), ("OT", 100)], charges=142.5, tax=120),
        ],
        {"E1": [("ICU", 1)], "E2": [("ICU", 1)]},
    )
    assert entry.problems == []
    assert balances(entry) == {
        ("6300", "ICU"): (D("1980.00"), D("0")),
        ("2302", None): (D("0"), D("380.00")),
        ("2301", None): (D("0"), D("320.00")),
        ("2300", None): (D("0"), D("1280.00")),
    }
    assert entry.debit == entry.credit == D("1980.00")


def test_mid_period_transfer_splits_by_hours_to_the_cent():
    entry = entry_of(
        [employee("E1", [("REG", "2500.01")], charges="593.75", tax=500)],
        {"E1": [("ICU", 16.0), ("ED", 24.0)]},
    )
    lines = balances(entry)
    assert lines["6300", "ICU"][0] == D("1237.50")
    assert lines["6300", "ED"][0] == D("1856.26")
    assert entry.debit == entry.credit


def test_split_amount_hands_out_the_remainder_by_largest_share():
    assert journal.split_amount(D("100.00"), [("a", 1), ("b", 1), ("c", 1)], 2) == [
        ("a", D("33.34")),
        ("b", D("33.33")),
        ("c", D("33.33")),
    ]
    negative = journal.split_amount(D("-0.05"), [("a", 1), ("b", 1)], 2)
    assert sum(v for _k, v in negative) == D("-0.05")
    with pytest.raises(ValueError):
        journal.split_amount(D("1"), [("a", 0)], 2)


def test_negative_amounts_post_on_the_other_side():
    entry = entry_of([employee("E1", [("REG", -100)])], {"E1": [("ICU", 1)]})
    assert balances(entry) == {
        ("6300", "ICU"): (D("0"), D("100.00")),
        ("2300", None): (D("100.00"), D("0")),
    }


def test_employee_whose_net_does_not_add_up_is_unbalanced():
    entry = entry_of(
        [employee("E1", [("REG", 1000)], tax=200, net=810)], {"E1": [("ICU", 1)]}
    )
    assert [p.kind for p in entry.problems] == [journal.UNBALANCED]
    assert "E1" in entry.problems[0].text
    assert journal.held_kind(entry.problems) == journal.UNBALANCED


def test_every_problem_of_a_run_is_reported():
    document = {
        "employees": [
            employee("E1", [("BONUS", 10)]),
            employee("E9", [("REG", 10)]),
            employee("E2", [("REG", "ten")], net=0),
            {
                **employee("E3", [("REG", 10)]),
                "deductions": [{"code": "REG", "amount": 0}],
            },
            employee("E4", [("REG", 10)]),
        ]
    }
    shares = {"E1": [("ICU", 1)], "E2": [("ICU", 1)], "E3": [("ICU", 1)], "E4": []}
    entry = journal.build_entry(journal.parse_run(document), RULES, shares)
    kinds = sorted(p.kind for p in entry.problems)
    assert kinds == sorted(
        [
            journal.UNKNOWN_CODE,
            journal.UNKNOWN_EMPLOYEE,
            journal.INVALID_AMOUNT,
            journal.UNKNOWN_CODE,
            journal.MISSING_COST_CENTER,
        ]
    )
    assert journal.held_kind(entry.problems) == journal.INVALID_AMOUNT


def test_rules_must_have_their_accounts_and_one_net_code():
    rules = dict(RULES, OT=journal.CodeRule("OT", journal.EARNING))
    del rules["NET"]
    run = journal.parse_run({"employees": [employee("E1", [("REG", 1)])]})
    entry = journal.build_entry(run, rules, {"E1": [("ICU", 1)]})
    texts = " ".join(p.text for p in entry.problems)
    assert "net pay" in texts
    assert "'OT' has no debit account" in texts


def test_content_hash_ignores_order_but_not_amounts():
    one = journal.parse_run(
        {"employees": [employee("E1", [("REG", 1)]), employee("E2", [("OT", 2)])]}
    )
    two = journal.parse_run(
        {"employees": [employee("E2", [("OT", 2)]), employee("E1", [("REG", 1)])]}
    )
    three = journal.parse_run(
        {"employees": [employee("E2", [("OT", 3)]), employee("E1", [("REG", 1)])]}
    )
    assert journal.content_hash(one) == journal.content_hash(two)
    assert journal.content_hash(one) != journal.content_hash(three)


def test_run_totals():
    run = journal.parse_run(
        {"employees": [employee("E1", [("REG", 100)], charges=20, tax=10)]}
    )
    assert run.totals() == {
        "gross": D("100.00"),
        "employer_charges": D("20.00"),
        "deductions": D("10.00"),
        "net": D("90.00"),
    }
