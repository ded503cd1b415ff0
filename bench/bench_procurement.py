"""Catalog pull speed and memory of the procurement addon; numbers go to
bench/results/procurement.json.

    .venv/bin/python bench/bench_procurement.py --db hc_dev_procurement

The database must have ``healthcare_integration_procurement`` installed; the
benchmark works in one transaction that it rolls back (nothing is kept).

- ``addon_100k``: 100,000 price lines applied by the catalog handler's bulk
  path (``_apply_items``, pages of 5,000 lines as a price file is read:
  codes resolved per page, one multi-row INSERT ... ON CONFLICT per page);
- ``naive_per_line``: the same lines, one ORM search + create per line,
  timed on a sample and scaled to 100,000;
- ``copy_100k``: PostgreSQL COPY of the same 100,000 rows into
  ``product_supplierinfo`` (the floor: no lookup, no upsert);
- ``rss_1m``: peak resident memory of a fresh worker process applying a CSV
  file of 1,000,000 lines through the file import (``_apply_file``: the file
  read whole as the payload is, then streamed page by page).

Targets (issue #10): at least 10x faster than the naive loop, within 5x of
COPY, and under 500 MB peak RSS for 1,000,000 lines.
"""

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import odoo_env, write_result

ROOT = Path(__file__).resolve().parents[1]
PRODUCTS = 2000
LINES = 100_000
NAIVE_SAMPLE = 3000
PAGE = 5000
TARGETS = {
    "speedup_vs_naive_min": 10.0,
    "ratio_vs_copy_max": 5.0,
    "rss_1m_mib_max": 500,
}


def setup(env):
    """A supplier on a backend, PRODUCTS products with its item codes."""
    backend = env["hc.backend"].create(
        {
            "name": "Bench supplier",
            "code": "bench_catalog",
            "base_url": "http://127.0.0.1:9",
        }
    )
    supplier = env["res.partner"].create(
        {
            "name": "Bench supplier",
            "is_company": True,
            "hc_procurement_backend_id": backend.id,
        }
    )
    env["hc.crosswalk"].create(
        {
            "backend_id": backend.id,
            "domain": "uom",
            "external_code": "BX",
            "record_ref": f"uom.uom,{env.ref('uom.product_uom_unit').id}",
        }
    )
    products = env["product.product"].create(
        [
            {"name": f"Bench item {n}", "default_code": f"BENCH-{n}"}
            for n in range(PRODUCTS)
        ]
    )
    env["product.supplierinfo"].create(
        [
            {
                "partner_id": supplier.id,
                "product_tmpl_id": p.product_tmpl_id.id,
                "product_code": f"V-{n}",
                "price": 1.0,
            }
            for n, p in enumerate(products)
        ]
    )
    flow = env["hc.flow"].create(
        {
            "flow_type_id": env.ref(
                "healthcare_integration_procurement.flow_type_catalog_file"
            ).id,
            "backend_id": backend.id,
        }
    )
    env.flush_all()
    # as autovacuum would have: the planner knows the supplier's vendor prices
    env.cr.execute("ANALYZE product_supplierinfo")
    return flow, supplier, products


def items(count, offset=0):
    for n in range(offset, offset + count):
        yield {
            "id": f"B{n}",
            "item": f"V-{n % PRODUCTS}",
            "price": f"{1 + (n % 97) / 10:.2f}",
            "currency": "USD",
            "min_qty": str(1 + n // PRODUCTS),
            "uom": "BX",
            "valid_from": "2026-01-01",
        }


def bench_addon(env, flow, supplier):
    handler = env["hc.handler.procurement.catalog"]
    started = time.perf_counter()
    total = 0
    batch = []
    for item in items(LINES):
        batch.append(item)
        if len(batch) == PAGE:
            total += handler._apply_items(flow, supplier, batch)["created"]
            batch = []
    if batch:
        total += handler._apply_items(flow, supplier, batch)["created"]
    env.flush_all()
    elapsed = time.perf_counter() - started
    assert total == LINES, total
    return elapsed


def bench_naive(env, flow, supplier):
    """One ORM search for the product and one create per line."""
    infos = env["product.supplierinfo"]
    company = flow.company_id
    started = time.perf_counter()
    for item in items(NAIVE_SAMPLE, offset=LINES):
        info = infos.search(
            [("partner_id", "=", supplier.id), ("product_code", "=", item["item"])],
            limit=1,
        )
        infos.create(
            {
                "partner_id": supplier.id,
                "product_tmpl_id": info.product_tmpl_id.id,
                "product_code": item["item"],
                "price": float(item["price"]),
                "min_qty": float(item["min_qty"]),
                "date_start": item["valid_from"],
                "company_id": company.id,
                "hc_catalog_key": item["id"],
            }
        )
    env.flush_all()
    return (time.perf_counter() - started) * LINES / NAIVE_SAMPLE


def bench_copy(env, supplier, products):
    """COPY of the same rows (product and unit already known)."""
    tmpl = {f"V-{n}": p.product_tmpl_id.id for n, p in enumerate(products)}
    currency = env.ref("base.USD").id
    buffer = io.StringIO()
    for item in items(LINES, offset=2 * LINES):
        buffer.write(
            f"{supplier.id}\t{tmpl[item['item']]}\t{item['item']}\t1\t{item['min_qty']}"
            f"\t{item['price']}\t{currency}\t{item['valid_from']}\t1\t{item['id']}\n"
        )
    started = time.perf_counter()
    buffer.seek(0)
    env.cr.copy_expert(
        "COPY product_supplierinfo (partner_id, product_tmpl_id, product_code, "
        "sequence, min_qty, price, currency_id, date_start, delay, hc_catalog_key) "
        "FROM STDIN",
        buffer,
    )
    return time.perf_counter() - started


def worker_1m(db, addons_path, path):
    """In a fresh process: apply a 1,000,000-line CSV file; print peak RSS."""
    env, cr = odoo_env(db, addons_path)

    try:
        flow, supplier, _products = setup(env)
        data = Path(path).read_bytes()
        handler = env["hc.handler.procurement.catalog"]
        started = time.perf_counter()
        totals, _issues = handler._apply_file(flow, supplier, data)
        env.flush_all()
        created = totals["created"]
        elapsed = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            json.dumps({"created": created, "seconds": elapsed, "peak_rss_mib": peak})
        )
    finally:
        cr.rollback()
        cr.close()


def bench_rss(db, addons_path):
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as handle:
        handle.write("id,item,price,currency,min_qty,uom,valid_from\n")
        for item in items(1_000_000):
            handle.write(
                f"{item['id']},{item['item']},{item['price']},USD,{item['min_qty']},"
                f"BX,{item['valid_from']}\n"
            )
        path = handle.name
    try:
        size = os.path.getsize(path)
        result = subprocess.run(
            [
                sys.executable,
                __file__,
                "--db",
                db,
                "--addons-path",
                addons_path or "",
                "--worker-1m",
                path,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        measures = json.loads(result.stdout.strip().splitlines()[-1])
        measures["file_mib"] = size / 2**20
        return measures
    finally:
        os.unlink(path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="hc_dev_procurement")
    parser.add_argument("--addons-path", default="")
    parser.add_argument("--worker-1m", help=argparse.SUPPRESS)
    parser.add_argument("--skip-rss", action="store_true")
    args = parser.parse_args(argv)
    if args.worker_1m:
        worker_1m(args.db, args.addons_path, args.worker_1m)
        return 0
    env, cr = odoo_env(args.db, args.addons_path)
    try:
        flow, supplier, products = setup(env)
        env.flush_all()
        addon = bench_addon(env, flow, supplier)
        naive = bench_naive(env, flow, supplier)
        copy = bench_copy(env, supplier, products)
    finally:
        cr.rollback()
        cr.close()
    measures = {
        "lines": LINES,
        "addon_100k_s": round(addon, 2),
        "naive_100k_s_extrapolated": round(naive, 2),
        "naive_sample_lines": NAIVE_SAMPLE,
        "copy_100k_s": round(copy, 2),
        "speedup_vs_naive": round(naive / addon, 1),
        "ratio_vs_copy": round(addon / copy, 2),
    }
    if not args.skip_rss:
        rss = bench_rss(args.db, args.addons_path)
        measures.update(
            rss_1m_mib=round(rss["peak_rss_mib"], 1),
            rss_1m_file_mib=round(rss["file_mib"], 1),
            rss_1m_seconds=round(rss["seconds"], 1),
        )
    met = {
        "speedup_vs_naive_min": measures["speedup_vs_naive"]
        >= TARGETS["speedup_vs_naive_min"],
        "ratio_vs_copy_max": measures["ratio_vs_copy"] <= TARGETS["ratio_vs_copy_max"],
    }
    if "rss_1m_mib" in measures:
        met["rss_1m_mib_max"] = measures["rss_1m_mib"] <= TARGETS["rss_1m_mib_max"]
    report = {
        "name": "procurement",
        "measures": measures,
        "targets": TARGETS,
        "met": met,
    }
    write_result("procurement", report)
    return 0 if all(met.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
