"""Runtime throughput against baselines measured on the same server.

One database (``hc_bench``) with the core and the benchmark baselines addon
(``tests/addons/hc_bench_baseline``: a bare route inserting one row, a no-op
queue job, a domain-like batch handler). Everything runs on this machine with
the production configuration (``odoo.conf.example``): prefork, two HTTP
workers, the database named by ``-d`` and no ``--db-filter`` (no request
lists the databases). HTTP load comes from ``wrk`` (installed by
``bin/setup``), off the Python interpreter: every webhook is signed up front
(``bench/wrk_requests.lua``).

1. ingestion, job runner off: the bare route (the ceiling) and signed
   webhooks in alternating rounds, 8 connections; median and range per side;
2. ingestion while the job runner processes what it receives (alternating
   with the bare route on the same server); then the end-to-end rate (messages
   received and processed, several per job), in rounds alternating with the
   bare route, each from its first message received to its last one
   processed;
3. outbound delivery to a local partner with an OAuth2 backend vs no-op jobs
   on the same channel, in alternating rounds (8 or more);
4. batch pulls, pages of 100 and of 500 items: record only, crosswalk check,
   and a handler creating one record per item, in rounds each beside a round
   of a naive ORM create per item and of COPY; then the workers' peak memory
   over a pull of 1,000,000 items.

Every measure keeps its rounds, their median and their range.

Statement counts per request and per job are read off the server's log
(they do not depend on the machine's load; rates do).

This module runs the measures and writes the results; the database, the
server and the polling are in ``throughput_harness``, the HTTP load in
``throughput_wrk``, and the measures in ``throughput_inbound`` (1, 2),
``throughput_outbound`` (3) and ``throughput_batch`` (4).

Usage: ``.venv/bin/python bench/bench_throughput.py [--quick] [--rounds N]``
(N >= 5, the default); the numbers
go to ``bench/results/runtime_throughput.json`` with the targets and whether
each is met (exit 1 when one is missed). ``--quick`` runs small volumes and
only prints them.
"""

import argparse
import json
import os
import shutil
import sys

# the modules beside this one (run as bench/bench_throughput.py, its folder
# is first on sys.path)
from harness import ROOT, hcdev, log
from throughput_batch import batch_measures, batch_only, memory_measure
from throughput_harness import (
    DB,
    PAGE_SIZES,
    PartnerSimulator,
    Server,
    close_polling,
    hcdev_client,
    prepare,
)
from throughput_inbound import busy_measure, inbound_only, ingestion_measure
from throughput_outbound import outbound_measure, outbound_only
from throughput_wrk import alternating

RESULTS = ROOT / "bench" / "results" / "runtime_throughput.json"


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--quick", action="store_true", help="smaller volumes, printed only"
    )
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument(
        "--rounds", type=int, default=5, help="alternating rounds (at least 5)"
    )
    parser.add_argument(
        "--outbound-only",
        action="store_true",
        help="only the outbound rounds, printed (the results file is left as is)",
    )
    parser.add_argument(
        "--batch-only",
        action="store_true",
        help="only the batch pulls and their statements per page, printed",
    )
    parser.add_argument(
        "--inbound-only",
        action="store_true",
        help="only the ingestion and end-to-end rounds, printed (the results "
        "file is left as is)",
    )
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        log("wrk is not installed: run bin/setup (or apt-get install wrk)")
        return 2
    rounds, seconds = (2, 3) if args.quick else (max(5, args.rounds), 10)
    out_rounds = 2 if args.quick else max(rounds, 8)
    n_out = 100 if args.quick else 250
    n_items = 5000 if args.quick else 20000
    n_memory = 100_000 if args.quick else 1_000_000
    logs = ROOT / ".hc" / "bench"
    logs.mkdir(parents=True, exist_ok=True)
    sim = PartnerSimulator(host="127.0.0.1", port=0, name="bench")
    sim.start()
    sim.require_bearer = True  # deliveries and pulls carry an OAuth2 token
    results = {
        "machine": {"cpus": os.cpu_count(), "load_average": os.getloadavg()},
        "configuration": {
            "server": "prefork, 2 HTTP workers, -d <database>, no --db-filter",
            "load": f"wrk, 2 threads, 8 connections, {rounds} alternating "
            f"rounds of {seconds} s per side",
            "end_to_end": f"{rounds} rounds of {seconds} s of webhooks, each "
            "processed to the end, beside a round of the bare route",
            "outbound_rounds": out_rounds,
            "batch_rounds": f"{rounds}, each beside a round of the naive loop",
            "outbound_backend": "OAuth2 client credentials",
            "page_sizes": list(PAGE_SIZES),
        },
        "measures": {},
    }
    measures = results["measures"]
    try:
        flows = prepare(sim.url)
        if args.outbound_only:
            return outbound_only(flows, n_out, logs / "outbound.log")
        if args.batch_only:
            return batch_only(sim, flows, n_items, rounds, logs / "batch.log")
        if args.inbound_only:
            return inbound_only(flows, rounds, seconds, logs)
        # 1. ingestion, no job runner
        server = Server(with_runner=False, log_path=logs / "ingestion.log")
        try:
            log("ingestion: the bare route and signed webhooks, alternating")
            sides = alternating(server.url, ("bare", "webhook"), rounds, seconds)
        finally:
            server.stop()
        measures["ingestion"] = ingestion = ingestion_measure(
            sides, logs / "ingestion.log"
        )
        log(json.dumps(ingestion))
        # 2-4 with the job runner
        server = Server(with_runner=True, log_path=logs / "jobs.log")
        try:
            measures["ingestion_while_processing"] = busy = busy_measure(
                server, flows, rounds, seconds, ingestion, logs / "jobs.log"
            )
            log(json.dumps(busy))
            client = hcdev_client(server.url)
            measures["outbound_delivery"] = outbound_measure(
                client, flows, n_out, logs / "jobs.log", rounds=out_rounds
            )
            log(json.dumps(measures["outbound_delivery"]))
            measures["batch"] = batch_measures(
                server, client, sim, flows, n_items, rounds
            )
            measures["batch"]["memory"] = memory_measure(
                server, client, sim, flows, n_memory
            )
        finally:
            server.stop()
    finally:
        sim.stop()
        close_polling()
        if not args.keep_db:
            hcdev.drop_database(DB)
    results["targets"] = check_targets(measures)
    log(json.dumps(results, indent=2))
    if args.quick:
        log(f"--quick: {RESULTS.name} left as is")
    else:
        RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    return 0 if all(t["met"] for t in results["targets"].values()) else 1


def check_targets(m):
    """The goals of issue #27, each against its baseline in the same run."""
    ingestion, busy = m["ingestion"], m["ingestion_while_processing"]
    outbound, batch = m["outbound_delivery"], m["batch"]
    end_to_end = busy["end_to_end"]["ratio_to_bare_beside"] or 0
    checks = {
        "ingestion >= 0.6 x bare route": (ingestion["ratio_to_bare"], 0.6),
        "ingestion while processing >= 0.45 x bare route": (
            busy["ratio_to_bare"],
            0.45,
        ),
        "end to end >= 0.4 x bare route": (end_to_end, 0.4),
        "outbound >= 0.85 x no-op job": (outbound["ratio_to_noop_job"], 0.85),
        "batch record only, pages of 100 >= 15 x naive loop": (
            batch["record_only_pages_of_100_vs_naive"],
            15,
        ),
        "batch crosswalk, pages of 100 >= 8 x naive loop": (
            batch["crosswalk_check_pages_of_100_vs_naive"],
            8,
        ),
    }
    targets = {
        name: {"value": value, "met": value >= goal}
        for name, (value, goal) in checks.items()
    }
    targets["ingestion p95 < 3 x bare route"] = {
        "value": ingestion["p95_ratio_to_bare"],
        "met": ingestion["p95_ratio_to_bare"] < 3,
    }
    targets["memory flat (largest process < 500 MiB)"] = {
        "value": batch["memory"]["largest_process_peak_mib"],
        "met": batch["memory"]["largest_process_peak_mib"] < 500,
    }
    return targets


if __name__ == "__main__":
    sys.exit(main())
