"""An X12 supplier's answers to the orders it received (Northbay Medical
Supply in the demo): the 855 acknowledgement with a backorder, the 856 ship
notice with lots and serial numbers, the 810 invoice with a price variance,
posted to Odoo's signed webhooks or dropped in its SFTP in folder.

The procurement simulator (``procurement_simulator.py``) is one; the X12
codec is the procurement addon's database-free lib::

    body = sim.build_855("P00042")      # X12 bytes
    status, answer = sim.send_855("P00042")
"""

import datetime as dt
import importlib.util
import itertools
import os
import sys
from contextlib import suppress
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
if str(ROOT / "addons" / "healthcare_integration_core") not in sys.path:
    # the core's database-free lib (X12 codec), as package "lib"
    sys.path.append(str(ROOT / "addons" / "healthcare_integration_core"))

X12_BACKEND = "demo_northbay_x12"
SERIAL_ITEMS = {"NBP-3000"}
UNTRACKED_ITEMS = {"NBG-4402M", "NBS-1010LL", "NBM-5003", "NBM-5003X"}
# the answers the control page offers for an X12 order
PAGE_ANSWERS = ("855", "856", "810")


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


class X12Supplier:
    """An X12 supplier's side of the procurement simulator: the 850s it
    received (posted, or written to the SFTP out folder) and its answers.
    The simulator gives ``odoo_url``, ``sftp_root`` (None: no files),
    ``_order`` and ``call_webhook``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.x12_backend = X12_BACKEND
        self.controls = itertools.count(int(dt.datetime.now().strftime("%H%M")) * 10)
        self.lib = _load_lib()
        __import__("hc_procurement_lib.x12_documents")
        self.x12 = sys.modules["hc_procurement_lib.x12_documents"]
        # {po number: {line: quantity}}: what the 855 accepted now (the rest
        # backordered), then what the 856 shipped, so that the next answer
        # agrees with the last one, as a supplier's would
        self.accepted_now = {}
        self.shipped = {}

    def reset(self):
        super().reset()
        self.accepted_now.clear()
        self.shipped.clear()

    def x12_orders(self):
        """{po number: order dict} of the 850s received: posted, and, with a
        file folder (``sftp_root``, the demo's SFTP server), written by Odoo
        into its out folder."""
        found = {}
        if self.sftp_root:
            outbox = Path(self.sftp_root) / "out"
            for path in sorted(outbox.glob("*.x12")) if outbox.is_dir() else []:
                body = path.read_bytes()
                if not body.startswith(b"ISA"):
                    continue
                with suppress(ValueError):
                    for order in self.x12.read_850(body):
                        found[order["po_number"]] = {"format": "x12-file", **order}
        for request in self.requests(method="POST"):
            if request["body"].startswith("ISA"):
                for order in self.x12.read_850(request["body"].encode()):
                    found[order["po_number"]] = {"format": "x12", **order}
        return found

    def x12_senders(self):
        """{page action: method} of the X12 answers."""
        return {"855": self.send_855, "856": self.send_856, "810": self.send_810}

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

    @staticmethod
    def _priced_line(number, code, qty, uom, price):
        """A line of an 855 or 810: the order's line, item, quantity, price."""
        return {
            "line_number": number,
            "quantity": qty,
            "uom": uom,
            "unit_price": price,
            "basis": "PE",
            "ids": {"VP": code},
        }

    # ---------------------------------------------------------------- 855

    def build_855(self, po_number):
        """Every line accepted, but the second: half now, half backordered."""
        order = self._order(po_number)
        today = dt.date.today()
        lines = []
        accepted = self.accepted_now[po_number] = {}
        for index, (number, code, qty, uom, price) in enumerate(self._lines(order)):
            accepted[number] = qty
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
                now = accepted[number] = (qty / 2).to_integral_value()
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
                {**self._priced_line(number, code, qty, uom, price), "acks": acks}
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
        """A shipment of ``shipped`` {line: qty} (default: what the 855
        accepted now, without the backorder; everything ordered without an
        855)."""
        order = self._order(po_number)
        today = dt.date.today()
        items = []
        shipped = shipped or self.accepted_now.get(po_number) or {}
        self.shipped[po_number] = sent = {}
        for number, code, qty, uom, _price in self._lines(order):
            qty = sent[number] = Decimal(str(shipped.get(number, qty)))
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
        """An invoice of what was shipped (of the order, without an 856),
        line 1 at ``price_factor`` times its price."""
        order = self._order(po_number)
        lines, total = [], Decimal(0)
        shipped = self.shipped.get(po_number, {})
        for index, (number, code, qty, uom, price) in enumerate(self._lines(order)):
            qty = shipped.get(number, qty)
            if not qty:
                continue
            if index == 0:
                price = (price * Decimal(price_factor)).quantize(Decimal("0.01"))
            total += (qty * price).quantize(Decimal("0.01"))
            lines.append(self._priced_line(number, code, qty, uom, price))
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
