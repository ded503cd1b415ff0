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

import html
import json
import os
import sys
from pathlib import Path
from urllib.parse import parse_qs

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import partner_simulator as base  # noqa: E402
import procurement_peppol as peppol  # noqa: E402
import procurement_x12 as x12  # noqa: E402

# bin/start runs this simulator for the procurement demo backends on this port
DEMO_PORT = 8081
# the story buttons (bin/start prints this page)
DEMO_PAGE = "/_sim/procurement"
JSON_BACKEND = "demo_meddistrib_json"
ODOO_URL = os.environ.get("HC_ODOO_URL") or "http://127.0.0.1:8069"
CATALOG_FEED = "meddistrib-catalog"
PAGE = DEMO_PAGE


def demo_catalog():
    """The distributor's price list (with one unknown item and one unknown unit)."""
    items = json.loads((HERE / "procurement" / "catalog.json").read_text())
    return [dict(item, id=item.get("id") or item["item"]) for item in items]


class ProcurementSimulator(
    x12.X12Supplier, peppol.PeppolSupplier, base.PartnerSimulator
):
    """The partner simulator, answering orders with X12, JSON and Peppol."""

    def __init__(self, *args, odoo_url=None, sftp_root=None, **kwargs):
        # the demo's SFTP folder: X12 over files instead of webhooks
        self.sftp_root = sftp_root or os.environ.get("HC_DEMO_SFTP_ROOT") or None
        super().__init__(*args, **kwargs)
        self.odoo_url = odoo_url or ODOO_URL

    # ---------------------------------------------------------------- orders

    def orders(self):
        """{po number: order dict} of the orders received: X12 850s (posted or
        as files), Peppol orders and JSON orders."""
        found = self.x12_orders()
        found.update(self.peppol_orders())
        for request in self.requests(method="POST"):
            if not request["body"].startswith("{"):
                continue
            try:
                order = json.loads(request["body"])
            except ValueError:
                continue
            if isinstance(order, dict) and order.get("action") == "order":
                found[order["po_number"]] = {"format": "json", **order}
        return found

    def _order(self, po_number):
        order = self.orders().get(po_number)
        if not order:
            raise ValueError(f"no order {po_number} received")
        return order


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
            senders = {**sim.x12_senders(), **sim.peppol_senders()}
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
        answers = peppol.PAGE_ANSWERS.get(order["format"], ())
        if order["format"] in ("x12", "x12-file"):
            answers = x12.PAGE_ANSWERS
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
