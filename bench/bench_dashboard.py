"""The integration dashboard and the metrics scrape on a million messages.

Fills a database (``hc_dev_ops_bench`` by default; created with the ops
addon and the core, no demo data, on first use) with 1,000,000
``hc_message`` rows spread over 30 days across 4 backends and 20 flows
(INSERT ... SELECT generate_series: a minute or two), vacuums and analyzes
the table as autovacuum would, then times in-process:

- ``hc.ops.dashboard.get_dashboard_data()`` as an integration user: the first
  (cold) call and the median and slowest of the next ones;
- ``hc.ops.metrics._exposition()``: one Prometheus scrape, once the scheduled
  fold (``hc.ops.tally._cron_seal``, timed too: its first run folds the whole
  table) has counted the messages finished more than an hour ago.

Usage: ``.venv/bin/python bench/bench_dashboard.py [--db NAME] [--messages N]``.
The numbers go to ``bench/results/dashboard.json`` with the targets and
whether each is met (exit 1 when one is missed).
"""

import argparse
import statistics
import sys
import time

from harness import (
    ensure_database,
    insert_rows,
    log,
    measured_report,
    odoo_registry,
    psql,
    write_result,
)

TARGETS = {"dashboard_median_ms": 1000, "dashboard_max_ms": 1000, "scrape_ms": 1000}
BACKENDS = 4
FLOWS_PER_BACKEND = 5
RUNS = 7

# states of the generated messages, in per-mille of the whole
MIX = [
    ("done", None, None, 930),
    ("dead", "technical", None, 25),
    ("dead", "validation", None, 5),
    ("dead", "authentication", None, 2),
    ("dead", "business", "mapping", 10),
    ("dead", "business", "price_mismatch", 5),
    ("cancelled", None, None, 10),
    ("duplicate", None, None, 10),
    ("retrying", "technical", None, 1),
    ("queued", None, None, 2),
]


def ensure_flows(env):
    """The backends and flows the messages belong to: [(flow id, backend id)]."""
    flow_type = env.ref("healthcare_integration_core.flow_type_send")
    flows = []
    for b in range(BACKENDS):
        code = f"bench_ops_{b}"
        backend = env["hc.backend"].search([("code", "=", code)])
        if not backend:
            backend = env["hc.backend"].create(
                {
                    "name": f"Bench partner {b}",
                    "code": code,
                    "base_url": "http://127.0.0.1:9",
                    "technical_owner_id": env.ref("base.user_admin").id,
                }
            )
        for f in range(FLOWS_PER_BACKEND):
            flow = env["hc.flow"].search(
                [("backend_id", "=", backend.id), ("code", "=", f"flow_{f}")]
            )
            if not flow:
                flow = env["hc.flow"].create(
                    {
                        "name": f"Bench flow {b}.{f}",
                        "code": f"flow_{f}",
                        "flow_type_id": flow_type.id,
                        "backend_id": backend.id,
                        "sla_minutes": 30,
                    }
                )
            flows.append((flow.id, backend.id))
    return flows


def fill(db, env, flows, count):
    have = int(psql(db, "SELECT count(*) FROM hc_message"))
    if have >= count:
        log(f"{have} messages already there")
        return have
    company = env.company.id
    flow_type = env.ref("healthcare_integration_core.flow_type_send").id
    cases, bound = [], 0
    for state, error_class, kind, per_mille in MIX:
        bound += per_mille
        cases.append((bound, state, error_class, kind))
    state_sql = " ".join(f"WHEN r.pick < {b} THEN '{s}'" for b, s, _e, _k in cases)
    class_sql = " ".join(
        f"WHEN r.pick < {b} THEN {repr(e) if e else 'NULL'}" for b, _s, e, _k in cases
    )
    kind_sql = " ".join(
        f"WHEN r.pick < {b} THEN {repr(k) if k else 'NULL'}" for b, _s, _e, k in cases
    )
    flow_ids = "ARRAY[" + ",".join(str(f) for f, _b in flows) + "]"
    backend_ids = "ARRAY[" + ",".join(str(b) for _f, b in flows) + "]"
    todo = count - have
    log(f"inserting {todo} messages")
    insert_rows(
        db,
        "hc_message",
        f"""
        INSERT INTO hc_message (name, flow_id, flow_type_id, backend_id, company_id,
            direction, state, error_class, exception_kind, idempotency_key,
            correlation_id, create_date, write_date, done_at, duration_ms,
            sla_deadline, acknowledged_by_id, payload_size, attempt_count,
            create_uid, write_uid)
        SELECT 'HCB/' || lpad(r.g::text, 8, '0'),
               ({flow_ids})[r.slot], {flow_type}, ({backend_ids})[r.slot], {company},
               'outbound', s.state, s.error_class, s.kind, 'bench-' || r.g,
               md5(r.g::text), r.created, r.created,
               CASE WHEN s.state IN ('done', 'dead', 'cancelled', 'duplicate')
                    THEN r.created + r.latency END,
               (extract(epoch FROM r.latency) * 1000)::int,
               r.created + interval '30 minutes',
               CASE WHEN s.state = 'dead' AND r.g % 5 != 0 THEN 2 END,
               512, 1, 1, 1
          FROM (
                SELECT g, 1 + g % {len(flows)} AS slot,
                       (g::bigint * 7919) % 1000 AS pick,
                       now() at time zone 'utc'
                           - (g::bigint * 2592000 / {count}) * interval '1 second'
                           AS created,
                       ((g % 97) * 0.37 + 0.05) * interval '1 second' AS latency
                  FROM generate_series({have + 1}, {count}) g
               ) r
          CROSS JOIN LATERAL (
                SELECT CASE {state_sql} END AS state,
                       CASE {class_sql} END AS error_class,
                       CASE {kind_sql} END AS kind
               ) s
        """,
    )
    return count


def timed(func):
    started = time.perf_counter()
    result = func()
    return (time.perf_counter() - started) * 1000, result


def measure(registry):
    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        admin = env.ref("base.user_admin")
        dashboard = env["hc.ops.dashboard"].with_user(admin)
        # the scheduled fold, from scratch: its first run on a database that
        # already holds a million messages
        cr.execute("DELETE FROM hc_ops_tally")
        cr.execute("UPDATE hc_ops_tally_mark SET sealed_until = NULL")
        fold, _groups = timed(env["hc.ops.tally"]._cron_seal)
        cr.commit()
        cold, data = timed(dashboard.get_dashboard_data)
        warm = [timed(dashboard.get_dashboard_data)[0] for _run in range(RUNS)]
        scrape, text = timed(env["hc.ops.metrics"]._exposition)
        figures = {f["key"]: f["value"] for f in data["summary"]}
        return {
            "messages": int(env["hc.message"].search_count([])),
            "dashboard_cold_ms": cold,
            "dashboard_median_ms": statistics.median(warm),
            "dashboard_max_ms": max(warm),
            "scrape_ms": scrape,
            "first_fold_ms": fold,
            "scrape_kib": len(text) / 1024,
            "messages_24h": figures["summary/day_total"],
            "failures_open": figures["summary/failures"],
            "business_exceptions_open": figures["summary/exceptions"],
        }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="hc_dev_ops_bench")
    parser.add_argument("--messages", type=int, default=1_000_000)
    args = parser.parse_args()
    ensure_database(args.db, ["healthcare_integration_ops"])
    registry = odoo_registry(args.db)
    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        flows = ensure_flows(env)
        cr.commit()
        fill(args.db, env, flows, args.messages)
    measures = measure(registry)
    met = {key: measures[key] <= target for key, target in TARGETS.items()}
    write_result("dashboard", measured_report(measures, TARGETS, met, digits=1))
    sys.exit(0 if all(met.values()) else 1)


if __name__ == "__main__":
    main()
