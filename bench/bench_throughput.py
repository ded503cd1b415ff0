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

Usage: ``.venv/bin/python bench/bench_throughput.py [--quick] [--rounds N]``
(N >= 5, the default); the numbers
go to ``bench/results/runtime_throughput.json`` with the targets and whether
each is met (exit 1 when one is missed). ``--quick`` runs small volumes and
only prints them.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
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

# the benchmark database, dropped at the end (HC_BENCH_DB names another one)
DB = os.environ.get("HC_BENCH_DB", "hc_bench")
RESULTS = ROOT / "bench" / "results" / "runtime_throughput.json"
ADDONS = ["healthcare_integration_core", "hc_bench_baseline"]
QUERIES_RE = re.compile(r'"POST (\S+) HTTP/1.1" (\d+) - (\d+) ')
JOB_RUN_RE = re.compile(
    r'"GET /queue_job/runjob\?\S*job_uuid=([0-9a-f-]+) HTTP/1.1" \d+ - (\d+) '
)
SECRET = "bench-hook-secret"
WRK_SCRIPT = ROOT / "bench" / "wrk_requests.lua"
WRK_RE = re.compile(r"^BENCH-WRK (.*)$", re.MULTILINE)
OAUTH_CLIENT, OAUTH_SECRET = "demo-client", "demo-secret"
PAGE_SIZES = (100, 500)
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
        # Odoo appends to its log file: statements are counted on this run's
        Path(log_path).unlink(missing_ok=True)
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
    "auth_type": "oauth2", "username": "{OAUTH_CLIENT}",
    "credential_secret": "{OAUTH_SECRET}", "token_url": "{sim_url}/oauth/token",
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
}}
for size in {PAGE_SIZES!r}:
    ids[f"pull_record_{{size}}"] = flow(f"pull_record_{{size}}",
        CORE + "flow_type_receive_pull", endpoint="/feeds/items",
        batch_page_size=size)
    ids[f"pull_xwalk_{{size}}"] = flow(f"pull_xwalk_{{size}}",
        CORE + "flow_type_crosswalk_check_pull", endpoint="/feeds/coded",
        batch_page_size=size)
    ids[f"pull_items_{{size}}"] = flow(f"pull_items_{{size}}",
        "hc_bench_baseline.flow_type_items_pull", endpoint="/feeds/items",
        batch_page_size=size)
env["hc.crosswalk"].create([{{"backend_id": backend.id, "domain": "product",
    "external_code": f"SKU-{{n}}", "odoo_value": str(n)}} for n in range(1000)])
env.cr.commit()
print("BENCH " + json.dumps(ids))
"""
    )


# ---------------------------------------------------------------- ingestion


def wrk_lines(kind, count):
    """``count`` requests for ``bench/wrk_requests.lua``, one a line: each
    webhook with its own key, timestamp and signature."""
    timestamp = str(int(time.time()))
    lines = []
    for n in range(count):
        if kind == "bare":
            body = json.dumps({"n": n}).encode()
            lines.append(["/hc_bench/bare", body, "Content-Type: application/json"])
            continue
        body = json.dumps({"event": "supply-demand", "n": n, "qty": 3}).encode()
        lines.append(
            [
                "/hc/webhook/bench/receive",
                body,
                "Content-Type: application/json",
                f"X-HC-Timestamp: {timestamp}",
                f"X-HC-Signature: {sign(SECRET, timestamp, body)}",
                f"Idempotency-Key: bench-{timestamp}-{n}-{time.monotonic_ns()}",
            ]
        )
    return "".join(
        "\t".join([path, body.decode(), *headers]) + "\n"
        for path, body, *headers in lines
    )


def wrk(url, kind, seconds, connections=8, threads=2):
    """One wrk run of ``seconds``: requests per second, latency percentiles
    and statuses. Each request is prepared for it (wrk_lines), enough that
    none is sent twice at 3,000 requests per second."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as lines:
        lines.write(wrk_lines(kind, int(3000 * seconds) + 1000))
    try:
        result = subprocess.run(
            [
                shutil.which("wrk") or "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout=60s",
                "-s",
                str(WRK_SCRIPT),
                url,
                "--",
                lines.name,
                str(threads),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(lines.name)
    measured = json.loads(WRK_RE.search(result.stdout).group(1))
    measured["requests_per_s"] = round(measured["requests"] / measured["duration_s"], 1)
    return measured


def alternating(url, sides, rounds, seconds):
    """wrk rounds alternating the ``sides`` (kinds of request) on one server,
    after one short warm-up of each: per side its rounds, the median and the
    range of its rate, and the median p95 latency."""
    for kind in sides:
        wrk(url, kind, 2)
    runs = {kind: [] for kind in sides}
    for number in range(1, rounds + 1):
        for kind in sides:
            runs[kind].append(wrk(url, kind, seconds))
            log(f"round {number} {kind}: {runs[kind][-1]['requests_per_s']} req/s")
    return {
        kind: {
            "rounds": measured,
            "requests_per_s": statistics.median(m["requests_per_s"] for m in measured),
            "range_per_s": [
                min(m["requests_per_s"] for m in measured),
                max(m["requests_per_s"] for m in measured),
            ],
            "p95_ms": statistics.median(m["p95_ms"] for m in measured),
        }
        for kind, measured in runs.items()
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


# ---------------------------------------------------------------- main


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
        if "connection" in _POLL:
            _POLL.pop("connection").close()
        if not args.keep_db:
            hcdev.drop_database(DB)
    results["targets"] = check_targets(measures)
    log(json.dumps(results, indent=2))
    if args.quick:
        log(f"--quick: {RESULTS.name} left as is")
    else:
        RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    return 0 if all(t["met"] for t in results["targets"].values()) else 1


def ingestion_measure(sides, log_path):
    bare, webhook = sides["bare"], sides["webhook"]
    return {
        "bare_route": bare,
        "signed_webhook": webhook,
        "ratio_to_bare": round(webhook["requests_per_s"] / bare["requests_per_s"], 2),
        "p95_ratio_to_bare": round(webhook["p95_ms"] / bare["p95_ms"], 2),
        "queries_per_request": {
            "bare_route": queries_per_request(log_path, "/hc_bench/bare"),
            "signed_webhook": queries_per_request(log_path, "/hc/webhook"),
        },
    }


def busy_measure(server, flows, rounds, seconds, ingestion, log_path):
    """Webhooks received while the job runner processes them, alternating
    with the bare route on the same server; then the end-to-end rate in
    rounds of its own, alternating with the bare route: a round of webhooks
    from its first message received to its last one processed (as the
    database stamped them), and a round of the bare route. Received messages
    are processed several per job (hc.message.batch). Ratios are taken
    against the ceiling of phase 1 (the bare route with the runner off) and,
    for the end to end, against the bare route's round beside it."""
    log("ingestion while the job runner processes, alternating with the bare route")
    sides = alternating(server.url, ("bare", "webhook"), rounds, seconds)
    wait_processed(flows["receive"], 0)
    ceiling = ingestion["bare_route"]["requests_per_s"]
    webhook = sides["webhook"]["requests_per_s"]
    return {
        "bare_route": sides["bare"],
        "signed_webhook": sides["webhook"],
        "ratio_to_bare": round(webhook / ceiling, 2),
        "ratio_to_bare_same_server": round(
            webhook / sides["bare"]["requests_per_s"], 2
        ),
        "end_to_end": end_to_end_measure(server, flows, rounds, seconds, ceiling),
        **processing_cost(log_path, flows),
    }


def end_to_end_measure(server, flows, rounds, seconds, ceiling):
    """Rounds of webhooks received and processed, each beside a round of
    the bare route: per round the messages per second and the ratio to that
    bare round; the medians and ranges."""
    log("end to end: webhooks received and processed, alternating with the bare")
    runs = []
    for number in range(1, rounds + 1):
        bare = wrk(server.url, "bare", seconds)["requests_per_s"]
        vacuum()
        mark = poll_value("SELECT coalesce(max(id), 0) FROM hc_message")
        wrk(server.url, "webhook", seconds)
        count, seconds_spent = wait_processed(flows["receive"], mark)
        per_s = round(count / seconds_spent, 1) if seconds_spent else 0.0
        runs.append(
            {
                "bare_per_s": bare,
                "messages": count,
                "per_s": per_s,
                "ratio": round(per_s / bare, 3),
            }
        )
        log(f"end-to-end round {number}: {per_s} msg/s, bare {bare} req/s")
    per_s = statistics.median(r["per_s"] for r in runs)
    return {
        "rounds": runs,
        "per_s": per_s,
        "range_per_s": [min(r["per_s"] for r in runs), max(r["per_s"] for r in runs)],
        "ratio_to_bare_beside": round(statistics.median(r["ratio"] for r in runs), 3),
        "ratio_range": [min(r["ratio"] for r in runs), max(r["ratio"] for r in runs)],
        "ratio_to_bare": round(per_s / ceiling, 2),
    }


def processing_cost(log_path, flows):
    """Statements of the received messages' processing jobs, per job and per
    message, and messages per job (several per job: hc.message.batch), read
    off the server's log and the messages' job uuids."""
    per_job = dict(
        poll_rows(
            f"SELECT job_uuid, count(*) FROM hc_message WHERE flow_id = "
            f"{flows['receive']} AND job_uuid IS NOT NULL GROUP BY job_uuid"
        )
    )
    jobs, messages, queries = [], 0, 0
    for uuid, count in JOB_RUN_RE.findall(Path(log_path).read_text(errors="replace")):
        if uuid in per_job:
            jobs.append(int(count))
            messages += per_job.pop(uuid)
            queries += int(count)
    return {
        "queries_per_processing_job": statistics.median(jobs) if jobs else None,
        "queries_per_processed_message": round(queries / messages, 1)
        if messages
        else None,
        "messages_per_processing_job": round(messages / len(jobs), 1) if jobs else None,
    }


def wait_processed(flow_id, mark, timeout=1800):
    """Wait until the flow's messages after id ``mark`` are all final;
    (how many were processed, seconds from the first one's creation to the
    last one's end)."""
    where = f"flow_id = {flow_id} AND id > {mark}"
    wait_until(
        lambda: pending_count(
            f"SELECT count(*) FROM hc_message WHERE {where} "
            "AND state NOT IN ('done', 'dead')"
        )
        == 0,
        timeout,
    )
    count, seconds = poll_rows(
        "SELECT count(*), extract(epoch FROM max(write_date) - min(create_date)) "
        f"FROM hc_message WHERE {where} AND state = 'done'"
    )[0]
    return count, float(seconds or 0)


def inbound_only(flows, rounds, seconds, logs):
    """The ingestion rows alone (runner off, then while it processes, and
    end to end), printed."""
    server = Server(with_runner=False, log_path=logs / "ingestion.log")
    try:
        sides = alternating(server.url, ("bare", "webhook"), rounds, seconds)
    finally:
        server.stop()
    ingestion = ingestion_measure(sides, logs / "ingestion.log")
    server = Server(with_runner=True, log_path=logs / "jobs.log")
    try:
        busy = busy_measure(
            server, flows, rounds, seconds, ingestion, logs / "jobs.log"
        )
    finally:
        server.stop()
    log(json.dumps({"ingestion": ingestion, "ingestion_while_processing": busy}))
    for name, value in (
        ("ingestion", ingestion["ratio_to_bare"]),
        ("while processing", busy["ratio_to_bare"]),
        ("end to end", busy["end_to_end"]["ratio_to_bare"]),
        ("end to end, bare beside", busy["end_to_end"]["ratio_to_bare_beside"]),
    ):
        log(f"{name}: {value}x")
    log(f"statements per request: {ingestion['queries_per_request']}")
    log(
        f"statements per processed message: "
        f"{busy['queries_per_processed_message']}, messages per job: "
        f"{busy['messages_per_processing_job']}"
    )
    return 0


def outbound_only(flows, count, log_path):
    server = Server(with_runner=True, log_path=log_path)
    try:
        measure = outbound_measure(hcdev_client(server.url), flows, count, log_path)
    finally:
        server.stop()
    log(json.dumps(measure, indent=2))
    return 0


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
        **{
            f"{key}_range": [
                min(r[key] for r in rounds_out),
                max(r[key] for r in rounds_out),
            ]
            for key in ("noop_jobs_per_s", "deliveries_per_s", "ratio")
        },
        "ratio_to_noop_job": round(
            statistics.median(r["ratio"] for r in rounds_out), 3
        ),
        "queries_per_job": queries_per_job(log_path, flows),
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


def queries_per_job(log_path, flows):
    """Median queries of a no-op job's, a delivery's and an inbound
    message's processing run, read off the server's log lines (one per job
    run) and told apart by their job."""
    kinds = dict(
        poll_rows(
            "SELECT uuid, 'noop_job' FROM queue_job WHERE method_name = '_noop' "
            "UNION ALL SELECT job_uuid, CASE WHEN flow_id = "
            f"{flows['send']} THEN 'delivery' ELSE 'processing' END "
            f"FROM hc_message WHERE flow_id IN ({flows['send']}, {flows['receive']}) "
            "AND job_uuid IS NOT NULL"
        )
    )
    counts = {"noop_job": [], "delivery": [], "processing": []}
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


def last_job_id():
    return poll_value("SELECT coalesce(max(id), 0) FROM queue_job")


BATCH_KINDS = ("record_only", "crosswalk_check", "creates_records")
BATCH_FLOWS = {
    "record_only": "pull_record",
    "crosswalk_check": "pull_xwalk",
    "creates_records": "pull_items",
}


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
