"""Speed and memory of the payroll formats at a large hospital group's scale.

    .venv/bin/python bench/bench_payroll.py [--employees 8000]

A cutoff batch of ``--employees`` employees with six input codes each (hours
and allowances): building it as JSON and as CSV, masking the CSV's amounts,
reconciling it against an acknowledgement; then the payroll run of those
employees (four gross codes, an employer charge, two deductions; one in five
transferred mid-period, so split over two cost centres) turned into its
journal lines. Writes bench/results/payroll.json (measures, targets, met) and
exits 1 when a target is missed.
"""

import argparse
import json
import sys
import time
import tracemalloc
from decimal import Decimal

from harness import addon_lib, measured_report, write_result

# minimum lines (or employees) per second, maximum MiB
TARGETS = {
    "batch_json_lines_per_s": 50000,
    "batch_csv_lines_per_s": 50000,
    "mask_csv_lines_per_s": 25000,
    "reconcile_lines_per_s": 25000,
    "journal_employees_per_s": 5000,
    "journal_peak_mib": 64,
}
LOWER_IS_BETTER = ("journal_peak_mib",)
INPUT_CODES = (
    ("REG", "160", "0"),
    ("OT", "6.5", "0"),
    ("NIGHT", "24", "0"),
    ("WKND", "16", "0"),
    ("ONCALL", "12", "0"),
    ("ALLOW_MEAL", "0", "120.00"),
)


def batch_lines(inputs, employees):
    return [
        inputs.InputLine(f"E{n:06d}", code, Decimal(qty), Decimal(amount))
        for n in range(employees)
        for code, qty, amount in INPUT_CODES
    ]


def results_document(employees):
    people = []
    for n in range(employees):
        gross = [
            {"code": "REG", "amount": "5120.00"},
            {"code": "OT", "amount": "312.00"},
            {"code": "NIGHT", "amount": "156.00"},
            {"code": "ALLOW_MEAL", "amount": "120.00"},
        ]
        people.append(
            {
                "employee_id": f"E{n:06d}",
                "gross": gross,
                "employer_charges": [{"code": "ER_SS", "amount": "1355.64"}],
                "deductions": [
                    {"code": "EE_TAX", "amount": "1141.60"},
                    {"code": "EE_SS", "amount": "627.88"},
                ],
                "net": "3938.52",
            }
        )
    return {"employees": people}


def rules(journal):
    rule = journal.CodeRule
    return {
        "REG": rule("REG", journal.EARNING, debit=6300),
        "OT": rule("OT", journal.EARNING, debit=6300),
        "NIGHT": rule("NIGHT", journal.EARNING, debit=6300),
        "ALLOW_MEAL": rule("ALLOW_MEAL", journal.EARNING, debit=6300),
        "ER_SS": rule("ER_SS", journal.EMPLOYER_CHARGE, 6310, 2302),
        "EE_TAX": rule("EE_TAX", journal.DEDUCTION, credit=2301),
        "EE_SS": rule("EE_SS", journal.DEDUCTION, credit=2301),
        "NET": rule("NET", journal.NET, credit=2300),
    }


def cost_shares(employees, centres=40):
    shares = {}
    for n in range(employees):
        home = n % centres
        if n % 5 == 0:
            shares[f"E{n:06d}"] = [(home, 64.0), ((home + 1) % centres, 96.0)]
        else:
            shares[f"E{n:06d}"] = [(home, 160.0)]
    return shares


def timed(func):
    started = time.perf_counter()
    result = func()
    return result, time.perf_counter() - started


def bench(employees):
    inputs = addon_lib("payroll", "inputs")
    journal = addon_lib("payroll", "journal")
    header = inputs.BatchHeader(
        "bench/2025-03-01_2025-03-31/v1",
        1,
        "original",
        None,
        "2025-03-01",
        "2025-03-31",
        "USD",
        "bench",
    )
    lines = batch_lines(inputs, employees)
    document, json_s = timed(
        lambda: json.dumps(inputs.batch_document(header, lines)).encode()
    )
    text, csv_s = timed(lambda: inputs.batch_csv(header, lines))
    _masked, mask_s = timed(lambda: inputs.mask_csv_columns(text))
    acknowledged = [*lines[:-1], inputs.InputLine("E999999", "REG", Decimal(8))]
    differences, reconcile_s = timed(lambda: inputs.reconcile(lines, acknowledged))
    assert len(differences) == 2, differences

    run_doc = results_document(employees)
    shares = cost_shares(employees)
    code_rules = rules(journal)

    def post():
        run = journal.parse_run(run_doc)
        return journal.build_entry(run, code_rules, shares)

    entry, journal_s = timed(post)
    assert not entry.problems and entry.debit == entry.credit, entry.problems[:3]
    tracemalloc.start()
    post()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    count = len(lines)
    return {
        "employees": employees,
        "batch_lines": count,
        "batch_json_mib": round(len(document) / 2**20, 2),
        "batch_csv_mib": round(len(text) / 2**20, 2),
        "batch_json_lines_per_s": round(count / json_s),
        "batch_csv_lines_per_s": round(count / csv_s),
        "mask_csv_lines_per_s": round(count / mask_s),
        "reconcile_lines_per_s": round(count / reconcile_s),
        "journal_lines": len(entry.lines),
        "journal_s": round(journal_s, 3),
        "journal_employees_per_s": round(employees / journal_s),
        "journal_peak_mib": round(peak / 2**20, 2),
    }


def write_report(measures):
    met = {
        key: (
            measures[key] <= target
            if key in LOWER_IS_BETTER
            else measures[key] >= target
        )
        for key, target in TARGETS.items()
    }
    report = measured_report(measures, TARGETS, met)
    write_result("payroll", report)
    return report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=8000)
    args = parser.parse_args(argv)
    report = write_report(bench(args.employees))
    return 0 if all(report["met"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
