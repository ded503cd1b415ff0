"""Procurement governance at volume: requisition lines in, order lines checked
against budgets and contracts; numbers go to bench/results/governance.json.

    .venv/bin/python bench/bench_governance.py --db hc_dev_governance

The database must have ``healthcare_integration_budget`` and
``healthcare_integration_contract`` installed (e.g. made, and kept, by
``./bin/test --only healthcare_integration_budget,healthcare_integration_contract
--db hc_dev_governance``); the benchmark works in one transaction that it
rolls back (nothing is kept).

- ``import``: 10,000 requisition lines (requisitions of 50 lines) applied by
  the requisition handler's page path (``process_items``: codes resolved
  once per page and code domain, one create for the page's requests, one
  insert for their lines (``purchase.request.line._hc_insert_new``, OCA's
  computed line fields written with them), budget checked and tiers routed
  as a batch);
  beside it, ``naive_import``: one ORM search per code and one create per
  line, timed on a sample and scaled;
- ``check``: 10,000 order lines (requests for quotation of 50 lines) checked
  against their contract prices (``purchase.requisition._hc_contract_prices``,
  one statement per chunk) and their cost centres' budgets
  (``purchase.order._hc_budget_checks``, one position search per chunk), in
  chunks of 2,500 lines; beside it, ``naive_check``: per order line, an ORM
  search of the contract line in force and the cost centre's budget positions
  read one by one, timed on a sample and scaled;
- memory: the worker's resident memory after each page or chunk; flat when
  the last is within ``rss_growth_mib_max`` of the first.

Targets (issue #29): the import and the check at least 10x the naive loop;
memory flat.
``--lines 500 --dry-run`` proves the script at a small scale without writing
results.
"""

import argparse
import os
import sys
import time
from pathlib import Path
from types import SimpleNamespace

from harness import odoo_env, write_result

ROOT = Path(__file__).resolve().parents[1]
PRODUCTS = 200
CENTRES = 20
LINES_PER_DOCUMENT = 50
CHUNK = 2500
NAIVE_SAMPLE = 500
TARGETS = {
    "import_speedup_vs_naive_min": 10.0,
    "check_speedup_vs_naive_min": 10.0,
    "rss_growth_mib_max": 64,
}


def rss_mib():
    with open(f"/proc/{os.getpid()}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def setup(env):
    """Products, cost centres with a budget each, a supplier with one contract
    for every product this year, a platform backend and its pull flow."""
    from odoo import Command, fields

    today = fields.Date.today()
    year_start, year_end = (
        today.replace(month=1, day=1),
        today.replace(month=12, day=31),
    )
    backend = env["hc.backend"].create(
        {
            "name": "Bench eProcurement",
            "code": "bench_governance",
            "system_type": "procurement",
            "base_url": "http://127.0.0.1:9",
        }
    )
    flow_type = env.ref("healthcare_integration_requisition.flow_type_requisition_pull")
    flow = env["hc.flow"].create(
        {"flow_type_id": flow_type.id, "backend_id": backend.id, "active": False}
    )
    env["res.users"].with_context(no_reset_password=True).create(
        {"name": "Bench requester", "login": "gov.bench.requester"}
    )
    products = env["product.product"].create(
        [
            {"name": f"Bench item {n}", "default_code": f"GOV-{n}"}
            for n in range(PRODUCTS)
        ]
    )
    plan = env["account.analytic.plan"].create({"name": "Bench cost centres"})
    centres = env["account.analytic.account"].create(
        [
            {"name": f"Bench centre {n}", "code": f"GCC-{n}", "plan_id": plan.id}
            for n in range(CENTRES)
        ]
    )
    expense = env["account.account"].search([("account_type", "=", "expense")], limit=1)
    post = env["account.budget.post"].create(
        {"name": "Bench supplies", "account_ids": [Command.set(expense.ids)]}
    )
    budget = env["crossovered.budget"].create(
        {
            "name": "Bench budget",
            "date_from": year_start,
            "date_to": year_end,
            "crossovered_budget_line_ids": [
                Command.create(
                    {
                        "analytic_account_id": centre.id,
                        "general_budget_id": post.id,
                        "date_from": year_start,
                        "date_to": year_end,
                        # one cost centre in four has little left
                        "planned_amount": -1_000.0 if n % 4 == 0 else -250_000.0,
                    }
                )
                for n, centre in enumerate(centres)
            ],
        }
    )
    budget.action_budget_confirm()
    supplier = env["res.partner"].create({"name": "Bench supplier", "is_company": True})
    contract = env["purchase.requisition"].create(
        {
            "vendor_id": supplier.id,
            "requisition_type": "blanket_order",
            "date_start": year_start,
            "date_end": year_end,
            "line_ids": [
                Command.create(
                    {
                        "product_id": product.id,
                        "product_qty": 100_000,
                        "price_unit": 10.0 + n % 7,
                    }
                )
                for n, product in enumerate(products)
            ],
        }
    )
    contract.action_confirm()
    env.flush_all()
    return SimpleNamespace(
        flow=flow, products=products, centres=centres, supplier=supplier
    )


def requisitions(count_lines, offset=0):
    """Requisitions of LINES_PER_DOCUMENT lines, count_lines lines in all."""
    for number in range(count_lines // LINES_PER_DOCUMENT):
        ref = f"GOV-REQ-{offset + number}"
        yield {
            "requisition_id": ref,
            "requester": "gov.bench.requester",
            "cost_centre": f"GCC-{number % CENTRES}",
            "description": "Bench requisition",
            "lines": [
                {
                    "line": line + 1,
                    "item": f"GOV-{(number * LINES_PER_DOCUMENT + line) % PRODUCTS}",
                    "quantity": 1 + line % 5,
                    "unit_price": 10.0 + line % 7,
                }
                for line in range(LINES_PER_DOCUMENT)
            ],
        }


def bench_import(env, data, lines):
    handler = env["hc.handler.requisition.in"]
    page = SimpleNamespace(flow_id=data.flow)
    rss = []
    started = time.perf_counter()
    created = 0
    batch = []
    for document in requisitions(lines):
        batch.append(document)
        if len(batch) * LINES_PER_DOCUMENT >= CHUNK:
            created += handler.process_items(page, batch)["created"]
            env.flush_all()
            env.invalidate_all()  # as each page's job starts afresh
            rss.append(rss_mib())
            batch = []
    if batch:
        created += handler.process_items(page, batch)["created"]
        env.flush_all()
        rss.append(rss_mib())
    elapsed = time.perf_counter() - started
    assert created == lines // LINES_PER_DOCUMENT, created
    return elapsed, rss


def bench_naive_import(env, data, lines, sample):
    """Per line: the product, cost centre and request searched, a line created."""
    requests = env["purchase.request"]
    started = time.perf_counter()
    done = 0
    for document in requisitions(sample, offset=lines):
        for line in document["lines"]:
            product = env["product.product"].search(
                [("default_code", "=", line["item"])], limit=1
            )
            centre = env["account.analytic.account"].search(
                [("code", "=", document["cost_centre"])], limit=1
            )
            request = requests.search(
                [("origin", "=", document["requisition_id"])], limit=1
            ) or requests.create({"origin": document["requisition_id"]})
            env["purchase.request.line"].create(
                {
                    "request_id": request.id,
                    "product_id": product.id,
                    "product_qty": line["quantity"],
                    "estimated_cost": line["quantity"] * line["unit_price"],
                    "analytic_distribution": {str(centre.id): 100},
                }
            )
            done += 1
    env.flush_all()
    return (time.perf_counter() - started) * lines / done


def make_orders(env, data, lines):
    """Requests for quotation to the supplier, LINES_PER_DOCUMENT lines each;
    one line in seven billed 5 % over its contract price."""
    from odoo import Command

    vals = []
    for number in range(lines // LINES_PER_DOCUMENT):
        centre = data.centres[number % CENTRES]
        order_lines = []
        for line in range(LINES_PER_DOCUMENT):
            index = (number * LINES_PER_DOCUMENT + line) % PRODUCTS
            over = 1.05 if line % 7 == 0 else 1.0
            order_lines.append(
                Command.create(
                    {
                        "product_id": data.products[index].id,
                        "product_qty": 1 + line % 5,
                        "price_unit": (10.0 + index % 7) * over,
                        "analytic_distribution": {str(centre.id): 100},
                    }
                )
            )
        vals.append({"partner_id": data.supplier.id, "order_line": order_lines})
    orders = env["purchase.order"].create(vals)
    env.flush_all()
    env.invalidate_all()
    return orders.ids


def bench_check(env, order_ids):
    """Contract prices and budgets of the orders' lines, chunk by chunk."""
    from odoo import fields

    agreements = env["purchase.requisition"]
    orders_per_chunk = CHUNK // LINES_PER_DOCUMENT
    variances = held = 0
    rss = []
    started = time.perf_counter()
    for start in range(0, len(order_ids), orders_per_chunk):
        orders = env["purchase.order"].browse(
            order_ids[start : start + orders_per_chunk]
        )
        lines = orders.order_line
        keys = {
            line.id: (
                line.partner_id.id,
                line.product_id.id,
                fields.Date.to_date(line.order_id.date_order),
            )
            for line in lines
        }
        prices = agreements._hc_contract_prices(keys.values())
        for line in lines:
            found = prices.get(keys[line.id])
            if found and abs(line.price_unit - found.price) > 0.01 * found.price:
                variances += 1
        held += sum(1 for problems in orders._hc_budget_checks().values() if problems)
        env.invalidate_all()
        rss.append(rss_mib())
    elapsed = time.perf_counter() - started
    return elapsed, rss, variances, held


def bench_naive_check(env, order_ids, lines, sample):
    """Per order line: the contract line in force searched, the cost centre's
    positions searched and read."""
    from odoo import fields

    started = time.perf_counter()
    done = variances = 0
    positions = env["hc.budget.position"]
    order_lines = env["purchase.order.line"].search(
        [("order_id", "in", order_ids)], limit=sample
    )
    for line in order_lines:
        day = fields.Date.to_date(line.order_id.date_order)
        contract_line = env["purchase.requisition.line"].search(
            [
                ("requisition_id.vendor_id", "=", line.partner_id.id),
                ("requisition_id.requisition_type", "=", "blanket_order"),
                ("requisition_id.state", "in", ("confirmed", "done")),
                ("requisition_id.date_start", "<=", day),
                ("requisition_id.date_end", ">=", day),
                ("product_id", "=", line.product_id.id),
            ],
            limit=1,
        )
        if abs(line.price_unit - contract_line.price_unit) > 0.01 * (
            contract_line.price_unit or 1
        ):
            variances += 1
        for key in line.analytic_distribution or {}:
            rows = positions._on(env["account.analytic.account"].browse(int(key)), day)
            sum(row.available for row in rows)
        done += 1
    return (time.perf_counter() - started) * lines / done


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="hc_dev_governance")
    parser.add_argument("--addons-path", default="")
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--naive-sample", type=int, default=NAIVE_SAMPLE)
    parser.add_argument(
        "--dry-run", action="store_true", help="print, write no results"
    )
    args = parser.parse_args(argv)
    sample = min(args.naive_sample, args.lines)
    env, cr = odoo_env(args.db, args.addons_path, quiet=True)
    try:
        data = setup(env)
        imported, import_rss = bench_import(env, data, args.lines)
        naive_import = bench_naive_import(env, data, args.lines, sample)
        order_ids = make_orders(env, data, args.lines)
        checked, check_rss, variances, held = bench_check(env, order_ids)
        naive_check = bench_naive_check(env, order_ids, args.lines, sample)
    finally:
        cr.rollback()
        cr.close()
    growth = max(
        import_rss[-1] - import_rss[0] if len(import_rss) > 1 else 0.0,
        check_rss[-1] - check_rss[0] if len(check_rss) > 1 else 0.0,
    )
    measures = {
        "lines": args.lines,
        "import_s": round(imported, 2),
        "import_lines_per_s": round(args.lines / imported),
        "naive_import_s_extrapolated": round(naive_import, 2),
        "import_speedup_vs_naive": round(naive_import / imported, 1),
        "check_s": round(checked, 2),
        "check_lines_per_s": round(args.lines / checked),
        "naive_check_s_extrapolated": round(naive_check, 2),
        "check_speedup_vs_naive": round(naive_check / checked, 1),
        "naive_sample_lines": sample,
        "contract_variances": variances,
        "orders_held_for_budget": held,
        "rss_import_mib": [round(value, 1) for value in import_rss],
        "rss_check_mib": [round(value, 1) for value in check_rss],
        "rss_growth_mib": round(growth, 1),
        "load_average": os.getloadavg()[0],
    }
    met = {
        "import_speedup_vs_naive_min": measures["import_speedup_vs_naive"]
        >= TARGETS["import_speedup_vs_naive_min"],
        "check_speedup_vs_naive_min": measures["check_speedup_vs_naive"]
        >= TARGETS["check_speedup_vs_naive_min"],
        "rss_growth_mib_max": growth <= TARGETS["rss_growth_mib_max"],
    }
    report = {
        "name": "governance",
        "measures": measures,
        "targets": TARGETS,
        "met": met,
    }
    write_result("governance", report, save=not args.dry_run)
    return 0 if all(met.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
