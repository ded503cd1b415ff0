"""What the payroll provider of the payroll simulator computes, without HTTP:
input batches read from JSON or CSV, their acknowledgement (totals per
employee and code), the payroll results of a period, and the demo's HR story
(a hire, transfer, leave, return and termination as workforce events)."""

import csv
import io
import json
from decimal import ROUND_HALF_UP, Decimal

# pay rates per hour of each hours code; amounts of other codes are paid as sent
HOURLY_RATES = {
    "REG": Decimal("32.00"),
    "OT": Decimal("48.00"),
    "NIGHT": Decimal("6.50"),
    "WKND": Decimal("8.00"),
    "ONCALL": Decimal("5.00"),
}
DEFAULT_RATE = Decimal("30.00")
EMPLOYER_CHARGES = {"ER_SS": Decimal("0.2375")}
EMPLOYEE_DEDUCTIONS = {"EE_TAX": Decimal("0.20"), "EE_SS": Decimal("0.11")}
# input codes starting with this are deductions, not pay
DEDUCTION_PREFIX = "DED"
CENT = Decimal("0.01")
RESULTS_DELAY = 2.0


def money(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------- batches


def parse_batch(body, content_type):
    """A received batch as {"name", "version", "period", "lines": [...]}.

    ValueError when the body is not a batch in the format it claims.
    """
    if (content_type or "").split(";")[0].strip() == "text/csv":
        return _parse_csv_batch(body)
    document = json.loads(body)
    if not isinstance(document, dict) or "lines" not in document:
        raise ValueError("a batch is an object with lines")
    return {
        "name": document["batch"],
        "version": document.get("version", 1),
        "period": (document["period"]["start"], document["period"]["end"]),
        "lines": [
            (
                line["employee_id"],
                line["code"],
                Decimal(str(line["quantity"])),
                Decimal(str(line["amount"])),
            )
            for line in document["lines"]
        ],
    }


def _parse_csv_batch(body):
    rows = list(csv.DictReader(io.StringIO(body)))
    if not rows:
        raise ValueError("an empty CSV file names no batch")
    first = rows[0]
    return {
        "name": first["batch"],
        "version": int(first["version"]),
        "period": (first["period_start"], first["period_end"]),
        "lines": [
            (
                row["employee_id"],
                row["code"],
                Decimal(row["quantity"] or "0"),
                Decimal(row["amount"] or "0"),
            )
            for row in rows
        ],
    }


def totals_of(lines):
    """{(employee, code): [quantity, amount]} summed over batch lines."""
    totals = {}
    for employee, code, quantity, amount in lines:
        total = totals.setdefault((employee, code), [Decimal(0), Decimal(0)])
        total[0] += quantity
        total[1] += amount
    return totals


def acknowledgement(batch, provider_id, adjust=None):
    """The provider's answer to a batch: its totals per employee and code.

    ``adjust``: {(employee, code): {"quantity": ..., "amount": ...} or None}
    makes the provider read other totals (or drop a line), as a provider with
    a mapping error would.
    """
    totals = totals_of(batch["lines"])
    for key, change in (adjust or {}).items():
        if change is None:
            totals.pop(key, None)
        else:
            total = totals.setdefault(key, [Decimal(0), Decimal(0)])
            total[0] = Decimal(str(change.get("quantity", total[0])))
            total[1] = Decimal(str(change.get("amount", total[1])))
    return {
        "status": "accepted",
        "batch": batch["name"],
        "provider_batch_id": provider_id,
        "totals": [
            {
                "employee_id": employee,
                "code": code,
                "quantity": float(quantity),
                "amount": float(amount),
            }
            for (employee, code), (quantity, amount) in sorted(totals.items())
        ],
    }


# ---------------------------------------------------------------- results


def payroll_results(batches, period, run_id, revision, people=None, currency="USD"):
    """Payroll results of ``period`` computed from every batch received for it.

    Hours are paid at HOURLY_RATES, amounts as sent (codes starting with DED
    are deductions); employer charges and employee deductions are percentages
    of gross. National ids and bank accounts come along, as real results do.
    """
    lines = [
        line
        for batch in batches
        if batch["period"] == period
        for line in batch["lines"]
    ]
    by_employee = {}
    for (employee, code), (quantity, amount) in sorted(totals_of(lines).items()):
        by_employee.setdefault(employee, []).append((code, quantity, amount))
    people = people or {}
    employees = []
    for employee, codes in by_employee.items():
        gross, deductions = [], []
        for code, quantity, amount in codes:
            if code.startswith(DEDUCTION_PREFIX):
                deductions.append({"code": code, "amount": float(money(amount))})
                continue
            pay = money(quantity * HOURLY_RATES.get(code, DEFAULT_RATE) + amount)
            if pay:
                gross.append({"code": code, "amount": float(pay)})
        total = sum((Decimal(str(g["amount"])) for g in gross), Decimal(0))
        for code, rate in EMPLOYEE_DEDUCTIONS.items():
            deductions.append({"code": code, "amount": float(money(total * rate))})
        withheld = sum((Decimal(str(d["amount"])) for d in deductions), Decimal(0))
        person = people.get(employee, {})
        employees.append(
            {
                "employee_id": employee,
                "national_id": person.get("national_id", f"NID-{employee}-7731"),
                "bank_account": person.get(
                    "bank_account", f"US64 SVBK 0000 0000 {employee[-4:]:0>4}"
                ),
                "gross": gross,
                "employer_charges": [
                    {"code": code, "amount": float(money(total * rate))}
                    for code, rate in EMPLOYER_CHARGES.items()
                ],
                "deductions": deductions,
                "net": float(total - withheld),
            }
        )
    return {
        "run_id": run_id,
        "revision": revision,
        "period": {"start": period[0], "end": period[1]},
        "pay_date": period[1],
        "currency": currency,
        "employees": employees,
    }


# ---------------------------------------------------------------- HR story

DEMO_HR_STORY = (
    {
        "event_type": "hire",
        "effective_date": "{month_start}",
        "employee": {
            "id": "E2001",
            "name": "Grace Okafor",
            "work_email": "grace.okafor@example-hospital.org",
            "national_id": "123-45-6789",
            "bank_account": "US64 SVBK 0000 0000 2001",
        },
        "assignment": {
            "department": {"code": "ICU", "name": "Intensive Care Unit"},
            "job": {"code": "RN", "name": "Registered Nurse"},
            "manager_id": "E1004",
        },
    },
    {
        "event_type": "transfer",
        "effective_date": "{mid_month}",
        "employee": {"id": "E2001"},
        "assignment": {
            "department": {"code": "ED", "name": "Emergency Department"},
            "job": {"code": "RN"},
        },
    },
    {
        "event_type": "leave_start",
        "effective_date": "{next_week}",
        "employee": {"id": "E2001"},
        "leave": {"type": "Parental leave", "expected_return": "{in_a_month}"},
    },
    {
        "event_type": "leave_end",
        "effective_date": "{in_two_weeks}",
        "employee": {"id": "E2001"},
    },
    {
        "event_type": "termination",
        "effective_date": "{in_two_months}",
        "employee": {"id": "E2001"},
        "termination": {"reason": "RESIGNED", "note": "Relocating"},
    },
)


def story_event(index, today=None):
    """The ``index``-th event of the demo story, dated around ``today``."""
    import datetime as dt

    today = today or dt.date.today()
    month_start = today.replace(day=1)
    dates = {
        "month_start": month_start,
        "mid_month": month_start + dt.timedelta(days=14),
        "next_week": today + dt.timedelta(days=7),
        "in_two_weeks": today + dt.timedelta(days=14),
        "in_a_month": today + dt.timedelta(days=30),
        "in_two_months": today + dt.timedelta(days=60),
    }
    template = DEMO_HR_STORY[index % len(DEMO_HR_STORY)]
    text = json.dumps(template)
    for name, value in dates.items():
        text = text.replace(f"{{{name}}}", value.isoformat())
    event = json.loads(text)
    event["event_id"] = f"demo-story-{index + 1}"
    event["sequence"] = index % len(DEMO_HR_STORY) + 1
    return event
