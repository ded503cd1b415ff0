"""An EAM/CMMS and a finance system on HTTP, for the asset addon's tests and demo.

The partner simulator (``partner_simulator.py``) with EAM manners: a new
asset (``POST /api/eam/assets``) is answered with the EAM's own asset id
(``{"asset_id": "EAM-000001"}``, the same id for a repeated Idempotency-Key),
and it builds and sends the EAM's webhooks (work orders, lifecycle events) to
Odoo, signed. Finance pushes (``/api/finance/...``) are recorded like any call.
Run it as a program for the demo (``bin/start`` does)::

    python tests/simulators/asset_simulator.py --port 8083 --name demo-asset \
        --webhook-secret demo-webhook-secret

and send the demo's Odoo an EAM event from its control API::

    curl -X POST http://127.0.0.1:8083/_sim/eam/work_order \
        -d '{"serial": "IP200-0001", "status": "closed"}'
"""

import itertools
import logging
import os
import sys
import threading
import time
from pathlib import Path

_logger = logging.getLogger("asset_simulator")

# bin/start runs this simulator for the demo's EAM and finance backends
DEMO_PORT = 8083
ASSETS_PATH = "/api/eam/assets"
WEBHOOK_FLOWS = {"work_order": "asset.work_order_in", "lifecycle": "asset.lifecycle_in"}
DEMO_BACKEND = "eam_demo"


sys.path.insert(0, str(Path(__file__).resolve().parent))

import partner_simulator as partner  # noqa: E402


def work_order(serial=None, asset_id=None, **values):
    """A work order document as the EAM sends it (defaults: an open repair)."""
    document = {
        "work_order_id": values.pop("work_order_id", "WO-1001"),
        "type": "corrective",
        "status": "open",
        "title": "Occlusion alarm does not clear",
        "requested_at": "2026-03-02",
        "technician_notes": "Replaced the pressure sensor; tested per IEC 60601-2-24.",
        "updated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    if serial:
        document["serial"] = serial
    if asset_id:
        document["asset_id"] = asset_id
    document.update(values)
    return document


def lifecycle(event, serial=None, asset_id=None, **values):
    """A lifecycle event document (registered, in_service, warranty, ...)."""
    document = {"event": event}
    if serial:
        document["serial"] = serial
    if asset_id:
        document["asset_id"] = asset_id
    document.update(values)
    return document


class EamHandler(partner.Handler):
    """Partner calls with the EAM's answer to a new asset; EAM control routes."""

    def regular(self, url, number, status=None, headers=None):
        if url.path == ASSETS_PATH and self.command == "POST" and not status:
            return self.new_asset(url, number, headers)
        return super().regular(url, number, status, headers)

    def new_asset(self, url, number, headers):
        if self.state.mode_for(url.path):
            return super().regular(url, number, None, headers)
        key = self.headers.get("Idempotency-Key")
        asset_id = self.sim.asset_id_for(key)
        return self.reply(201, {"asset_id": asset_id, "status": "registered"}, headers)

    def control_post(self, route, data):
        prefix = f"{partner.CONTROL_PREFIX}/eam/"
        if route.startswith(prefix) and route[len(prefix) :] in WEBHOOK_FLOWS:
            kind = route[len(prefix) :]
            status, body = self.sim.send_event(kind, data)
            return {"status": status, "body": body}
        return super().control_post(route, data)


class EamSimulator(partner.PartnerSimulator):
    """The partner simulator answering as an EAM/CMMS."""

    def __init__(self, host="127.0.0.1", port=0, name="eam", webhook_secret=None):
        super().__init__(host, port, name, webhook_secret)
        self.httpd.RequestHandlerClass = EamHandler
        self.odoo_url = os.environ.get("HC_ODOO_URL") or ""
        self.backend_code = DEMO_BACKEND
        self._ids = {}
        self._counter = itertools.count(1)
        self._ids_lock = threading.Lock()

    def asset_id_for(self, key):
        """The EAM asset id of a registration (stable per Idempotency-Key)."""
        with self._ids_lock:
            if key and key.rsplit("/r", 1)[0] in self._ids:
                return self._ids[key.rsplit("/r", 1)[0]]
            asset_id = f"EAM-{next(self._counter):06d}"
            if key:
                self._ids[key.rsplit("/r", 1)[0]] = asset_id
            return asset_id

    def webhook_url(self, kind, odoo_url=None, backend_code=None):
        flow = WEBHOOK_FLOWS[kind]
        base = (odoo_url or self.odoo_url).rstrip("/")
        return f"{base}/hc/webhook/{backend_code or self.backend_code}/{flow}"

    def send_event(self, kind, document, odoo_url=None, backend_code=None, **kwargs):
        """Sign and send an EAM webhook (``work_order`` or ``lifecycle``)."""
        if kind == "work_order":
            document = work_order(**document)
        return self.call_webhook(
            self.webhook_url(kind, odoo_url, backend_code), document, **kwargs
        )


def parse_args(argv=None):
    return partner.parse_args(
        argv, port=DEMO_PORT, name="eam", description=__doc__.splitlines()[0]
    )


def main(argv=None):
    return partner.run_program(
        lambda a: EamSimulator(a.host, a.port, a.name, a.webhook_secret),
        "EAM simulator",
        parse_args(argv),
        "asset-sim",
    )


if __name__ == "__main__":
    sys.exit(main())
