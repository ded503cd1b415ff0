"""Runtime throughput against baselines measured in the same run.

One database (``hc_bench``) with the core and the benchmark baselines addon
(``tests/addons/hc_bench_baseline``: a bare route inserting one row, a no-op
queue job, a domain-like batch handler). Everything runs on this machine, in
prefork mode with two HTTP workers, as production does:

1. ingestion: signed webhooks vs the bare route, 8 concurrent clients (the
   job runner is off, so that only the ingestion is measured);
2. inbound processing: the job runner processes what phase 1 stored;
3. outbound delivery to a local partner vs no-op jobs on the same channel;
4. batch pulls of 20,000 items: record only, crosswalk check, and a handler
   creating one record per item, vs a naive ORM create per item and vs COPY;
   then the workers' peak memory over a pull of 1,000,000 items.

Usage: ``.venv/bin/python bench/bench_throughput.py [--quick]``; the numbers
go to ``bench/results/runtime_throughput.json``, with the targets and whether
each is met (exit 1 when one is missed).
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import psycopg2
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tools"), str(ROOT / "tests" / "simulators")]

import hcdev  # noqa: E402
from partner_simulator import PartnerSimulator, sign  # noqa: E402

DB = "hc_bench"
RESULTS = ROOT / "bench" / "results" / "runtime_throughput.json"
ADDONS = ["healthcare_integration_core", "hc_bench_baseline"]
QUERIES_RE = re.compile(r'"POST (\S+) HTTP/1.1" (\d+) - (\d+) ')
JOB_RUN_RE = re.compile(
    r'"GET /queue_job/runjob\?\S*job_uuid=([0-9a-f-]+) HTTP/1.1" \d+ - (\d+) '
)
SECRET = "bench-hook-secret"
VACUUMED = (
    "queue_job",
    "hc_message",
    "hc_message_payload",
    "hc_message_attempt",
)


def log(text):
    print(f"[bench] {text}", flush=True)


# ---------------------------------------------------------------- the server


class Server:
    """An Odoo server on the benchmark database, in prefork mode."""

    def __init__(self, with_runner, log_path):
        self.port = hcdev.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        modules = "base,web,queue_job" if with_runner else "base,web"
        self.proc = hcdev.start_odoo(
            DB,
            self.port,
            extra=(
                f"--addons-path={hcdev.test_addons_path()}",
                "--workers=2",
                "--max-cron-threads=0",
                f"--load={modules}",
                f"--logfile={log_path}",
                f"--gevent-port={hcdev.free_port()}",
                "--limit-time-real=3600",
            ),
        )

    def stop(self):
        hcdev.stop(self.proc)

    def worker_rss(self):
        """Resident memory of every process of the server, in MiB."""
        try:
            parent = psutil.Process(self.proc.pid)
            processes = [parent, *parent.children(recursive=True)]
        except psutil.NoSuchProcess:
            return {}
        return {p.pid: p.memory_info().rss / 2**20 for p in processes if p.is_running()}


def shell(code):
    """Run Python in an Odoo shell on the benchmark database; its JSON output."""
    result = subprocess.run(
        [
            str(hcdev.ODOO_BIN),
            "shell",
            "-c",
            str(hcdev.CONF),
            "-d",
            DB,
            f"--addons-path={hcdev.test_addons_path()}",
            "--no-http",
        ],
        input=code,
        capture_output=True,
        text=True,
        check=False,
    )
    for line in result.stdout.splitlines():
        if line.startswith("BENCH "):
            return json.loads(line[6:])
    raise RuntimeError(result.stdout[-2000:] + result.stderr[-4000:])


def prepare(sim_url):
    hcdev.drop_database(DB)
    log("installing the benchmark database")
    rc = hcdev.install_database(
        DB,
        ADDONS,
        extra=(f"--addons-path={hcdev.test_addons_path()}", "--without-demo=all"),
    )
    if rc:
        raise RuntimeError("install failed")
    return shell(
        f"""
import json
env = env(context=dict(env.context, tracking_disable=True))
ref = lambda x: env.ref(x).id
CORE = "healthcare_integration_core."
backend = env["hc.backend"].create({{
    "name": "Bench partner", "code": "bench", "base_url": "{sim_url}",
    "auth_type": "api_key", "credential_secret": "bench-key",
    "webhook_secret": "{SECRET}", "breaker_threshold": 0,
    "max_payload_kb": 65536, "connect_timeout": 5, "read_timeout": 30,
}})
def flow(code, xmlid, **vals):
    return env["hc.flow"].create({{"flow_type_id": ref(xmlid), "code": code,
                                   "backend_id": backend.id, **vals}}).id
ids = {{
    "receive": flow("receive", "healthcare_integration_core.flow_type_receive"),
    "send": flow("send", "healthcare_integration_core.flow_type_send",
                 endpoint="/api/orders"),
    "pull_record": flow("pull_record", CORE + "flow_type_receive_pull",
                        endpoint="/feeds/items", batch_page_size=500),
    "pull_xwalk": flow("pull_xwalk", CORE + "flow_type_crosswalk_check_pull",
                       endpoint="/feeds/coded", batch_page_size=500),
    "pull_items": flow("pull_items", "hc_bench_baseline.flow_type_items_pull",
                       endpoint="/feeds/items", batch_page_size=500),
}}
env["hc.crosswalk"].create([{{"backend_id": backend.id, "domain": "product",
    "external_code": f"SKU-{{n}}", "odoo_value": str(n)}} for n in range(1000)])
env.cr.commit()
print("BENCH " + json.dumps(ids))
"""
    )


# ---------------------------------------------------------------- ingestion


def load(url, make_request, clients=8, seconds=10.0, warmup=2.0):
    """Requests per second and latency percentiles of ``clients`` senders."""
    latencies, statuses = [], {}
    stop_at = time.monotonic() + warmup + seconds
    measure_from = time.monotonic() + warmup
    lock = threading.Lock()

    def sender(number):
        session = requests.Session()
        sequence = 0
        while time.monotonic() < stop_at:
            sequence += 1
            body, headers = make_request(number, sequence)
            started = time.monotonic()
            response = session.post(url, data=body, headers=headers, timeout=60)
            elapsed = time.monotonic() - started
            if started >= measure_from:
                with lock:
                    latencies.append(elapsed)
                    statuses[response.status_code] = (
                        statuses.get(response.status_code, 0) + 1
                    )

    threads = [threading.Thread(target=sender, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    return {
        "requests_per_s": round(len(latencies) / seconds, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(latencies[int(len(latencies) * 0.95)] * 1000, 1),
        "statuses": statuses,
    }


def signed_webhook(number, sequence):
    body = json.dumps(
        {"event": "supply-demand", "client": number, "n": sequence, "qty": 3}
    ).encode()
    timestamp = str(int(time.time()))
    return body, {
        "Content-Type": "application/json",
        "X-HC-Timestamp": timestamp,
        "X-HC-Signature": sign(SECRET, timestamp, body),
        "Idempotency-Key": f"bench-{number}-{sequence}-{time.monotonic_ns()}",
    }


def bare_row(number, sequence):
    return json.dumps({"client": number, "n": sequence}).encode(), {
        "Content-Type": "application/json"
    }


def queries_per_request(log_path, path):
    counts = [
        int(m.group(3))
        for m in QUERIES_RE.finditer(Path(log_path).read_text(errors="replace"))
        if m.group(1).startswith(path)
    ]
    return round(statistics.median(counts), 1) if counts else None


# ---------------------------------------------------------------- jobs


def wait_until(check, timeout, step=0.05):
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError("timed out")
        time.sleep(step)


_POLL = {}


def poll_rows(sql):
    """The rows of ``sql`` (None for a statement without any), on one kept
    connection: a psql process per poll would compete with the server for
    the 2 cores."""
    if "connection" not in _POLL:
        conf = hcdev.read_conf()
        _POLL["connection"] = psycopg2.connect(
            host=conf["db_host"],
            port=conf["db_port"],
            user=conf["db_user"],
            dbname=DB,
        )
        _POLL["connection"].autocommit = True
    with _POLL["connection"].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall() if cursor.description else None


def poll_value(sql):
    """The first column of ``sql``'s first row."""
    rows = poll_rows(sql)
    return rows[0][0] if rows else None


def pending_count(sql):
    return int(poll_value(sql) or 0)


def drain_rate(count_sql, total, timeout=900):
    started = time.monotonic()
    wait_until(lambda: pending_count(count_sql) == 0, timeout)
    return round(total / (time.monotonic() - started), 1)


# ---------------------------------------------------------------- main


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller volumes")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument(
        "--outbound-only",
        action="store_true",
        help="only the outbound rounds, printed (the results file is left as is)",
    )
    args = parser.parse_args(argv)
    n_out = 100 if args.quick else 250
    n_items = 5000 if args.quick else 20000
    n_memory = 100_000 if args.quick else 1_000_000
    logs = ROOT / ".hc" / "bench"
    logs.mkdir(parents=True, exist_ok=True)
    sim = PartnerSimulator(host="127.0.0.1", port=0, name="bench")
    sim.start()
    results = {"machine": {"cpus": os.cpu_count()}, "measures": {}}
    measures = results["measures"]
    try:
        flows = prepare(sim.url)
        if args.outbound_only:
            return outbound_only(flows, n_out, logs / "outbound.log")
        # 1. ingestion, no job runner
        server = Server(with_runner=False, log_path=logs / "ingestion.log")
        try:
            webhook_url = f"{server.url}/hc/webhook/bench/receive"
            log("ingestion: bare route, then signed webhooks (8 clients)")
            bare = load(f"{server.url}/hc_bench/bare", bare_row)
            webhook = load(webhook_url, signed_webhook)
        finally:
            server.stop()
        measures["ingestion"] = ingestion = {
            "bare_route": bare,
            "signed_webhook": webhook,
            "ratio_to_bare": round(
                webhook["requests_per_s"] / bare["requests_per_s"], 2
            ),
            "p95_ratio_to_bare": round(webhook["p95_ms"] / bare["p95_ms"], 2),
            "queries_per_request": {
                "bare_route": queries_per_request(
                    logs / "ingestion.log", "/hc_bench/bare"
                ),
                "signed_webhook": queries_per_request(
                    logs / "ingestion.log", "/hc/webhook"
                ),
            },
        }
        log(json.dumps(ingestion))
        stored = pending_count(
            f"SELECT count(*) FROM hc_message WHERE flow_id = {flows['receive']}"
        )
        # 2-4 with the job runner
        server = Server(with_runner=True, log_path=logs / "jobs.log")
        try:
            log(f"inbound processing of the {stored} stored messages")
            rate = drain_rate(
                f"SELECT count(*) FROM hc_message WHERE flow_id = {flows['receive']} "
                "AND state NOT IN ('done', 'dead')",
                stored,
            )
            measures["inbound_processing"] = {"messages": stored, "per_s": rate}
            client = hcdev_client(server.url)
            measures["outbound_delivery"] = outbound_measure(
                client, flows, n_out, logs / "jobs.log"
            )
            log(json.dumps(measures))
            measures["batch"] = batch_measures(server, client, sim, flows, n_items)
            measures["batch"]["memory"] = memory_measure(
                server, client, sim, flows, n_memory
            )
        finally:
            server.stop()
    finally:
        sim.stop()
        if "connection" in _POLL:
            _POLL.pop("connection").close()
        if not args.keep_db:
            hcdev.drop_database(DB)
    results["targets"] = check_targets(measures)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    log(json.dumps(results, indent=2))
    return 0 if all(t["met"] for t in results["targets"].values()) else 1


def outbound_only(flows, count, log_path):
    server = Server(with_runner=True, log_path=log_path)
    try:
        measure = outbound_measure(hcdev_client(server.url), flows, count, log_path)
    finally:
        server.stop()
    log(json.dumps(measure, indent=2))
    return 0


def outbound_measure(client, flows, count, log_path, rounds=8):
    """No-op jobs and deliveries in alternating rounds of ``count`` each; the
    median ratio.

    Rounds are short and alternate so that a slow spell of the machine (rates
    move by up to 30% between runs, and between rounds of one run, here)
    weighs on both sides instead of on one. A round's rate is its jobs over
    the time from its first job's start to its last job's end, as queue_job
    recorded them: the runner's delay before the first one, the same for both
    sides, is left out.
    """
    log("outbound warm-up: 100 no-op jobs and 100 deliveries, not measured")
    outbound_round(client, flows, 100)
    rounds_out = []
    for number in range(1, rounds + 1):
        log(f"outbound round {number}: {count} no-op jobs, then {count} deliveries")
        noop, delivered = outbound_round(client, flows, count)
        rounds_out.append(
            {
                "noop_jobs_per_s": noop,
                "deliveries_per_s": delivered,
                "ratio": round(delivered / noop, 2),
            }
        )
    return {
        "messages_per_round": count,
        "rounds": rounds_out,
        **{
            key: round(statistics.median(r[key] for r in rounds_out), 2)
            for key in ("noop_jobs_per_s", "deliveries_per_s")
        },
        "ratio_to_noop_job": round(
            statistics.median(r["ratio"] for r in rounds_out), 3
        ),
        "queries_per_job": queries_per_job(log_path, flows["send"]),
    }


def vacuum():
    """What autovacuum does between bursts in production: this machine's
    PostgreSQL runs with it off, and dead rows left by one round would slow
    the next one down."""
    for table in VACUUMED:
        poll_rows(f"VACUUM ANALYZE {table}")


def outbound_round(client, flows, count):
    """(no-op jobs per second, deliveries per second) of ``count`` of each."""
    rates = []
    for enqueue, args, method in (
        ("enqueue_noops", (count,), "_noop"),
        ("enqueue_messages", (flows["send"], count), "_run_job"),
    ):
        vacuum()
        mark = poll_value("SELECT coalesce(max(id), 0) FROM queue_job")
        client("hc.bench.item", enqueue, *args)
        rates.append(jobs_rate(mark, method, count))
    return tuple(rates)


def jobs_rate(mark, method, count, timeout=900):
    """Jobs per second of the ``count`` jobs queued after job id ``mark``,
    once all are done, from the first one's start to the last one's end."""
    where = f"id > {mark} AND method_name = '{method}'"
    done = f"SELECT count(*) FROM queue_job WHERE {where} AND state = 'done'"
    wait_until(lambda: poll_value(done) >= count, timeout)
    seconds = poll_value(
        "SELECT extract(epoch FROM max(date_done) - min(date_started)) "
        f"FROM queue_job WHERE {where}"
    )
    return round(count / float(seconds), 1)


def queries_per_job(log_path, send_flow):
    """Median queries of a no-op job's and of a delivery's run, read off the
    server's log lines (one per job run) and told apart by their job."""
    kinds = dict(
        poll_rows(
            "SELECT uuid, 'noop_job' FROM queue_job WHERE method_name = '_noop' "
            "UNION ALL SELECT job_uuid, 'delivery' FROM hc_message "
            f"WHERE flow_id = {send_flow} AND job_uuid IS NOT NULL"
        )
    )
    counts = {"noop_job": [], "delivery": []}
    for uuid, queries in JOB_RUN_RE.findall(Path(log_path).read_text(errors="replace")):
        if uuid in kinds:
            counts[kinds[uuid]].append(int(queries))
    return {kind: statistics.median(n) if n else None for kind, n in counts.items()}


def hcdev_client(url):
    session = requests.Session()
    uid = session.post(
        f"{url}/jsonrpc",
        json={
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "service": "common",
                "method": "login",
                "args": [DB, "admin", "admin"],
            },
        },
        timeout=60,
    ).json()["result"]

    def call(model, method, *args):
        answer = session.post(
            f"{url}/jsonrpc",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {
                    "service": "object",
                    "method": "execute_kw",
                    "args": [DB, uid, "admin", model, method, list(args), {}],
                },
            },
            timeout=600,
        ).json()
        if answer.get("error"):
            raise RuntimeError(answer["error"]["data"]["message"])
        return answer.get("result")

    return call


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


def batch_measures(server, client, sim, flows, count):
    sim.set_feed("items", items(count), page_size=500)
    sim.set_feed("coded", items(count, coded=True), page_size=500)
    out = {"items": count}
    for label, key in (
        ("record_only", "pull_record"),
        ("crosswalk_check", "pull_xwalk"),
        ("creates_records", "pull_items"),
    ):
        log(f"batch pull of {count} items: {label}")
        out[f"{label}_items_per_s"] = round(count / run_pull(client, flows[key]), 1)
    log("naive ORM loop and COPY baselines")
    sample = items(min(count, 5000))
    started = time.monotonic()
    for chunk in range(0, len(sample), 500):
        client("hc.bench.item", "naive_loop", sample[chunk : chunk + 500])
    out["naive_orm_loop_items_per_s"] = round(
        len(sample) / (time.monotonic() - started), 1
    )
    out["copy_items_per_s"] = copy_rate(count)
    for label in ("record_only", "crosswalk_check", "creates_records"):
        out[f"{label}_vs_naive"] = round(
            out[f"{label}_items_per_s"] / out["naive_orm_loop_items_per_s"], 1
        )
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
    sim.set_feed("items", items(count), page_size=500)
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
        seconds = run_pull(client, flows["pull_record"], timeout=3600)
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


def check_targets(m):
    ingestion, outbound, batch = m["ingestion"], m["outbound_delivery"], m["batch"]
    return {
        "ingestion >= 0.5 x bare route": {
            "value": ingestion["ratio_to_bare"],
            "met": ingestion["ratio_to_bare"] >= 0.5,
        },
        "ingestion p95 < 3 x bare route": {
            "value": ingestion["p95_ratio_to_bare"],
            "met": ingestion["p95_ratio_to_bare"] < 3,
        },
        "outbound >= 0.7 x no-op job": {
            "value": outbound["ratio_to_noop_job"],
            "met": outbound["ratio_to_noop_job"] >= 0.7,
        },
        "batch crosswalk >= 5 x naive loop": {
            "value": batch["crosswalk_check_vs_naive"],
            "met": batch["crosswalk_check_vs_naive"] >= 5,
        },
        "batch record only >= 10 x naive loop": {
            "value": batch["record_only_vs_naive"],
            "met": batch["record_only_vs_naive"] >= 10,
        },
        "memory flat (largest process < 500 MiB)": {
            "value": batch["memory"]["largest_process_peak_mib"],
            "met": batch["memory"]["largest_process_peak_mib"] < 500,
        },
    }


if __name__ == "__main__":
    sys.exit(main())
