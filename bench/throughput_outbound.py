"""Outbound measure of ``bench_throughput``: deliveries to a local partner
through an OAuth2 backend against no-op queue_job jobs, in alternating rounds.
"""

import json
import statistics
from pathlib import Path

from harness import log
from throughput_harness import (
    JOB_RUN_RE,
    Server,
    hcdev_client,
    poll_rows,
    poll_value,
    vacuum,
    wait_until,
)


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
