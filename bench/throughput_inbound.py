"""Inbound measures of ``bench_throughput``: signed webhooks against the
bare route (job runner off), the same while the runner processes them, and
the end-to-end rate of messages received and processed, several per job.
"""

import json
import statistics
from pathlib import Path

from harness import log
from throughput_harness import (
    JOB_RUN_RE,
    Server,
    pending_count,
    poll_rows,
    poll_value,
    vacuum,
    wait_until,
)
from throughput_wrk import alternating, queries_per_request, wrk


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
