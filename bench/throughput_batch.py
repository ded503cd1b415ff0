"""Batch measures of ``bench_throughput``: pulls of a paged feed (record
only, crosswalk check, a record created per item) against a naive ORM loop
and COPY, their statements per page, and the workers' memory over a pull of
a million items.
"""

import json
import statistics
import subprocess
import threading
import time
from pathlib import Path

from harness import hcdev, log
from throughput_harness import (
    DB,
    JOB_RUN_RE,
    PAGE_SIZES,
    Server,
    hcdev_client,
    last_job_id,
    poll_rows,
    poll_value,
    vacuum,
    wait_until,
)

BATCH_KINDS = ("record_only", "crosswalk_check", "creates_records")
BATCH_FLOWS = {
    "record_only": "pull_record",
    "crosswalk_check": "pull_xwalk",
    "creates_records": "pull_items",
}


def batch_only(sim, flows, count, rounds, log_path):
    server = Server(with_runner=True, log_path=log_path)
    try:
        measure = batch_measures(
            server, hcdev_client(server.url), sim, flows, count, rounds
        )
    finally:
        server.stop()
    log(json.dumps(measure, indent=2))
    return 0


def items(count, coded=False):
    return [
        {
            "id": n,
            "updated_at": f"2026-11-{1 + n // 100000:02d}T{n % 86400:05d}Z",
            "name": f"Item {n}",
            "code": f"SKU-{n % 1000}",
            **(
                {"codes": [{"domain": "product", "code": f"SKU-{n % 1000}"}]}
                if coded
                else {}
            ),
        }
        for n in range(count)
    ]


def run_pull(client, flow_id, timeout=1800):
    """Seconds a pull of the flow's whole feed took, from its start to its
    run's end: the flow's watermark is cleared first (a round pulls again
    what the one before it pulled), its write date moved for the workers'
    copies of its settings (hc.job.settings)."""
    poll_rows(
        "UPDATE hc_flow SET watermark = NULL, "
        f"write_date = now() AT TIME ZONE 'UTC' WHERE id = {flow_id}"
    )
    client("hc.flow", "action_run_batch", [flow_id])
    started = time.monotonic()

    def finished():
        state = poll_value(
            f"SELECT state FROM hc_sync_run WHERE flow_id = {flow_id} "
            "ORDER BY id DESC LIMIT 1"
        )
        return state in ("done", "dead")

    wait_until(finished, timeout)
    return time.monotonic() - started


def queries_per_page(log_path, pull):
    """Statements of a pull's jobs over its pages, read off the server's log
    once its lines are written (after the round): ``pull`` is (the last job
    id before it, the last one after it, its pages), the pull's jobs those of
    ``hc.sync.run`` between."""
    before, after, pages = pull
    uuids = {
        row[0]
        for row in poll_rows(
            f"SELECT uuid FROM queue_job WHERE id > {before} AND id <= {after} "
            "AND model_name = 'hc.sync.run'"
        )
    }
    queries = sum(
        int(count)
        for uuid, count in JOB_RUN_RE.findall(
            Path(log_path).read_text(errors="replace")
        )
        if uuid in uuids
    )
    return round(queries / pages, 1) if pages else None


def batch_measures(server, client, sim, flows, count, rounds):
    """Pulls of ``count`` items at each page size, in ``rounds`` rounds, each
    beside a round of the naive loop (5,000 items through the ORM, one create
    per item) and of COPY: per pull its rate in every round, the median, the
    range and the median of its ratios to the naive loop's round beside it;
    statements per page (from the first round)."""
    sim.set_feed("items", items(count), page_size=max(PAGE_SIZES))
    sim.set_feed("coded", items(count, coded=True), page_size=max(PAGE_SIZES))
    sample = items(min(count, 5000))
    out = {"items": count, "rounds": rounds}
    runs, first_pulls = {}, {}
    for number in range(1, rounds + 1):
        vacuum()
        started = time.monotonic()
        for chunk in range(0, len(sample), 500):
            client("hc.bench.item", "naive_loop", sample[chunk : chunk + 500])
        naive = round(len(sample) / (time.monotonic() - started), 1)
        runs.setdefault("naive_orm_loop", []).append((naive, 1.0))
        runs.setdefault("copy", []).append((copy_rate(count), None))
        for size in PAGE_SIZES:
            for label in BATCH_KINDS:
                name = f"{label}_pages_of_{size}"
                flow_id = flows[f"{BATCH_FLOWS[label]}_{size}"]
                before = last_job_id()
                rate = round(count / run_pull(client, flow_id), 1)
                runs.setdefault(name, []).append((rate, round(rate / naive, 2)))
                if number == 1:
                    pages = poll_value(
                        "SELECT page_count FROM hc_sync_run WHERE flow_id = "
                        f"{flow_id} ORDER BY id DESC LIMIT 1"
                    )
                    first_pulls[name] = (before, last_job_id(), pages)
        log(
            f"batch round {number}: naive {naive} items/s, "
            + ", ".join(f"{n} {r[-1][0]}" for n, r in runs.items())
        )
    out["queries_per_page"] = {
        name: queries_per_page(server.log_path, pull)
        for name, pull in first_pulls.items()
    }
    for name, measured in runs.items():
        rates = [rate for rate, _ratio in measured]
        out[f"{name}_items_per_s"] = statistics.median(rates)
        out[f"{name}_range_per_s"] = [min(rates), max(rates)]
        out[f"{name}_rounds_per_s"] = rates
        ratios = [ratio for _rate, ratio in measured if ratio is not None]
        if ratios and name != "naive_orm_loop":
            out[f"{name}_vs_naive"] = statistics.median(ratios)
            out[f"{name}_vs_naive_range"] = [min(ratios), max(ratios)]
    return out


def copy_rate(count):
    rows = "".join(f"Item {n}\tSKU-{n}\t1\n" for n in range(count))
    conf = hcdev.read_conf()
    started = time.monotonic()
    subprocess.run(
        [
            "psql",
            "-h",
            conf["db_host"],
            "-p",
            conf["db_port"],
            "-U",
            conf["db_user"],
            "-d",
            DB,
            "-qc",
            "COPY hc_bench_item (name, code, quantity) FROM STDIN",
        ],
        input=rows,
        text=True,
        check=True,
    )
    return round(count / (time.monotonic() - started), 1)


def memory_measure(server, client, sim, flows, count):
    log(f"memory over a pull of {count} items (record only)")
    sim.set_feed("items", items(count), page_size=max(PAGE_SIZES))
    baseline = sum(server.worker_rss().values())
    peak = {"total": baseline, "largest_process": 0.0}
    done = threading.Event()

    def sample():
        while not done.is_set():
            rss = server.worker_rss()
            peak["total"] = max(peak["total"], sum(rss.values()))
            peak["largest_process"] = max(
                peak["largest_process"], max(rss.values(), default=0)
            )
            time.sleep(0.5)

    watcher = threading.Thread(target=sample)
    watcher.start()
    try:
        seconds = run_pull(
            client, flows[f"pull_record_{max(PAGE_SIZES)}"], timeout=3600
        )
    finally:
        done.set()
        watcher.join()
    return {
        "items": count,
        "items_per_s": round(count / seconds, 1),
        "server_rss_before_mib": round(baseline, 1),
        "server_rss_peak_mib": round(peak["total"], 1),
        "largest_process_peak_mib": round(peak["largest_process"], 1),
    }
