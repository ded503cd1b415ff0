"""Reconciliation of one day of a million messages, and the business KPIs.

Fills a database (``hc_dev_recon_bench`` by default; created with the core
and reconciliation addons, no demo data, on first use) with ``--messages``
(1,000,000) done messages of one flow, all of today so far in UTC (one
INSERT ... SELECT generate_series; kept for the next run of the same day,
made again on another day): the dashboard's last 24 hours hold the whole
day, as at the day's end. It serves the partner's control report of that
day from a local HTTP server (every message's correlation id but ten, and
five the partner has that we do not: fifteen differences), then times
in-process:

- one period's check (``hc.reconciliation._reconcile_day``): the partner's
  report fetched over HTTP, then read and compared with the day's messages
  in one statement in PostgreSQL (``hc_reconciliation_handler_set``), the
  differences recorded;
- the KPIs: the dashboard's business panel and the metrics scrape's KPI
  families, over a year of daily KPI rows for every flow (KPIs are sums kept
  as messages finish, so their reading does not grow with the messages);
- one observation (``hc.kpi.daily._observe``), the cost each finished
  message pays on the delivery path (mean of 2,000);
- the whole dashboard, to check it stays under a second.

Usage: ``.venv/bin/python bench/bench_reconciliation.py [--db NAME]
[--messages N] [--dry-run]``. The numbers go to
``bench/results/reconciliation.json`` with the targets and whether each is
met (exit 1 when one is missed); ``--dry-run`` prints them only (e.g. on a
loaded machine, where they mean little).
"""

import argparse
import json
import statistics
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from harness import (
    ensure_database,
    insert_rows,
    log,
    measured_report,
    odoo_registry,
    psql,
    write_result,
)

TARGETS = {
    "reconcile_day_s": 10.0,
    "kpis_ms": 10_000,
    "dashboard_ms": 1000,
}
ADDONS = ["healthcare_integration_core", "healthcare_integration_reconciliation"]
MISSING_AT_PARTNER = 10
MISSING_HERE = 5
KPI_DAYS = 365
OBSERVATIONS = 2000


class ReportServer:
    """The partner's control report of one day, served as prepared bytes."""

    def __init__(self, body):
        server_body = body

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(server_body)))
                self.end_headers()
                self.wfile.write(server_body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def stop(self):
        self.httpd.shutdown()


def ensure_flow(env):
    backend = env["hc.backend"].search([("code", "=", "bench_recon")])
    if not backend:
        backend = env["hc.backend"].create(
            {
                "name": "Bench reconciliation partner",
                "code": "bench_recon",
                "environment": "test",
                "read_timeout": 120,
            }
        )
    flow = env["hc.flow"].search([("backend_id", "=", backend.id)], limit=1)
    if not flow:
        flow = env["hc.flow"].create(
            {
                "name": "Bench orders out",
                "code": "orders_out",
                "flow_type_id": env.ref(
                    "healthcare_integration_core.flow_type_send"
                ).id,
                "backend_id": backend.id,
            }
        )
    return backend, flow


def fill(db, env, flow, count, day, until):
    """The flow's ``count`` done messages, spread over ``day`` from midnight to
    ``until``; kept for the next run of the same day, replaced otherwise (the
    table is emptied: it holds the benchmark's messages only)."""
    start = datetime.combine(day, datetime.min.time())
    end = start + timedelta(days=1)
    have, total = psql(
        db,
        f"""
        SELECT count(*) FILTER (WHERE done_at >= '{start}' AND done_at < '{end}'),
               count(*)
          FROM hc_message WHERE flow_id = {flow.id}
        """,
    ).split("|")
    if int(have) == int(total) == count:
        log(f"{count} messages of {day} already there")
        return
    if int(total):
        log(f"the messages there are of another day or number: emptying {db}")
        psql(db, "TRUNCATE hc_message CASCADE")
    span = max(int((until - start).total_seconds()) - 60, 60)
    log(f"inserting {count} done messages on {day} (over {span} s)")
    insert_rows(
        db,
        "hc_message",
        f"""
        INSERT INTO hc_message (name, flow_id, flow_type_id, backend_id, company_id,
            direction, state, idempotency_key, correlation_id, create_date,
            write_date, done_at, payload_size, attempt_count, create_uid, write_uid)
        SELECT 'HCR/' || lpad(g::text, 8, '0'), {flow.id}, {flow.flow_type_id.id},
               {flow.backend_id.id}, {env.company.id}, 'outbound', 'done',
               'bench-' || g, 'c-' || g, t, t, t + interval '1 second', 512, 1, 1, 1
          FROM generate_series(1, {count}) g,
               LATERAL (SELECT timestamp '{start}'
                        + (g::bigint * {span} / {count}) * interval '1 second' AS t) d
        """,
    )


def report_body(count, day):
    documents = [
        {"type": "core.send", "reference": f"c-{g}"}
        for g in range(MISSING_AT_PARTNER + 1, count + 1)
    ]
    documents += [
        {"type": "core.send", "reference": f"partner-only-{n}"}
        for n in range(MISSING_HERE)
    ]
    return json.dumps({"date": day.isoformat(), "documents": documents}).encode()


def fill_kpis(db, env, flows, today):
    """A year of daily KPI rows per flow and KPI, as observations leave them."""
    psql(db, "DELETE FROM hc_kpi_daily")
    kpis = ["exception_rate", "ack_latency", "invoice_first_pass"]
    rows = ",".join(
        f"('{kpi}', '{today - timedelta(days=d)}', {env.company.id}, {flow}, "
        f"2700, {1 if kpi != 'ack_latency' else 3600} * 27, now(), 1, now(), 1, now())"
        for kpi in kpis
        for flow in flows
        for d in range(KPI_DAYS)
    )
    psql(
        db,
        "INSERT INTO hc_kpi_daily (kpi, day, company_id, flow_id, count, total, "
        f"last_at, create_uid, create_date, write_uid, write_date) VALUES {rows}",
    )


def timed(func):
    started = time.perf_counter()
    result = func()
    return time.perf_counter() - started, result


def measure(registry, count, day, server):
    from odoo import SUPERUSER_ID, api, fields

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        backend, flow = ensure_flow(env)
        reconciliation = env["hc.reconciliation"].search([("flow_id", "=", flow.id)])
        values = {
            "name": "Bench orders",
            "flow_id": flow.id,
            "control_backend_id": backend.id,
            "control_endpoint": "/report?date={date}",
            "first_day": day,
        }
        backend.write({"base_url": server.url, "auth_type": "none"})
        if reconciliation:
            reconciliation.period_ids.unlink()
            reconciliation.write(values)
        else:
            reconciliation = env["hc.reconciliation"].create(values)
        cr.commit()
        seconds, period = timed(lambda: reconciliation._reconcile_day(day))
        assert period.state == "differences", period.error_text
        differences = len(period.difference_ids)
        assert differences == MISSING_AT_PARTNER + MISSING_HERE, differences
        cr.rollback()

        flows = env["hc.flow"].search([]).ids
        fill_kpis(cr.dbname, env, flows, fields.Date.today())
        cr.rollback()  # a new snapshot: the rows another connection wrote
        admin = env.ref("base.user_admin")
        dashboard = env["hc.ops.dashboard"].with_user(admin)
        metrics = env["hc.ops.metrics"]
        kpi_runs = [
            timed(lambda: (dashboard._kpi_rows(), metrics._kpi_rows()))[0]
            for _run in range(5)
        ]
        dashboard_runs = [timed(dashboard.get_dashboard_data)[0] for _run in range(5)]
        kpis = env["hc.kpi.daily"]
        now = fields.Datetime.now()
        observe, _none = timed(
            lambda: [
                kpis._observe("exception_rate", 0, env.company, now, flow=flow)
                for _n in range(OBSERVATIONS)
            ]
        )
        cr.rollback()
        return {
            "messages_in_day": count,
            "reconcile_day_s": seconds,
            "differences": differences,
            "kpis_ms": statistics.median(kpi_runs) * 1000,
            "kpi_rows": len(flows) * 3 * KPI_DAYS,
            "dashboard_ms": statistics.median(dashboard_runs) * 1000,
            "observation_us": observe / OBSERVATIONS * 1e6,
        }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="hc_dev_recon_bench")
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    # today so far: the dashboard's last 24 hours hold the whole day, as
    # they do at the day's end; run on another day, the data is made again
    now = datetime.now(UTC).replace(tzinfo=None)
    day = now.date()
    ensure_database(args.db, ADDONS)
    registry = odoo_registry(args.db)
    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        _backend, flow = ensure_flow(env)
        cr.commit()
        fill(args.db, env, flow, args.messages, day, now)
    server = ReportServer(report_body(args.messages, day))
    try:
        measures = measure(registry, args.messages, day, server)
    finally:
        server.stop()
    met = {key: measures[key] <= target for key, target in TARGETS.items()}
    report = measured_report(measures, TARGETS, met, digits=2)
    write_result("reconciliation", report, save=not args.dry_run)
    sys.exit(0 if all(met.values()) else 1)


if __name__ == "__main__":
    main()
