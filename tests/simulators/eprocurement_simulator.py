"""The eProcurement platform of the requisition demo and tests, on HTTP.

It pushes requisitions to Odoo's signed webhook (``requisition.requisition_in``)
or serves them as a paged feed (``/feeds/requisitions``, for
``requisition.requisition_pull``); its contract repository serves supplier
contracts as a paged feed (``/feeds/contracts``, for
``contract.contract_pull``); it records the statuses Odoo sends back
(``POST /requisitions/status``): the approval decision, who took it, and the
purchase order numbers. Drive it from Python (``EprocurementSimulator.
send_requisition(document)``), from its page ``GET /_sim/eprocurement``, or
run it::

    python tests/simulators/eprocurement_simulator.py --port 8088 --name demo
"""

import copy
import datetime as dt
import html
import json
import os
import sys
from pathlib import Path
from urllib.parse import parse_qs

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import partner_simulator as base  # noqa: E402

# bin/start runs this simulator for the requisition demo backend on this port
DEMO_PORT = 8088
# the story buttons (bin/start prints this page)
DEMO_PAGE = "/_sim/eprocurement"
BACKEND = "demo_eprocurement"
ODOO_URL = os.environ.get("HC_ODOO_URL") or "http://127.0.0.1:8069"
FEED = "requisitions"
CONTRACT_FEED = "contracts"
CONTRACT_FEED_PATH = f"/feeds/{CONTRACT_FEED}"
STATUS_PATH = "/requisitions/status"
PAGE = DEMO_PAGE


def demo_requisitions():
    """Three requisitions of Riverside General: a small restock (under every
    threshold), a ward's pumps (two approval tiers) and one naming a cost
    centre Odoo does not know yet (a mapping exception)."""
    return [
        {
            "id": "REQ-2026-0101",
            "requisition_id": "REQ-2026-0101",
            "updated_at": "2026-12-01T08:00:00",
            "requester": "demo",
            "cost_centre": "CC-4100",
            "description": "Ward 4 weekly restock",
            "date_required": "2026-12-10",
            "lines": [
                {
                    "line": 1,
                    "item": "100234",
                    "quantity": 20,
                    "uom": "BX",
                    "unit_price": 8.75,
                    "description": "Nitrile gloves M",
                },
                {
                    "line": 2,
                    "item": "100871",
                    "quantity": 10,
                    "uom": "BX",
                    "unit_price": 14.20,
                    "description": "Syringes 10 ml",
                },
            ],
        },
        {
            "id": "REQ-2026-0102",
            "requisition_id": "REQ-2026-0102",
            "updated_at": "2026-12-01T09:00:00",
            "requester": "demo",
            "cost_centre": "CC-4100",
            "description": "Infusion pumps for the new oncology day unit",
            "date_required": "2027-01-15",
            "lines": [
                {
                    "line": 1,
                    "item": "300001",
                    "quantity": 6,
                    "uom": "EA",
                    "unit_price": 1450.0,
                    "description": "Infusion pump",
                },
            ],
        },
        {
            "id": "REQ-2026-0103",
            "requisition_id": "REQ-2026-0103",
            "updated_at": "2026-12-01T10:00:00",
            "requester": "demo",
            "cost_centre": "CC-9999",
            "description": "Dressings for the burns unit",
            "lines": [
                {
                    "line": 1,
                    "item": "100530",
                    "quantity": 40,
                    "uom": "BX",
                    "unit_price": 5.10,
                    "description": "Gauze sponges 4x4",
                },
            ],
        },
    ]


def demo_contracts(today=None):
    """The contract repository of the demo, valid around ``today``: Northbay's
    framework contract (gloves and syringes below the catalog price), an
    extension of it overlapping its period for gloves (refused: one price per
    item and day), and one whose end comes before its start (refused)."""
    year = (today or dt.date.today()).year
    supplier = {"code": "V-4471", "gln": "0860002000015"}
    return [
        {
            "id": "CTR-NB-FRAMEWORK",
            "contract_id": "CTR-NB-FRAMEWORK",
            "updated_at": f"{year}-01-02T08:00:00",
            "reference": f"Northbay Medical Supply framework {year}-{year + 1}",
            "supplier": supplier,
            "date_start": f"{year}-01-01",
            "date_end": f"{year + 1}-12-31",
            "lines": [
                {"item": "100234", "quantity": 5000, "uom": "BX", "unit_price": 8.40},
                {"item": "100871", "quantity": 2000, "uom": "BX", "unit_price": 14.20},
            ],
        },
        {
            "id": "CTR-NB-GLOVES-EXT",
            "contract_id": "CTR-NB-GLOVES-EXT",
            "updated_at": f"{year}-06-01T08:00:00",
            "reference": "Northbay gloves extension",
            "supplier": supplier,
            "date_start": f"{year + 1}-07-01",
            "date_end": f"{year + 2}-06-30",
            "lines": [
                {"item": "100234", "quantity": 3000, "uom": "BX", "unit_price": 8.20}
            ],
        },
        {
            "id": "CTR-MD-MASKS",
            "contract_id": "CTR-MD-MASKS",
            "updated_at": f"{year}-06-02T08:00:00",
            "reference": "MedDistrib masks",
            "supplier": {"code": "MD-001"},
            "date_start": f"{year}-12-31",
            "date_end": f"{year}-01-01",
            "lines": [
                {"item": "100234", "quantity": 100, "uom": "BX", "unit_price": 9.00}
            ],
        },
    ]


class EprocurementSimulator(base.PartnerSimulator):
    """The partner simulator, as the hospital group's eProcurement platform."""

    def __init__(self, *args, odoo_url=None, backend=BACKEND, **kwargs):
        super().__init__(*args, **kwargs)
        self.odoo_url = odoo_url or ODOO_URL
        self.backend = backend
        self.requisitions = {}
        self.contracts = {}

    def load(self, requisitions, page_size=50):
        """Publish requisitions on the platform (and its feed)."""
        for item in requisitions:
            item = copy.deepcopy(item)
            item.setdefault("id", item["requisition_id"])
            self.requisitions[item["requisition_id"]] = item
        self.set_feed(FEED, list(self.requisitions.values()), page_size)

    def load_contracts(self, contracts, page_size=50):
        """Publish contracts in the repository (and its feed)."""
        for item in contracts:
            item = copy.deepcopy(item)
            item.setdefault("id", item["contract_id"])
            self.contracts[item["contract_id"]] = item
        self.set_feed(CONTRACT_FEED, list(self.contracts.values()), page_size)

    def statuses(self, ref=None):
        """The status documents Odoo sent, oldest first (of ``ref``)."""
        found = []
        for request in self.requests(path=STATUS_PATH, method="POST"):
            try:
                document = json.loads(request["body"])
            except ValueError:
                continue
            if ref is None or document.get("requisition_id") == ref:
                found.append(document)
        return found

    def send_requisition(self, ref_or_document, key=None):
        """POST a requisition to Odoo's webhook; (status, answer)."""
        document = ref_or_document
        if isinstance(ref_or_document, str):
            document = self.requisitions[ref_or_document]
        url = f"{self.odoo_url}/hc/webhook/{self.backend}/requisition.requisition_in"
        return self.call_webhook(url, document, idempotency_key=key)


class Handler(base.Handler):
    """The partner simulator's handler, with the platform's control page."""

    def control(self, url, body):
        if url.path != PAGE:
            return super().control(url, body)
        sim = self.sim
        note = ""
        if self.command == "POST":
            form = parse_qs(body.decode("utf-8", errors="replace"))
            ref = (form.get("ref") or [""])[0]
            try:
                status, answer = sim.send_requisition(ref)
                note = f"{ref}: HTTP {status} {answer}"
            except (KeyError, ValueError, OSError) as exc:
                note = f"{ref} not sent: {exc}"
        return self.reply(200, platform_page(sim, note), content_type="text/html")


def _held(text, document):
    """``text``, and why Odoo holds the document if it does: "P00043 (budget
    hold)"."""
    hold = document.get("hold") or {}
    return f"{text} ({hold['reason']} hold)" if hold.get("reason") else text


def platform_page(sim, note=""):
    rows = []
    for ref, item in sorted(sim.requisitions.items()):
        statuses = sim.statuses(ref)
        last = statuses[-1] if statuses else {}
        orders = ", ".join(
            _held(order["po_number"], order)
            for order in last.get("purchase_orders", [])
        )
        rows.append(
            f"<tr><td>{html.escape(ref)}</td><td>{html.escape(item['cost_centre'])}"
            f"</td><td>{len(item['lines'])}</td>"
            f"<td>{html.escape(_held(last.get('status', '-'), last))}</td>"
            f"<td>{html.escape(orders or '-')}</td><td><form method='post'>"
            f"<input type='hidden' name='ref' value='{html.escape(ref)}'>"
            f"<button>Send to Odoo</button></form></td></tr>"
        )
    table = "".join(rows) or "<tr><td colspan='6'>No requisition.</td></tr>"
    contracts = (
        "".join(
            f"<tr><td>{html.escape(ref)}</td>"
            f"<td>{html.escape(str(item.get('reference') or '-'))}</td>"
            f"<td>{html.escape(str(item.get('date_start')))} to "
            f"{html.escape(str(item.get('date_end')))}</td>"
            f"<td>{len(item.get('lines') or [])}</td></tr>"
            for ref, item in sorted(sim.contracts.items())
        )
        or "<tr><td colspan='4'>No contract.</td></tr>"
    )
    return f"""<!doctype html><html><head><meta charset="utf-8">
<title>eProcurement simulator</title></head><body style="font-family:sans-serif">
<h1>eProcurement platform: {html.escape(sim.name)}</h1>
<p>{html.escape(note)}</p>
<p>Requisitions of the platform, sent to {html.escape(sim.odoo_url)}; the
status is the last one Odoo sent back (with the reason of a hold: an order
held for budget is not placed until a budget holder releases it).</p>
<table><tr><th>Requisition</th><th>Cost centre</th><th>Lines</th><th>Status</th>
<th>Orders</th><th></th></tr>{table}</table>
<h2>Contract repository</h2>
<p>Served on {html.escape(CONTRACT_FEED_PATH)}; Odoo's flow <em>Contract pull</em>
fetches them (Run now).</p>
<table><tr><th>Contract</th><th>Reference</th><th>Validity</th><th>Lines</th></tr>
{contracts}</table>
<p><a href="/_sim/">Partner simulator controls</a></p></body></html>"""


class _Server(EprocurementSimulator):
    handler_class = Handler


def start(
    host="127.0.0.1",
    port=0,
    name="eprocurement",
    webhook_secret=None,
    odoo_url=None,
    backend=BACKEND,
    demo=True,
):
    """A running simulator (tests: port 0), the demo requisitions loaded."""
    sim = _Server(
        host=host,
        port=port,
        name=name,
        webhook_secret=webhook_secret,
        odoo_url=odoo_url,
        backend=backend,
    )
    sim.load(demo_requisitions() if demo else [])
    sim.load_contracts(demo_contracts() if demo else [])
    return sim.start()


def main(argv=None):
    args = base.parse_args(argv, port=DEMO_PORT, description=__doc__.splitlines()[0])
    return base.run_program(
        lambda a: start(a.host, a.port, a.name, a.webhook_secret),
        "eProcurement simulator",
        args,
        "eprocurement-sim",
        page=PAGE,
    )


if __name__ == "__main__":
    sys.exit(main())
