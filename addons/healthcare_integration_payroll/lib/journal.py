"""Payroll results of one run -> the lines of one balanced journal entry.

The provider sends, per employee, gross lines by code, employer charges,
deductions and the net pay. Each payroll code maps to a debit and/or a credit
account; what lands on a debit account is split over the employee's cost
centres (weights: hours worked in each during the period). Lines are summed
per (account, cost centre), so the entry reads by cost centre.

Everything that would make the entry wrong is reported as a ``Problem``; the
caller posts nothing when there is any::

    >>> rules = {"BASIC": CodeRule("BASIC", EARNING, debit="6300"),
    ...          "NET": CodeRule("NET", NET, credit="2300")}
    >>> run = parse_run({"employees": [{"employee_id": "E1", "net": 100,
    ...                  "gross": [{"code": "BASIC", "amount": 100}]}]})
    >>> entry = build_entry(run, rules, {"E1": [("ICU", 1)]})
    >>> [(l.account, l.cost_center, str(l.debit), str(l.credit)) for l in entry.lines]
    [('2300', None, '0', '100.00'), ('6300', 'ICU', '100.00', '0')]
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

EARNING = "earning"
EMPLOYER_CHARGE = "employer_charge"
DEDUCTION = "deduction"
NET = "net"
CATEGORIES = (EARNING, EMPLOYER_CHARGE, DEDUCTION, NET)
# payload section -> the category its codes must have
SECTIONS = {
    "gross": EARNING,
    "employer_charges": EMPLOYER_CHARGE,
    "deductions": DEDUCTION,
}
# which accounts a code of each category needs
REQUIRED_ACCOUNTS = {
    EARNING: ("debit",),
    EMPLOYER_CHARGE: ("debit", "credit"),
    DEDUCTION: ("credit",),
    NET: ("credit",),
}

UNKNOWN_EMPLOYEE = "unknown_employee"
UNKNOWN_CODE = "unknown_code"
UNBALANCED = "unbalanced"
MISSING_COST_CENTER = "missing_cost_center"
INVALID_AMOUNT = "invalid_amount"
# the order in which kinds name a held run (the first found wins)
PROBLEM_PRIORITY = (
    INVALID_AMOUNT,
    UNKNOWN_EMPLOYEE,
    UNKNOWN_CODE,
    UNBALANCED,
    MISSING_COST_CENTER,
)


@functools.cache
def quantum(digits: int) -> Decimal:
    return Decimal(1).scaleb(-digits)


def to_amount(value: object, digits: int = 2) -> Decimal:
    """A money value of the payload; ValueError when it is not a number."""
    if isinstance(value, bool) or value is None or value == "":
        raise ValueError(f"{value!r} is not an amount")
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValueError(f"{value!r} is not an amount") from None
    if not number.is_finite():
        raise ValueError(f"{value!r} is not an amount")
    return number.quantize(quantum(digits), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CodeRule:
    """How a payroll code is accounted: its category and accounts."""

    code: str
    category: str
    debit: Hashable | None = None
    credit: Hashable | None = None

    def missing_accounts(self) -> list[str]:
        have = {"debit": self.debit, "credit": self.credit}
        return [side for side in REQUIRED_ACCOUNTS[self.category] if not have[side]]


@dataclass(frozen=True)
class Problem:
    kind: str
    text: str
    employee: str | None = None
    code: str | None = None


@dataclass
class EmployeeResult:
    employee: str
    lines: list[tuple[str, str, Decimal]]  # (section, code, amount)
    net: Decimal

    def total(self, section: str) -> Decimal:
        return sum((a for s, _c, a in self.lines if s == section), Decimal(0))


@dataclass
class Run:
    employees: list[EmployeeResult]
    problems: list[Problem] = field(default_factory=list)

    def totals(self) -> dict[str, Decimal]:
        totals = {section: Decimal(0) for section in SECTIONS}
        totals["net"] = Decimal(0)
        for employee in self.employees:
            for section in SECTIONS:
                totals[section] += employee.total(section)
            totals["net"] += employee.net
        return totals


@dataclass(frozen=True)
class JournalLine:
    account: Hashable
    cost_center: Hashable | None
    debit: Decimal
    credit: Decimal


@dataclass
class Entry:
    lines: list[JournalLine]
    problems: list[Problem]

    @property
    def debit(self) -> Decimal:
        return sum((line.debit for line in self.lines), Decimal(0))

    @property
    def credit(self) -> Decimal:
        return sum((line.credit for line in self.lines), Decimal(0))


def _parse_lines(employee_id, section, raw, digits, problems):
    lines = []
    for n, item in enumerate(raw or []):
        code = str(item.get("code") or "") if isinstance(item, dict) else ""
        try:
            amount = to_amount(item.get("amount"), digits)
        except (ValueError, AttributeError):
            problems.append(
                Problem(
                    INVALID_AMOUNT,
                    f"{employee_id}: {section}[{n}] has no valid amount",
                    employee_id,
                    code or None,
                )
            )
            continue
        lines.append((section, code, amount))
    return lines


def parse_run(document: dict, digits: int = 2) -> Run:
    """The employees of a results document, with the problems of its values."""
    problems: list[Problem] = []
    employees = []
    for raw in document.get("employees") or []:
        employee_id = str(raw.get("employee_id") or "")
        lines = []
        for section in SECTIONS:
            lines += _parse_lines(
                employee_id, section, raw.get(section), digits, problems
            )
        try:
            net = to_amount(raw.get("net"), digits)
        except ValueError:
            problems.append(
                Problem(INVALID_AMOUNT, f"{employee_id}: no valid net", employee_id)
            )
            net = Decimal(0)
        employees.append(EmployeeResult(employee_id, lines, net))
    return Run(employees, problems)


def content_hash(run: Run) -> str:
    """Fingerprint of what a run posts: the same run sent again has the same one."""
    canonical = [
        [e.employee, sorted([s, c, str(a)] for s, c, a in e.lines), str(e.net)]
        for e in sorted(run.employees, key=lambda e: e.employee)
    ]
    return hashlib.sha256(json.dumps(canonical).encode()).hexdigest()


def split_amount(
    amount: Decimal, weights: Iterable[tuple[Hashable, float | Decimal]], digits: int
) -> list[tuple[Hashable, Decimal]]:
    """``amount`` shared by ``weights``, rounded, summing exactly to ``amount``.

    The rounding remainder goes to the largest shares first (largest remainder
    method), so a 100.00 split in three is 33.34 + 33.33 + 33.33.
    """
    return _split(amount, _weights(weights), quantum(digits))


def _weights(weights):
    """[(key, Decimal weight)] without zero weights; ValueError if none is left."""
    found = [(key, Decimal(str(w))) for key, w in weights if w]
    if not found or sum((w for _k, w in found), Decimal(0)) <= 0:
        raise ValueError("no positive weight to split over")
    return found


def _split(amount, weights, step):
    if len(weights) == 1:
        return [(weights[0][0], amount)]
    total = sum((w for _k, w in weights), Decimal(0))
    exact = [(key, amount * w / total) for key, w in weights]
    # truncate toward zero, then hand out what is left one step at a time
    result = [[key, value.quantize(step, rounding=ROUND_DOWN)] for key, value in exact]
    left = amount - sum((value for _k, value in result), Decimal(0))
    unit = step if left > 0 else -step
    order = sorted(
        range(len(exact)), key=lambda i: abs(exact[i][1] - result[i][1]), reverse=True
    )
    for i in order:
        if not left:
            break
        result[i][1] += unit
        left -= unit
    return [(key, value) for key, value in result]


def _check_employee(employee, rules, problems, tolerance):
    """Problems of one employee's lines (codes, and gross = deductions + net)."""
    found = []
    for section, code, _amount in employee.lines:
        rule = rules.get(code)
        if rule is None:
            found.append(
                Problem(
                    UNKNOWN_CODE,
                    f"{employee.employee}: payroll code {code!r} is not mapped",
                    employee.employee,
                    code,
                )
            )
        elif rule.category != SECTIONS[section]:
            found.append(
                Problem(
                    UNKNOWN_CODE,
                    f"{employee.employee}: code {code!r} is mapped as "
                    f"{rule.category}, received in {section}",
                    employee.employee,
                    code,
                )
            )
    gross = employee.total("gross")
    deductions = employee.total("deductions")
    if abs(gross - deductions - employee.net) > tolerance:
        found.append(
            Problem(
                UNBALANCED,
                f"{employee.employee}: gross {gross} - deductions {deductions} "
                f"!= net {employee.net}",
                employee.employee,
            )
        )
    problems += found
    return not found


def _post(balances, rule, amount, weights, step):
    """Add one amount of a code to the (account, cost centre) balances."""
    if rule.debit:
        for cost_center, part in _split(amount, weights, step):
            key = (rule.debit, cost_center)
            balances[key] = balances.get(key, Decimal(0)) + part
    if rule.credit:
        key = (rule.credit, None)
        balances[key] = balances.get(key, Decimal(0)) - amount


def build_entry(
    run: Run,
    rules: dict[str, CodeRule],
    cost_shares: dict[str, list[tuple[Hashable, float | Decimal]]],
    digits: int = 2,
) -> Entry:
    """The journal lines of a run, or the problems that forbid posting it.

    ``rules``: {payroll code: CodeRule}, with exactly one rule of category
    NET (the account of net pay). ``cost_shares``: {employee: [(cost centre,
    weight), ...]}; an employee missing from it is unknown.
    """
    problems = list(run.problems)
    step = quantum(digits)
    tolerance = step / 2
    net_rules = [rule for rule in rules.values() if rule.category == NET]
    if len(net_rules) != 1:
        problems.append(
            Problem(UNKNOWN_CODE, "exactly one payroll code must map net pay", None)
        )
    for rule in rules.values():
        missing = rule.missing_accounts()
        if missing:
            problems.append(
                Problem(
                    UNKNOWN_CODE,
                    f"payroll code {rule.code!r} has no {' or '.join(missing)} "
                    "account",
                    code=rule.code,
                )
            )
    balances: dict[tuple[Hashable, Hashable | None], Decimal] = {}
    for employee in run.employees:
        if employee.employee not in cost_shares:
            problems.append(
                Problem(
                    UNKNOWN_EMPLOYEE,
                    f"employee {employee.employee!r} is not known",
                    employee.employee,
                )
            )
            continue
        if not _check_employee(employee, rules, problems, tolerance):
            continue
        try:
            weights = _weights(cost_shares[employee.employee])
        except ValueError:
            problems.append(
                Problem(
                    MISSING_COST_CENTER,
                    f"{employee.employee}: no cost centre in the period",
                    employee.employee,
                )
            )
            continue
        for _section, code, amount in employee.lines:
            _post(balances, rules[code], amount, weights, step)
        if net_rules:
            _post(balances, net_rules[0], employee.net, weights, step)
    lines = [
        JournalLine(
            account,
            cost_center,
            max(balance, Decimal(0)),
            max(-balance, Decimal(0)),
        )
        for (account, cost_center), balance in sorted(
            balances.items(), key=lambda item: (str(item[0][0]), str(item[0][1]))
        )
        if balance
    ]
    entry = Entry(lines, problems)
    if not problems and abs(entry.debit - entry.credit) > tolerance:
        problems.append(
            Problem(
                UNBALANCED,
                f"the entry does not balance: debit {entry.debit}, "
                f"credit {entry.credit}",
            )
        )
    return entry


def held_kind(problems: Iterable[Problem]) -> str:
    """The kind that names a held run: the first of PROBLEM_PRIORITY found."""
    kinds = {problem.kind for problem in problems}
    for kind in PROBLEM_PRIORITY:
        if kind in kinds:
            return kind
    return UNBALANCED
