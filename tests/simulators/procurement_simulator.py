"""Suppliers of the procurement demo and tests, on HTTP: a JSON distributor
and an X12 supplier behind one partner simulator.

It accepts what Odoo sends (orders as JSON, X12 850 or UBL; receipts; payment
statuses), serves the distributor's catalog as a paged feed, and answers
orders the way suppliers do, through Odoo's signed webhooks: an 855 with a
backorder, an 856 with lots and serial numbers, an 810 with a price variance.
Drive it from Python (``ProcurementSimulator.send_855(po)``...), from its
page ``GET /_sim/procurement``, or run it::

    python tests/simulators/procurement_simulator.py --port 8081 --name demo
"""

import datetime as dt
import html
import importlib.util
import itertools
import json
import os
import sys
from contextlib import suppress
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
if str(ROOT / "addons" / "healthcare_integration_core") not in sys.path:
    # the core's database-free lib (X12 codec), as package "lib"
    sys.path.append(str(ROOT / "addons" / "healthcare_integration_core"))

import partner_simulator as base  # noqa: E402
import procurement_peppol as peppol  # noqa: E402

# bin/start runs this simulator for the procurement demo backends on this port
DEMO_PORT = 8081
# the story buttons (bin/start prints this page)
DEMO_PAGE = "/_sim/procurement"
X12_BACKEND = "demo_northbay_x12"
JSON_BACKEND = "demo_meddistrib_json"
ODOO_URL = os.environ.get("HC_ODOO_URL") or "http://127.0.0.1:8069"
CATALOG_FEED = "meddistrib-catalog"
SERIAL_ITEMS = {"NBP-3000"}
UNTRACKED_ITEMS = {"NBG-4402M", "NBS-1010LL", "NBM-5003", "NBM-5003X"}
PAGE = DEMO_PAGE


def _load_lib():
    """The procurement addon's database-free lib, under its own name."""
    name = "hc_procurement_lib"
    if name in sys.modules:
        return sys.modules[name]
    folder = ROOT / "addons" / "healthcare_integration_procurement" / "lib"
    spec = importlib.util.spec_from_file_location(
        name, folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def demo_catalog():
    """The distributor's price list (with one unknown item and one unknown unit)."""
    items = json.loads((HERE / "procurement" / "catalog.json").read_text())
    return [dict(item, id=item.get("id") or item["item"]) for item in items]


class ProcurementSimulator(peppol.PeppolSupplier, base.PartnerSimulator):
    """The partner simulator, answering orders with X12, JSON and Peppol."""

    def __init__(self, *args, odoo_url=None, sftp_root=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.odoo_url = odoo_url or ODOO_URL
        # the demo's SFTP folder: X12 over files instead of webhooks
        self.sftp_root = sftp_root or os.environ.get("HC_DEMO_SFTP_ROOT") or None
        self.x12_backend = X12_BACKEND
        self.controls = itertools.count(int(dt.datetime.now().strftime("%H%M")) * 10)
        lib = _load_lib()
        __import__("hc_procurement_lib.x12_documents")
        self.x12 = sys.modules["hc_procurement_lib.x12_documents"]
        self.lib = lib

    # ---------------------------------------------------------------- orders

    def orders(self):
        """{po number: order dict} of the 850s and JSON orders received.

        With a file folder (``sftp_root``, the demo's SFTP server), 850 files
        Odoo wrote into its out folder count too.
        """
        found = self._file_orders()
        found.update(self.peppol_orders())
        for request in self.requests(method="POST"):
            body = request["body"]
            if body.startswith("ISA"):
                for order in self.x12.read_850(body.encode()):
                    found[order["po_number"]] = {"format": "x12", **order}
            elif body.startswith("{"):
                try:
                    order = json.loads(body)
                except ValueError:
                    continue
                if isinstance(order, dict) and order.get("action") == "order":
                    found[order["po_number"]] = {"format": "json", **order}
        return found

    def _file_orders(self):
        found = {}
        if not self.sftp_root:
            return found
        outbox = Path(self.sftp_root) / "out"
        for path in sorted(outbox.glob("*.x12")) if outbox.is_dir() else []:
            body = path.read_bytes()
            if not body.startswith(b"ISA"):
                continue
            with suppress(ValueError):
                for order in self.x12.read_850(body):
                    found[order["po_number"]] = {"format": "x12-file", **order}
        return found

    def _order(self, po_number):
        order = self.orders().get(po_number)
        if not order:
            raise ValueError(f"no order {po_number} received")
        return order

    def _envelope(self):
        return {"sender_id": "NORTHBAYMED", "receiver_id": "RIVERSIDEGH"}

    def _x12(self, set_id, record):
        interchange = self.x12.x12_maps.build_document(
            set_id, record, self._envelope(), self.controls.__next__, "004010"
        )
        return self.x12.x12.serialize(interchange)

    @staticmethod
    def _lines(order):
        return [
            (
                str(line["line_number"]),
                line.get("ids", {}).get("VP") or line.get("item"),
                Decimal(str(line["quantity"])),
                line.get("uom") or "EA",
                Decimal(str(line["unit_price"])),
            )
            for line in order["lines"]
        ]

    # ---------------------------------------------------------------- 855

    def build_855(self, po_number):
        """Every line accepted, but the second: half now, half backordered."""
        order = self._order(po_number)
        today = dt.date.today()
        lines = []
        for index, (number, code, qty, uom, price) in enumerate(self._lines(order)):
            acks = [
                {
                    "status": "IA",
                    "quantity": qty,
                    "uom": uom,
                    "date_qualifier": "068",
                    "date": today + dt.timedelta(days=2),
                }
            ]
            if index == 1 and qty > 1:
                now = (qty / 2).to_integral_value()
                acks = [
                    {**acks[0], "quantity": now},
                    {
                        "status": "IB",
                        "quantity": qty - now,
                        "uom": uom,
                        "date_qualifier": "068",
                        "date": today + dt.timedelta(days=10),
                    },
                ]
            lines.append(
                {
                    "line_number": number,
                    "quantity": qty,
                    "uom": uom,
                    "unit_price": price,
                    "basis": "PE",
                    "ids": {"VP": code},
                    "acks": acks,
                }
            )
        record = {
            "purpose": "00",
            "ack_type": "AC",
            "po_number": po_number,
            "date": today,
            "reference": f"SO-{po_number}",
            "lines": lines,
        }
        return self._x12("855", record)

    # ---------------------------------------------------------------- 856

    def build_856(self, po_number, shipped=None):
        """A shipment of ``shipped`` {line: qty} (default: everything ordered)."""
        order = self._order(po_number)
        today = dt.date.today()
        items = []
        for number, code, qty, uom, _price in self._lines(order):
            qty = Decimal(str((shipped or {}).get(number, qty)))
            if not qty:
                continue
            item = {
                "level": "I",
                "line_number": number,
                "ids": {"VP": code},
                "quantity": qty,
                "uom": uom,
                "dates": {"036": today + dt.timedelta(days=730)},
            }
            if code in SERIAL_ITEMS:
                item["serials"] = [f"{code}-{n:04d}" for n in range(1, int(qty) + 1)]
            elif code not in UNTRACKED_ITEMS:
                item["lots"] = [f"LOT-{code}-{today:%y%m}"]
            items.append(item)
        hierarchy = [
            {
                "level": "S",
                "children": [{"level": "O", "po_number": po_number, "children": items}],
            }
        ]
        now = dt.datetime.now()
        record = {
            "purpose": "00",
            "shipment_id": f"ASN-{po_number}",
            "date": today,
            # BSN04 is mandatory in 004010 and 005010
            "time": dt.time(now.hour, now.minute),
            "structure": "0001",
            "hierarchy": hierarchy,
        }
        return self._x12("856", record)

    # ---------------------------------------------------------------- 810

    def build_810(self, po_number, price_factor="1.10"):
        """An invoice of the order, line 1 at ``price_factor`` times its price."""
        order = self._order(po_number)
        lines, total = [], Decimal(0)
        for index, (number, code, qty, uom, price) in enumerate(self._lines(order)):
            if index == 0:
                price = (price * Decimal(price_factor)).quantize(Decimal("0.01"))
            total += (qty * price).quantize(Decimal("0.01"))
            lines.append(
                {
                    "line_number": number,
                    "quantity": qty,
                    "uom": uom,
                    "unit_price": price,
                    "basis": "PE",
                    "ids": {"VP": code},
                }
            )
        record = {
            "date": dt.date.today(),
            "invoice_number": f"INV-{po_number}",
            "po_number": po_number,
            "currency": order.get("currency") or "USD",
            "parties": [
                {
                    "qualifier": "RE",
                    "name": "NORTHBAY MEDICAL SUPPLY",
                    "id_qualifier": "UL",
                    "id": "0860002000015",
                }
            ],
            "lines": lines,
            # TDS01 (the invoice total, N2) is mandatory
            "totals": {"amount": total},
        }
        return self._x12("810", record)

    # ---------------------------------------------------------------- webhooks

    def post_x12(self, flow_code, body, key=None):
        """POST an X12 document to Odoo's webhook; (status, answer)."""
        url = f"{self.odoo_url}/hc/webhook/{self.x12_backend}/{flow_code}"
        return self.call_webhook(
            url,
            body,
            idempotency_key=key,
            headers={"Content-Type": "application/edi-x12"},
        )

    def drop_x12(self, set_id, po_number, body):
        """Write an X12 document into Odoo's in folder (atomically); (201, path)."""
        inbox = Path(self.sftp_root) / "in"
        inbox.mkdir(parents=True, exist_ok=True)
        target = inbox / f"{set_id}_{po_number.replace('/', '_')}.x12"
        temporary = inbox / f".hc-tmp-{target.name}"
        temporary.write_bytes(body)
        os.replace(temporary, target)
        return 201, str(target)

    def _send(self, set_id, flow_code, po_number, body):
        if self._order(po_number)["format"] == "x12-file":
            return self.drop_x12(set_id, po_number, body)
        return self.post_x12(flow_code, body)

    def send_855(self, po_number):
        return self._send(
            "855", "procurement.ack_in_x12", po_number, self.build_855(po_number)
        )

    def send_856(self, po_number):
        return self._send(
            "856", "procurement.asn_in_x12", po_number, self.build_856(po_number)
        )

    def send_810(self, po_number):
        return self._send(
            "810", "procurement.invoice_in_x12", po_number, self.build_810(po_number)
        )


# -------------------------------------------------------------------- HTTP control


class Handler(base.Handler):
    """The partner simulator's handler, with the procurement control page."""

    def control(self, url, body):
        if url.path != PAGE:
            return super().control(url, body)
        sim = self.sim
        if self.command == "POST":
            form = parse_qs(body.decode("utf-8", errors="replace"))
            po_number = (form.get("po") or [""])[0]
            action = (form.get("action") or [""])[0]
            senders = {"855": sim.send_855, "856": sim.send_856, "810": sim.send_810}
            senders.update(sim.peppol_senders())
            try:
                status, answer = senders[action](po_number)
                note = f"{action} for {po_number}: HTTP {status} {answer}"
            except (KeyError, ValueError, OSError) as exc:
                note = f"{action} for {po_number} failed: {exc}"
            return self.reply(
                200, procurement_page(sim, note), content_type="text/html"
            )
        return self.reply(200, procurement_page(sim), content_type="text/html")


def procurement_page(sim, note=""):
    rows = []
    for po_number, order in sorted(sim.orders().items()):
        x12 = ("855", "856", "810") if order["format"] in ("x12", "x12-file") else ()
        answers = peppol.PAGE_ANSWERS.get(order["format"], x12)
        buttons = (
            "".join(
                f'<button name="action" value="{a}">Send {a}</button>' for a in answers
            )
            if answers
            else "(JSON order)"
        )
        rows.append(
            f"<tr><td>{html.escape(po_number)}</td><td>{order['format']}</td>"
            f"<td>{len(order['lines'])}</td><td><form method='post'>"
            f"<input type='hidden' name='po' value='{html.escape(po_number)}'>"
            f"{buttons}</form></td></tr>"
        )
    table = "".join(rows) or "<tr><td colspan='4'>No order received yet.</td></tr>"
    return f"""<!doctype html><html><head><meta charset="utf-8">
<title>Procurement simulator</title></head><body style="font-family:sans-serif">
<h1>Procurement simulator: {html.escape(sim.name)}</h1>
<p>{html.escape(note)}</p>
<p>Orders received; answer them as Northbay Medical Supply (X12) or Helios
Medical Benelux (Peppol) would, to {html.escape(sim.odoo_url)}.</p>
<table><tr><th>Order</th><th>Format</th><th>Lines</th><th></th></tr>{table}</table>
<p><a href="/_sim/">Partner simulator controls</a></p></body></html>"""


class _Server(ProcurementSimulator):
    handler_class = Handler


def start(
    host="127.0.0.1",
    port=0,
    name="procurement",
    webhook_secret=None,
    odoo_url=None,
    catalog=True,
):
    """A running simulator (tests: port 0), the demo catalog loaded."""
    sim = _Server(
        host=host,
        port=port,
        name=name,
        webhook_secret=webhook_secret,
        odoo_url=odoo_url,
    )
    if catalog:
        sim.set_feed(CATALOG_FEED, demo_catalog(), page_size=50)
    return sim.start()


def main(argv=None):
    args = base.parse_args(argv, port=DEMO_PORT, description=__doc__.splitlines()[0])
    return base.run_program(
        lambda a: start(a.host, a.port, a.name, a.webhook_secret),
        "procurement simulator",
        args,
        "procurement-sim",
        page=PAGE,
    )


if __name__ == "__main__":
    sys.exit(main())
