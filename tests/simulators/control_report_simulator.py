"""Partners' daily control reports, for reconciliation tests and the demo.

A partner that reconciles with us publishes what it received each day. This
simulator builds those reports from what the other simulators actually
received (their ``GET /_sim/requests``), so a report agrees with Odoo unless
something was lost on the way, and it can lose things on purpose: a report
configured with ``lose_first`` leaves out the first documents it received
(the seeded difference of the demo), which a document sent again then fills::

    GET /reports/<report>/control-report?date=2026-12-07
    -> {"date": "2026-12-07", "documents": [{"type", "reference", "date"}, ...]}

Each report says where to look (``source``: a simulator's URL; ``path``:
the requests' path prefix; ``method``, None for any), the document ``type``
it reports, and where a document's reference is: ``header:<name>`` (e.g. the
``X-Correlation-ID`` Odoo sends), ``json:<key>`` (a key of the JSON body, e.g.
``po_number``) or ``path`` (the last segment of the path, e.g. a FHIR id).
Configure reports over HTTP with ``POST /_sim/reports`` (``{"<name>": {...}}``)
and ``POST /_sim/lose`` (``{"report": "<name>", "count": 1}``)::

    python tests/simulators/control_report_simulator.py --port 8089
"""

import datetime as dt
import json
import logging
import sys
import threading
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import partner_simulator as base

_logger = logging.getLogger("control_report_simulator")

# bin/start runs this simulator for the demo's reconciliations on this port
DEMO_PORT = 8089
REPORTS_PREFIX = "/reports/"
REPORT_SUFFIX = "/control-report"
CORRELATION = "header:X-Correlation-ID"
# the demo: one report per domain, each losing its first document
DEMO_REPORTS = {
    "meddistrib-orders": {
        "source": "http://127.0.0.1:8081",
        "path": "/orders",
        "method": "POST",
        "type": "order",
        "reference": "json:po_number",
        "lose_first": 1,
    },
    "payroll-inputs": {
        "source": "http://127.0.0.1:8084",
        "path": "/payroll/inputs",
        "method": "POST",
        "type": "payroll.inputs_json",
        "reference": CORRELATION,
        "lose_first": 1,
    },
    "ehr-deliveries": {
        "source": "http://127.0.0.1:8082",
        "path": "/fhir/SupplyDelivery",
        "method": "PUT",
        "type": "ehr.supply_delivery_out",
        "reference": CORRELATION,
        "lose_first": 1,
    },
    "eam-assets": {
        "source": "http://127.0.0.1:8083",
        "path": "/api/eam/assets",
        "method": None,  # registrations (POST) and changes (PUT)
        "type": "asset.equipment_out",
        "reference": CORRELATION,
        "lose_first": 1,
    },
}
REPORT_KEYS = {"source", "path", "method", "type", "reference", "lose_first"}


def check_report(name, report):
    """A report's configuration, checked; ValueError when unusable."""
    if not isinstance(report, dict) or not set(report) <= REPORT_KEYS:
        raise ValueError(f"report {name}: keys are {sorted(REPORT_KEYS)}")
    for key in ("source", "path", "type"):
        if not isinstance(report.get(key), str) or not report[key]:
            raise ValueError(f"report {name}: {key} is needed")
    reference = report.get("reference", CORRELATION)
    if not (reference == "path" or reference.startswith(("header:", "json:"))):
        raise ValueError(f"report {name}: reference is header:, json: or path")
    return {"method": "POST", "reference": CORRELATION, "lose_first": 0, **report}


def reference_of(request, where):
    """The document reference of a received request, or None."""
    if where == "path":
        return request["path"].rstrip("/").rsplit("/", 1)[-1] or None
    kind, _sep, name = where.partition(":")
    if kind == "header":
        headers = {k.lower(): v for k, v in request["headers"].items()}
        return headers.get(name.lower())
    try:
        document = json.loads(request["body"] or "null")
    except ValueError:
        return None
    value = document.get(name) if isinstance(document, dict) else None
    return None if value is None else str(value)


def documents(report, received, day):
    """The documents of ``day`` (UTC) a report lists, from the requests its
    source received, in order: the first ``lose_first`` deliveries are lost
    (a document delivered again is then listed), a document is listed once."""
    delivered = []
    for request in received:
        ok = request.get("status") is not None and 200 <= request["status"] < 300
        if (
            not ok
            or (report["method"] and request["method"] != report["method"])
            or not request["path"].startswith(report["path"])
        ):
            continue
        reference = reference_of(request, report["reference"])
        if reference is not None:
            when = dt.datetime.fromtimestamp(request["received_at"], dt.UTC).date()
            delivered.append((when, reference))
    listed, seen = [], set()
    for when, reference in delivered[report["lose_first"] :]:
        if when == day and reference not in seen:
            seen.add(reference)
            listed.append(
                {"type": report["type"], "reference": reference, "date": str(when)}
            )
    return listed


class ControlReportHandler(base.Handler):
    """Serves reports under /reports/; the rest as the partner simulator."""

    def partner_call(self, url, body):
        if url.path.startswith(REPORTS_PREFIX) and url.path.endswith(REPORT_SUFFIX):
            self.record, _number = self.state.record(
                self.command, url, self.headers, body
            )
            name = url.path[len(REPORTS_PREFIX) : -len(REPORT_SUFFIX)]
            return self.report(name, base.query_dict(url.query))
        return super().partner_call(url, body)

    def report(self, name, query):
        report = self.sim.reports.get(name)
        if report is None:
            return self.reply(404, {"error": f"no report {name}"})
        try:
            day = dt.date.fromisoformat(str(query.get("date") or ""))
        except ValueError:
            return self.reply(400, {"error": "date=YYYY-MM-DD is needed"})
        try:
            received = self.sim.received_by(report)
        except requests.RequestException as exc:
            return self.reply(502, {"error": f"source unavailable: {exc}"})
        listed = documents(report, received, day)
        return self.reply(200, {"date": day.isoformat(), "documents": listed})

    def control_post(self, route, data):
        if route == f"{base.CONTROL_PREFIX}/reports":
            self.sim.set_reports(data)
            return {"ok": True, "reports": sorted(self.sim.reports)}
        if route == f"{base.CONTROL_PREFIX}/lose":
            self.sim.lose(data["report"], int(data.get("count", 1)))
            return {"ok": True}
        return super().control_post(route, data)

    def control_get(self, route, query):
        if route == f"{base.CONTROL_PREFIX}/reports":
            return self.reply(200, self.sim.reports)
        return super().control_get(route, query)


class ControlReportSimulator(base.PartnerSimulator):
    """The partner simulator, serving daily control reports."""

    handler_class = ControlReportHandler

    def __init__(self, host="127.0.0.1", port=0, reports=None, **kwargs):
        super().__init__(host=host, port=port, **kwargs)
        self.lock = threading.Lock()
        self.reports = {}
        self.set_reports(reports or {})

    def set_reports(self, reports):
        checked = {name: check_report(name, r) for name, r in reports.items()}
        with self.lock:
            self.reports.update(checked)

    def lose(self, name, count):
        with self.lock:
            self.reports[name] = {**self.reports[name], "lose_first": max(count, 0)}

    def received_by(self, report):
        """The requests the report's source received (its control route)."""
        answer = requests.get(
            f"{report['source'].rstrip('/')}{base.CONTROL_PREFIX}/requests",
            timeout=5,
        )
        answer.raise_for_status()
        return answer.json()


def main(argv=None):
    args = base.parse_args(argv, port=DEMO_PORT, description=__doc__.splitlines()[0])
    return base.run_program(
        lambda a: ControlReportSimulator(
            a.host,
            a.port,
            reports=DEMO_REPORTS,
            name=a.name,
            webhook_secret=a.webhook_secret,
        ),
        "control report simulator",
        args,
        "control-report-sim",
    )


if __name__ == "__main__":
    sys.exit(main())
