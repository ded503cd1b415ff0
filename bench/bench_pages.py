"""Page times of the README's stories, on the demo data, as a browser asks.

Each page is the requests the web client makes to show it (its views, then
its record or rows, as ``/web/dataset/call_kw`` and ``call_button`` calls with
the fields of its views), timed from the client over HTTP: what the user waits
for, rendering aside. The pages:

- ``receipt_validate``: *Validate* on a capital receipt of three infusion
  pumps (serials entered), and the form read again (asset story);
- ``asset_from_chatter``: a draft asset the receipt created, opened (its form
  and record, as from the link the receipt's chatter shows);
- ``pay_period_first_open``: the first open of last month's pay period (a
  period created for the round, so that nothing of it is cached);
- ``second_user_first_login``: a new internal user's first login and first
  screen (authenticate, the web client page, its menus);
- the pages the Chromium tours visit: ``order_form`` (an order to Northbay
  with its transmission badge), ``sync_run_form``, ``receipt_form``,
  ``equipment_list``, ``equipment_form``, ``mismatch_bills``.

The target is 2 s for each page (median and slowest of the rounds).

It serves its own database (``hc_dev_pages_bench`` by default: every addon
with demo data, created on first use, 2-3 minutes) with Odoo in production
mode (``--workers 2``, one cron thread), so that the demo database of
``./bin/start`` is not touched. Usage::

    .venv/bin/python bench/bench_pages.py [--db NAME] [--rounds N] [--out FILE]

The numbers go to ``bench/results/pages.json`` (``--out``) with the targets and
whether each is met (exit 1 when one is missed).
"""

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import hcdev  # noqa: E402
from harness import ensure_database, log, odoo_server  # noqa: E402
from web_client import Client  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "pages.json"
TARGET_MS = 2000
DEFAULT_DB = "hc_dev_pages_bench"


def timed(func):
    started = time.perf_counter()
    func()
    return (time.perf_counter() - started) * 1000


# ------------------------------------------------------------------ story data


def ready_capital_receipt(admin, round_no):
    """A copy of the demo's order of three pumps, confirmed, serials entered."""
    [order] = admin.call(
        "purchase.order",
        "copy",
        admin.ref("healthcare_integration_asset.demo_po_pumps"),
    )
    admin.button("purchase.order", "button_confirm", [order])
    [picking] = admin.call("purchase.order", "read", [order], ["picking_ids"])[0][
        "picking_ids"
    ]
    [move] = admin.call("stock.picking", "read", [picking], ["move_ids"])[0]["move_ids"]
    [move_values] = admin.call(
        "stock.move",
        "read",
        [move],
        [
            "product_id",
            "product_uom",
            "location_id",
            "location_dest_id",
            "move_line_ids",
        ],
    )
    admin.call("stock.move.line", "unlink", move_values["move_line_ids"])
    admin.call(
        "stock.move.line",
        "create",
        [
            {
                "move_id": move,
                "picking_id": picking,
                "product_id": move_values["product_id"][0],
                "product_uom_id": move_values["product_uom"][0],
                "location_id": move_values["location_id"][0],
                "location_dest_id": move_values["location_dest_id"][0],
                "lot_name": f"BENCH-{round_no}-{int(time.time())}-{n}",
                "quantity": 1,
            }
            for n in range(3)
        ],
    )
    admin.call("stock.move", "write", [move], {"picked": True})
    return order, picking


def northbay_order(admin):
    partner = admin.ref("healthcare_integration_procurement.demo_supplier_northbay")
    found = admin.call(
        "purchase.order", "search", [("partner_id", "=", partner)], limit=1
    )
    if found:
        return found[0]
    templates = [
        info["product_tmpl_id"][0]
        for info in admin.call(
            "product.supplierinfo",
            "search_read",
            [("partner_id", "=", partner)],
            ["product_tmpl_id"],
            limit=3,
        )
    ]
    products = admin.call(
        "product.product", "search", [("product_tmpl_id", "in", templates)]
    )
    order = admin.call(
        "purchase.order",
        "create",
        {
            "partner_id": partner,
            "order_line": [
                (0, 0, {"product_id": product, "product_qty": 5})
                for product in products
            ],
        },
    )
    admin.button("purchase.order", "button_confirm", [order])
    return order


def fresh_period(admin):
    """A pay period of the demo's provider, the month before its earliest one,
    created for the round: never opened, nothing of it cached."""
    template = admin.ref("healthcare_integration_payroll.demo_period_last_month")
    [values] = admin.call("hc.payroll.period", "read", [template], ["provider_id"])
    provider = values["provider_id"][0]
    [earliest] = admin.call(
        "hc.payroll.period",
        "search_read",
        [("provider_id", "=", provider)],
        ["date_from"],
        order="date_from asc",
        limit=1,
    )
    first = dt.date.fromisoformat(earliest["date_from"])
    date_to = first - dt.timedelta(days=1)
    return admin.call(
        "hc.payroll.period",
        "create",
        {
            "provider_id": provider,
            "date_from": str(date_to.replace(day=1)),
            "date_to": str(date_to),
        },
    )


# ------------------------------------------------------------------ the pages


def measure_round(url, db, round_no):
    admin = Client(url, db)
    admin.login("admin", "admin")
    times = {}

    order, picking = ready_capital_receipt(admin, round_no)
    picking_action = admin.ref("stock.action_picking_tree_all")

    def validate():
        admin.button("stock.picking", "button_validate", [picking])
        admin.form("stock.picking", picking, picking_action)

    times["receipt_validate"] = timed(validate)
    equipment = admin.call("stock.picking", "read", [picking], ["hc_equipment_ids"])[0][
        "hc_equipment_ids"
    ]
    [asset] = admin.call(
        "maintenance.equipment", "read", equipment[:1], ["hc_asset_id"]
    )
    times["asset_from_chatter"] = timed(
        lambda: admin.form("account.asset", asset["hc_asset_id"][0])
    )
    times["receipt_form"] = timed(
        lambda: admin.form("stock.picking", picking, picking_action)
    )
    equipment_action = admin.ref(
        "healthcare_integration_asset.hc_asset_equipment_action"
    )
    times["equipment_list"] = timed(
        lambda: admin.listing(
            "maintenance.equipment", [("hc_asset_id", "!=", False)], equipment_action
        )
    )
    times["equipment_form"] = timed(
        lambda: admin.form("maintenance.equipment", equipment[0], equipment_action)
    )

    period = fresh_period(admin)
    period_action = admin.ref("healthcare_integration_payroll.hc_payroll_period_action")
    times["pay_period_first_open"] = timed(
        lambda: admin.form("hc.payroll.period", period, period_action)
    )

    purchase_action = admin.ref("purchase.purchase_rfq")
    po = northbay_order(admin)
    times["order_form"] = timed(
        lambda: admin.form("purchase.order", po, purchase_action)
    )
    run = admin.call("hc.sync.run", "search", [], limit=1)
    if run:
        times["sync_run_form"] = timed(lambda: admin.form("hc.sync.run", run[0]))
    mismatch_action = admin.ref(
        "healthcare_integration_procurement.account_move_action_hc_mismatch"
    )
    times["mismatch_bills"] = timed(
        lambda: admin.listing(
            "account.move",
            [
                ("move_type", "=", "in_invoice"),
                ("hc_match_state", "in", ("mismatch", "no_order")),
            ],
            mismatch_action,
        )
    )

    login = f"bench_user_{round_no}_{int(time.time())}"
    admin.call(
        "res.users",
        "create",
        {
            "name": f"Bench user {round_no}",
            "login": login,
            "password": login,
            "groups_id": [(6, 0, [admin.ref("base.group_user")])],
        },
    )
    user = Client(url, db)

    def first_login():
        user.login(login, login)
        page = user.http.get(f"{url}/odoo", timeout=120)
        page.raise_for_status()
        user.http.get(
            f"{url}/web/webclient/load_menus/{round_no}", timeout=120
        ).raise_for_status()

    times["second_user_first_login"] = timed(first_login)
    return times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=DEFAULT_DB)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    ensure_database(args.db, hcdev.suite_addons(), demo=True)
    with odoo_server(
        args.db,
        log_path=hcdev.STATE / "bench-pages-odoo.log",
        extra=("--workers", "2", "--max-cron-threads", "1", "--log-level=warn"),
    ) as url:
        Client(url, args.db).login("admin", "admin")  # the workers' registries load
        rounds = []
        for round_no in range(1, args.rounds + 1):
            times = measure_round(url, args.db, round_no)
            log(
                f"round {round_no}: "
                + ", ".join(f"{k} {v:.0f} ms" for k, v in times.items())
            )
            rounds.append(times)
    pages = {}
    for name in rounds[0]:
        values = [r[name] for r in rounds if name in r]
        pages[name] = {
            "median_ms": round(statistics.median(values)),
            "max_ms": round(max(values)),
            "min_ms": round(min(values)),
            "met": max(values) <= TARGET_MS,
        }
    load = subprocess.run(["cat", "/proc/loadavg"], capture_output=True, text=True)
    result = {
        "target_ms": TARGET_MS,
        "rounds": args.rounds,
        "database": args.db,
        "load_average": load.stdout.split()[:3],
        "pages": pages,
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    for name, page in pages.items():
        flag = "ok" if page["met"] else "SLOW"
        log(f"{name}: median {page['median_ms']} ms, max {page['max_ms']} ms ({flag})")
    return 0 if all(p["met"] for p in pages.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
