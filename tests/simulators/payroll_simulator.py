"""The HR system and the payroll provider of a hospital, on HTTP (tests and demo).

One process plays both partners of the payroll addon, on the partner
simulator (recording, scripted answers, feeds, signed webhooks, ``/_sim/``):

* the HR system: a feed of workforce events for batch pulls
  (``GET /feeds/hr-events``) and signed workforce events posted to Odoo's
  webhook (``POST /_sim/hr/event {"event": {...}}``, or the control page's
  *Next HR event* button, which walks through a hire, transfer, leave, return
  and termination);
* the payroll provider: takes compensation input batches (``POST
  /payroll/inputs`` as JSON, ``POST /payroll/inputs.csv`` as CSV), answers
  each with its acknowledgement (totals per employee and code; once per
  Idempotency-Key), and computes the payroll results of a period from every
  batch it received for it. With ``--odoo-url`` (or HC_ODOO_URL) it posts
  them to Odoo's results webhook a moment after each batch (a correction
  batch brings the next revision of the run); ``POST /_sim/payroll/results
  {"period_start": ..., "period_end": ...}`` sends them on demand::

    python tests/simulators/payroll_simulator.py --port 8084 --name payroll
"""

import html
import logging
import os
import sys
import threading
from pathlib import Path

import requests

# bin/start runs this simulator for the payroll demo connectors on this port
DEMO_PORT = 8084
INPUTS_JSON_PATH = "/payroll/inputs"
INPUTS_CSV_PATH = "/payroll/inputs.csv"
HR_FEED = "hr-events"
HR_BACKEND = "demo_hr_system"
PROVIDER_BACKEND = "demo_payroll_provider"
HR_EVENT_FLOW = "payroll.workforce_event"
RESULTS_FLOW = "payroll.results"
_logger = logging.getLogger("payroll_simulator")


sys.path.insert(0, str(Path(__file__).resolve().parent))

import partner_simulator as base  # noqa: E402
from payroll_provider import (  # noqa: E402
    RESULTS_DELAY,
    acknowledgement,
    parse_batch,
    payroll_results,
    story_event,
)

# ---------------------------------------------------------------- HTTP


class PayrollHandler(base.Handler):
    """The partner handler, with the payroll provider's batch intake."""

    def regular(self, url, number, status=None, headers=None):
        if (
            self.command != "POST"
            or url.path not in (INPUTS_JSON_PATH, INPUTS_CSV_PATH)
            or self.state.mode_for(url.path)
            or (self.state.require_bearer and not self.state.token_valid(self.bearer()))
        ):
            return super().regular(url, number, status, headers)
        return self.take_batch(status, headers)

    def take_batch(self, status, headers):
        sim = self.server.simulator
        key = self.headers.get("Idempotency-Key")
        replay = sim.batch_reply(key)
        if replay is not None:
            return self.reply(
                200, replay, {**(headers or {}), "Idempotent-Replayed": "true"}
            )
        try:
            batch = parse_batch(self.record["body"], self.headers.get("Content-Type"))
        except (ValueError, KeyError, TypeError, ArithmeticError) as exc:
            return self.reply(400, {"error": f"not a batch: {exc}"}, headers)
        answer = sim.take_batch(batch, key)
        return self.reply(status or 200, answer, headers)

    def control_get(self, route, query):
        if route == base.CONTROL_PREFIX:
            page = base.control_page(self.sim, base.first_value(query, "path") or "*")
            page = page.replace("</body>", payroll_panel(self.sim) + "</body>")
            return self.reply(200, page, content_type="text/html; charset=utf-8")
        if route == f"{base.CONTROL_PREFIX}/payroll/batches":
            return self.reply(200, self.sim.batch_summaries())
        return super().control_get(route, query)

    def control_post(self, route, data):
        sim = self.sim
        if route == f"{base.CONTROL_PREFIX}/hr/event":
            return sim.send_hr_event(data["event"])
        if route == f"{base.CONTROL_PREFIX}/payroll/results":
            period = (data["period_start"], data["period_end"])
            return sim.send_results(period, revision=data.get("revision"))
        return super().control_post(route, data)

    def control_form(self, body):
        form = base.query_dict(body.decode("utf-8", errors="replace"))
        action = base.first_value(form, "action")
        if action == "hr_next":
            self.sim.send_next_story_event()
        elif action == "results":
            self.sim.send_latest_results()
        else:
            return super().control_form(body)
        return self.reply(
            303, b"", {"Location": f"{base.CONTROL_PREFIX}/"}, "text/plain"
        )


def payroll_panel(sim):
    rows = (
        "".join(
            f"<tr><td>{html.escape(b['name'])}</td><td>{b['lines']}</td>"
            f"<td>{html.escape(b['period'])}</td></tr>"
            for b in sim.batch_summaries()
        )
        or "<tr><td colspan='3'>No batch received yet.</td></tr>"
    )
    step = sim.story_index + 1
    odoo = html.escape(sim.odoo_url or "(not set: results and HR events are not sent)")
    return f"""<h2>Payroll</h2>
<form method="post" action="{base.CONTROL_PREFIX}/ui">
<button name="action" value="hr_next">Next HR event (story step {step})</button>
<button name="action" value="results">Send results of the last period</button>
</form>
<p>Odoo: {odoo}</p>
<table><tr><th>Batch</th><th>Lines</th><th>Period</th></tr>{rows}</table>
"""


class PayrollSimulator(base.PartnerSimulator):
    """HR system and payroll provider in one server thread (a context manager)."""

    def __init__(
        self,
        host="127.0.0.1",
        port=0,
        name="payroll",
        webhook_secret=None,
        odoo_url=None,
        hr_backend=HR_BACKEND,
        provider_backend=PROVIDER_BACKEND,
        auto_results=None,
    ):
        self.name = name
        self.webhook_secret = webhook_secret
        self.state = base.SimulatorState(name)
        self.httpd = base.SimulatorServer((host, port), PayrollHandler, self)
        self._thread = None
        self.odoo_url = odoo_url
        self.hr_backend = hr_backend
        self.provider_backend = provider_backend
        self.auto_results = bool(odoo_url) if auto_results is None else auto_results
        self.payroll_lock = threading.Lock()
        self.story_index = 0
        self.people = {}
        self.currency = "USD"
        self.reset_payroll()

    def reset(self):
        super().reset()
        self.reset_payroll()

    def reset_payroll(self):
        with self.payroll_lock:
            self.batches = []
            self.batch_replies = {}
            self.ack_adjustments = {}

    # provider

    def adjust_next_ack(self, adjust):
        """The next acknowledgement reads other totals: {(employee, code): change}."""
        with self.payroll_lock:
            self.ack_adjustments = dict(adjust)

    def batch_reply(self, key):
        with self.payroll_lock:
            return self.batch_replies.get(key) if key else None

    def take_batch(self, batch, key=None):
        with self.payroll_lock:
            self.batches.append(batch)
            adjust, self.ack_adjustments = self.ack_adjustments, {}
            answer = acknowledgement(batch, f"{self.name}-B{len(self.batches)}", adjust)
            if key:
                self.batch_replies[key] = answer
        if self.auto_results and self.odoo_url:
            timer = threading.Timer(
                RESULTS_DELAY, self._send_results_quietly, (batch["period"],)
            )
            timer.daemon = True
            timer.start()
        return answer

    def batch_summaries(self):
        with self.payroll_lock:
            return [
                {
                    "name": b["name"],
                    "lines": len(b["lines"]),
                    "period": "..".join(b["period"]),
                }
                for b in self.batches
            ]

    def results(self, period, revision=None, run_id=None):
        """The results document of ``period`` from the batches received so far."""
        with self.payroll_lock:
            batches = [b for b in self.batches if b["period"] == period]
        revision = revision or max(len(batches), 1)
        run_id = run_id or f"{self.provider_backend}-{period[0][:7]}"
        return payroll_results(
            batches, period, run_id, revision, self.people, self.currency
        )

    def send_results(self, period, revision=None):
        document = self.results(period, revision)
        url = self._webhook_url(self.provider_backend, RESULTS_FLOW)
        status, body = self.call_webhook(
            url,
            document,
            idempotency_key=f"{document['run_id']}/rev{document['revision']}",
        )
        return {"status": status, "body": body, "run_id": document["run_id"]}

    def _send_results_quietly(self, period):
        try:
            self.send_results(period)
        except (requests.RequestException, ValueError) as exc:
            _logger.warning("results of %s not sent: %s", period, exc)

    def send_latest_results(self):
        with self.payroll_lock:
            period = self.batches[-1]["period"] if self.batches else None
        return self.send_results(period) if period else None

    # HR system

    def send_hr_event(self, event):
        employee = event.get("employee") or {}
        if employee.get("id") and (
            "national_id" in employee or "bank_account" in employee
        ):
            self.people[employee["id"]] = {
                k: employee[k] for k in ("national_id", "bank_account") if k in employee
            }
        url = self._webhook_url(self.hr_backend, HR_EVENT_FLOW)
        status, body = self.call_webhook(
            url, event, idempotency_key=event.get("event_id")
        )
        return {"status": status, "body": body}

    def send_next_story_event(self):
        event = story_event(self.story_index)
        self.story_index += 1
        return self.send_hr_event(event)

    def _webhook_url(self, backend, flow):
        if not self.odoo_url:
            raise ValueError("no Odoo URL: start the simulator with --odoo-url")
        return f"{self.odoo_url.rstrip('/')}/hc/webhook/{backend}/{flow}"


# ---------------------------------------------------------------- program


def parse_args(argv=None):
    def payroll_options(parser):
        parser.add_argument("--odoo-url", default=os.environ.get("HC_ODOO_URL") or None)
        parser.add_argument("--hr-backend", default=HR_BACKEND)
        parser.add_argument("--provider-backend", default=PROVIDER_BACKEND)

    return base.parse_args(
        argv,
        port=DEMO_PORT,
        name="payroll",
        description=__doc__.splitlines()[0],
        extra=payroll_options,
    )


def make_simulator(args):
    sim = PayrollSimulator(
        args.host,
        args.port,
        args.name,
        args.webhook_secret,
        odoo_url=args.odoo_url,
        hr_backend=args.hr_backend,
        provider_backend=args.provider_backend,
    )
    sim.set_feed(HR_FEED, [], page_size=50)
    return sim


def main(argv=None):
    return base.run_program(
        make_simulator, "payroll simulator", parse_args(argv), "payroll-sim"
    )


if __name__ == "__main__":
    sys.exit(main())
