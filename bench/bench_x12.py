"""Speed and memory of the X12 codec on a ~10 MB purchase-order interchange.

    .venv/bin/python bench/bench_x12.py [--mib 10]

Builds one interchange of 850 sets (25 PO1 lines each, hospital supplies)
with the codec's own builders, then times ``parse``, the implementation-guide
checks of every set (``validate_group``), ``map_850`` on every set and
``serialize``, and measures the memory of ``parse`` in multiples of the
input size: its tracemalloc peak, and the resident memory it adds in a fresh
process. Writes bench/results/x12.json (measures, targets, met) and exits 1
when a target is missed.
"""

import argparse
import datetime as dt
import gc
import itertools
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "addons" / "healthcare_integration_core"))
sys.path.insert(0, str(ROOT / "tools"))

from addon_lib import addon_lib  # noqa: E402
from harness import measured_report, write_result  # noqa: E402
from lib import x12  # noqa: E402
from lib.x12.mapping import write  # noqa: E402

x12_maps = addon_lib("procurement", "x12_maps")
SPEC_850 = x12_maps.SPEC_850

# minimum MiB/s and sets/s, maximum multiples of the input size
TARGETS = {
    "parse_mib_per_s": 5,
    # parse and check every set against its implementation guide (issue #23)
    "parse_checked_mib_per_s": 10,
    "map_850_sets_per_s": 1000,
    "serialize_mib_per_s": 5,
    "parse_peak_x_input": 10,
    "parse_rss_x_input": 10,
}
LOWER_IS_BETTER = ("parse_peak_x_input", "parse_rss_x_input")

PRODUCTS = [
    ("NBG-4402M", "086000100124", "NITRILE EXAM GLOVES POWDER-FREE MEDIUM 100/BX"),
    ("NBS-1010LL", "086000100131", "SYRINGE 10ML LUER-LOCK STERILE 100/BX"),
    ("NBI-2060", "086000100148", "IV ADMINISTRATION SET 20 DROPS/ML 60IN"),
    ("NBM-5003", "086000100155", "SURGICAL MASK ASTM LEVEL 3 50/BX"),
    ("NBA-0200", "086000100162", "ALCOHOL PREP PADS MEDIUM 200/BX"),
]
LINES_PER_SET = 25


def order(number):
    lines = []
    for line in range(1, LINES_PER_SET + 1):
        part, upc, description = PRODUCTS[(number + line) % len(PRODUCTS)]
        lines.append(
            {
                "line_number": str(line),
                "quantity": Decimal(line % 40 + 1),
                "uom": "BX",
                "unit_price": Decimal("8.75") + line,
                "basis": "PE",
                "ids": {"VP": part, "IN": str(100000 + line), "UP": upc},
                "description": description,
            }
        )
    return {
        "purpose": "00",
        "type": "SA",
        "po_number": f"45000{number:05d}",
        "date": dt.date(2024, 3, 12),
        "parties": [
            {
                "qualifier": "ST",
                "name": "RIVERSIDE GENERAL HOSPITAL",
                "id_qualifier": "UL",
                "id": "0860001000023",
            }
        ],
        "lines": lines,
        "totals": {"lines": LINES_PER_SET},
    }


def build(mib):
    template = write(SPEC_850, order(0))
    per_set = len(x12.serialize(single_set_interchange(template)))
    count = int(mib * 2**20 / per_set) + 1
    sets = [("850", write(SPEC_850, order(n))) for n in range(count)]
    envelope = {
        "sender_id": "RIVERSIDEGH",
        "receiver_id": "NORTHBAYMED",
        "when": dt.datetime(2024, 3, 12, 8, 15),
    }
    interchange = x12.build_interchange(
        envelope, "PO", sets, itertools.count(1), "004010"
    )
    return interchange, count


def single_set_interchange(segments):
    envelope = {"sender_id": "A", "receiver_id": "B", "when": dt.datetime(2024, 1, 1)}
    return x12.build_interchange(
        envelope, "PO", [("850", segments)], itertools.count(1)
    )


def timed(func):
    start = time.perf_counter()
    result = func()
    return result, time.perf_counter() - start


def peak_of(func):
    gc.collect()
    tracemalloc.start()
    result = func()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, peak


def resident_bytes():
    """Current resident set (Linux); ru_maxrss would not do: a child process
    starts with its parent's maximum."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def child_rss_growth(path):
    """Run in a fresh process: resident memory added by parse and its result."""
    data = Path(path).read_bytes()
    gc.collect()
    before = resident_bytes()
    parsed = x12.parse(data)
    print(json.dumps({"growth": resident_bytes() - before, "sets": len(parsed)}))


def rss_growth_of_parse(data):
    # a fresh process, so that memory freed after building is not reused
    with tempfile.NamedTemporaryFile(suffix=".edi") as handle:
        handle.write(data)
        handle.flush()
        output = subprocess.run(
            [sys.executable, __file__, "--child", handle.name],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    return json.loads(output)["growth"]


def speeds(data, count):
    """Seconds to parse, to check the guides, to map every 850 and to
    serialize back."""
    parsed, parse_s = timed(lambda: x12.parse(data))
    results, check_s = timed(lambda: x12.validate_group(parsed[0].groups[0]))
    assert all(result.accepted for result in results.values())
    sets = parsed[0].groups[0].transaction_sets
    orders, map_s = timed(lambda: [x12_maps.map_850(ts) for ts in sets])
    assert sum(len(o["lines"]) for o in orders) == count * LINES_PER_SET
    _text, serialize_s = timed(lambda: x12.serialize(parsed[0]))
    return parse_s, check_s, map_s, serialize_s


def bench(mib):
    interchange, count = build(mib)
    data = x12.serialize(interchange, x12.Delimiters(suffix="\n"))
    del interchange
    gc.collect()
    size = len(data)
    parse_s, check_s, map_s, serialize_s = speeds(data, count)
    _parsed, peak = peak_of(lambda: x12.parse(data))
    del _parsed
    rss_growth = rss_growth_of_parse(data)
    return {
        "input_mib": size / 2**20,
        "transaction_sets": count,
        "po1_lines": count * LINES_PER_SET,
        "parse_s": parse_s,
        "parse_mib_per_s": size / 2**20 / parse_s,
        "check_s": check_s,
        "parse_checked_mib_per_s": size / 2**20 / (parse_s + check_s),
        "map_850_s": map_s,
        "map_850_sets_per_s": count / map_s,
        "map_850_lines_per_s": count * LINES_PER_SET / map_s,
        "serialize_mib_per_s": size / 2**20 / serialize_s,
        "parse_peak_mib": peak / 2**20,
        "parse_peak_x_input": peak / size,
        "parse_rss_growth_mib": rss_growth / 2**20,
        "parse_rss_x_input": rss_growth / size,
    }


def write_report(measures):
    met = {
        key: measures[key] <= target
        if key in LOWER_IS_BETTER
        else measures[key] >= target
        for key, target in TARGETS.items()
    }
    write_result("x12", measured_report(measures, TARGETS, met, digits=2))
    return all(met.values())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=float, default=10.0)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_rss_growth(args.child)
        return
    sys.exit(0 if write_report(bench(args.mib)) else 1)


if __name__ == "__main__":
    main()
