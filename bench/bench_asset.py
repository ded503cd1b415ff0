"""Speed and memory of the asset addon's database-free work.

    .venv/bin/python bench/bench_asset.py [--assets 20000]

Month-end figures of a large hospital group: ``--assets`` assets over 400 cost
centres (a third split over two centres), each with its capitalization,
depreciation and a disposal, aggregated per cost centre, compared with what
was sent (``delta``) and cut into pages; and the screening of EAM work orders
for patient data. Writes bench/results/asset.json (measures, targets, met) and
exits 1 when a target is missed.
"""

import argparse
import random
import sys
import time
import tracemalloc

from harness import addon_lib, measured_report, write_result

finance = addon_lib("asset", "finance")
eam = addon_lib("asset", "eam")

# minimum per second, maximum MiB
TARGETS = {
    "month_end_assets_per_s": 20000,
    "month_end_peak_mib": 64,
    "screen_work_orders_per_s": 5000,
}


def assets(count, centres=400, seed=7):
    rng = random.Random(seed)
    rows = []
    for n in range(count):
        first = f"CC-{rng.randrange(centres):03d}"
        if n % 3 == 0:
            second = f"CC-{rng.randrange(centres):03d}"
            distribution = {first: 60, second: 40} if second != first else {first: 100}
        else:
            distribution = {first: 100}
        value = round(rng.uniform(800, 250000), 2)
        rows.append((distribution, value, round(value / 60, 2), n % 50 == 0))
    return rows


def month_end(rows):
    figures = {}
    for distribution, value, depreciation, disposed in rows:
        for centre, share in finance.split(value, distribution).items():
            finance.add(figures, centre, "capitalized", share)
        main = max(distribution, key=distribution.get)
        finance.add(figures, main, "capitalized_count", 1)
        for centre, share in finance.split(depreciation, distribution).items():
            finance.add(figures, centre, "depreciation", share)
        if disposed:
            for centre, share in finance.split(value / 2, distribution).items():
                finance.add(figures, centre, "disposed_book_value", share)
    figures = finance.rounded(figures)
    changes = finance.delta({}, figures)
    return finance.pages({"period": "2026-03"}, changes)


def work_orders(count):
    return [
        {
            "work_order_id": f"WO-{n}",
            "asset_id": f"EAM-{n:06d}",
            "status": "closed",
            "closed_at": "2026-03-04",
            "technician_notes": "Replaced the pressure sensor." * 4,
            "patient": {"name": "Jane Doe", "mrn": "MRN-1"} if n % 10 == 0 else None,
            "events": [{"at": "2026-03-04T10:00:00Z", "by": "tech-7"}] * 3,
        }
        for n in range(count)
    ]


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--assets", type=int, default=20000)
    parser.add_argument("--work-orders", type=int, default=20000)
    args = parser.parse_args(argv)
    rows = assets(args.assets)
    started = time.perf_counter()
    pages = month_end(rows)
    elapsed = time.perf_counter() - started
    # memory in a second pass: tracemalloc slows the code it watches
    tracemalloc.start()
    month_end(rows)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    orders = work_orders(args.work_orders)
    started = time.perf_counter()
    for order in orders:
        eam.screen_patient_data(order)
        eam.work_order(order)
    screen_elapsed = time.perf_counter() - started
    measures = {
        "assets": args.assets,
        "pages": len(pages),
        "month_end_s": round(elapsed, 3),
        "month_end_assets_per_s": round(args.assets / elapsed),
        "month_end_peak_mib": round(peak, 2),
        "work_orders": args.work_orders,
        "screen_work_orders_per_s": round(args.work_orders / screen_elapsed),
    }
    met = {
        name: (
            measures[name] <= target
            if name.endswith("_mib")
            else measures[name] >= target
        )
        for name, target in TARGETS.items()
    }
    write_result("asset", measured_report(measures, TARGETS, met))
    return 0 if all(met.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
