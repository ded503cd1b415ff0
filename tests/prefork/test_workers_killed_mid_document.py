"""Exactly-once business effects when the worker applying a document dies.

One test per domain, on the demo data of the test database, against the
prefork server bin/test started: a document arrives as its partner sends it,
the worker applying it is held half-way (``hc_crash_probe``) and killed with
SIGKILL, and after recovery the test asserts that the effect exists exactly
once, that nothing half-written remains, that the message is done, and that
the partner got each answer once. The demo connectors point at simulators of
this test for the time of each test.
"""

import contextlib
import datetime as dt
import itertools
import threading
import time

import pytest
from asset_simulator import EamSimulator
from crash_probe import CrashProbe, backend_id, calls_with_key, flow_code, xmlid
from ehr_simulator import EhrSimulator
from partner_simulator import PartnerSimulator

SECRET = "crash-probe-secret"


@pytest.fixture(scope="module")
def probe(odoo, psql):
    probe = CrashProbe(odoo, psql)
    yield probe
    probe.release()


@contextlib.contextmanager
def partner_on(odoo, code, simulator, **values):
    """The demo backend ``code`` pointed at ``simulator`` (and signing with
    its secret) for the time of the block."""
    backend = backend_id(odoo, code)
    kept = ["base_url", *(k for k in values if k != "webhook_secret")]
    before = odoo.execute("hc.backend", "read", [backend], kept)[0]
    before.pop("id")
    simulator.start()
    odoo.execute(
        "hc.backend",
        "write",
        [backend],
        {"base_url": simulator.url, "webhook_secret": SECRET, **values},
    )
    try:
        yield backend
    finally:
        odoo.execute("hc.backend", "write", [backend], before)
        simulator.stop()


def stamp():
    return time.strftime("%H%M%S") + f"{int(time.time() * 1000) % 1000:03d}"


def inbound_after_crash(odoo, probe, since, backend, point):
    """The document's message, recovered after its worker was killed at
    ``point``; its job ran again."""
    probe.kill_held(point)
    [message] = probe.messages(since, [backend], "inbound")
    assert probe.recover("hc.message", message["id"]) == "done", message
    state, started = probe.job(message["id"])
    assert (state, started > 1) == ("done", True), "cut off, then run again"
    [message] = odoo.execute(
        "hc.message", "read", [message["id"]], ["state", "attempt_count"]
    )
    return message


def test_a_supply_request_reserves_its_transfer_once(odoo, probe):
    sim = EhrSimulator(name="crash-ehr", webhook_secret=SECRET, odoo_url=odoo.url)
    with partner_on(odoo, "demo_ehr", sim, inbound_auth="hmac") as backend:
        since = probe.mark()
        probe.hold_at("ehr.supply_request")
        sent = sim.send_supply_request(item="KIT-HIP-01", quantity=1, priority="stat")
        assert sent["status"] in (200, 201, 202), sent
        message = inbound_after_crash(odoo, probe, since, backend, "ehr.supply_request")
        assert message["state"] == "done"
        requests = odoo.execute(
            "hc.ehr.supply.request",
            "search_read",
            [("backend_id", "=", backend), ("identifier", "=", sent["id"])],
            ["name", "picking_ids"],
        )
        assert len(requests) == 1, requests
        [request] = requests
        pickings = odoo.execute(
            "stock.picking",
            "search_read",
            [("hc_ehr_request_id", "=", request["id"])],
            ["state"],
        )
        # reserved, or waiting for the replenishment it asked (the demo's
        # stock runs out after a few runs on one database)
        assert len(pickings) == 1, pickings
        assert pickings[0]["state"] in ("assigned", "confirmed"), pickings
        moves = odoo.execute(
            "stock.move",
            "search_read",
            [("picking_id", "=", pickings[0]["id"])],
            ["product_uom_qty"],
        )
        assert [m["product_uom_qty"] for m in moves] == [1.0], moves
        groups = odoo.execute(
            "procurement.group", "search_count", [("name", "=", request["name"])]
        )
        assert groups == 1, "one procurement group: the killed one rolled back"
        # the EHR's FHIR server takes each call as new: one call per answer
        probe.answered_once(since, [backend], lambda key: calls_with_key(sim, key))


def test_a_supplier_invoice_is_imported_and_matched_once(odoo, probe):
    sim = PartnerSimulator(name="crash-supplier", webhook_secret=SECRET)
    with partner_on(odoo, "demo_meddistrib_json", sim) as backend:
        [supplier] = odoo.execute(
            "res.partner", "search", [("hc_procurement_backend_id", "=", backend)]
        )
        # two products the distributor sells under codes of its own
        products = odoo.execute(
            "product.product",
            "search",
            [("purchase_ok", "=", True), ("type", "=", "consu")],
            limit=2,
        )
        infos = [
            {"product_id": product, "product_code": f"MD-CRASH-{n}", "price": 10.0}
            for n, product in enumerate(products, 1)
        ]
        for info in infos:
            odoo.execute(
                "product.supplierinfo",
                "create",
                {
                    "partner_id": supplier,
                    "product_tmpl_id": odoo.read_one(
                        "product.product", info["product_id"], ["product_tmpl_id"]
                    )["product_tmpl_id"][0],
                    "product_id": info["product_id"],
                    "product_code": info["product_code"],
                    "price": info["price"],
                },
            )
        order_id = odoo.execute(
            "purchase.order",
            "create",
            {
                "partner_id": supplier,
                "order_line": [
                    (0, 0, {"product_id": i["product_id"], "product_qty": 5})
                    for i in infos
                ],
            },
        )
        odoo.execute("purchase.order", "button_confirm", [order_id])
        [order] = odoo.execute("purchase.order", "read", [order_id], ["name"])
        number = f"CRASH-INV-{stamp()}"
        invoice = {
            "invoice_number": number,
            "date": dt.date.today().isoformat(),
            "po_number": order["name"],
            "lines": [
                {
                    "line_number": n,
                    "item": i["product_code"],
                    "quantity": 5,
                    "unit_price": i["price"],
                }
                for n, i in enumerate(infos, 1)
            ],
        }
        flow_id, code = flow_code(odoo, backend, "procurement.invoice_in")
        since = probe.mark()
        probe.hold_at("procurement.invoice")
        status, answer = sim.call_webhook(
            f"{odoo.url}/hc/webhook/demo_meddistrib_json/{code}",
            invoice,
            idempotency_key=number,
        )
        assert status == 202, answer
        inbound_after_crash(odoo, probe, since, backend, "procurement.invoice")
        bills = odoo.execute(
            "account.move",
            "search_read",
            [("partner_id", "=", supplier), ("ref", "=", number)],
            ["hc_match_state", "invoice_line_ids", "hc_match_line_ids"],
        )
        assert len(bills) == 1, bills
        [bill] = bills
        assert bill["hc_match_state"], bill
        assert len(bill["invoice_line_ids"]) == len(infos)
        # one match line per bill line: the cut-off match left none
        assert len(bill["hc_match_line_ids"]) == len(infos), bill
        probe.answered_once(since, [backend], sim.deliveries)


def last_month():
    first = dt.date.today().replace(day=1)
    end = first - dt.timedelta(days=1)
    return end.replace(day=1).isoformat(), end.isoformat()


def test_a_payroll_result_is_posted_once(odoo, probe):
    sim = PartnerSimulator(name="crash-payroll", webhook_secret=SECRET)
    with partner_on(odoo, "demo_payroll_provider", sim) as backend:
        [provider] = odoo.execute(
            "hc.payroll.provider",
            "search_read",
            [("backend_id", "=", backend)],
            ["currency_id"],
        )
        start, end = last_month()
        run = f"CRASH-RUN-{stamp()}"
        document = {
            "run_id": run,
            "revision": 1,
            "period": {"start": start, "end": end},
            "pay_date": end,
            "currency": provider["currency_id"][1],
            "employees": [
                {
                    "employee_id": "E1001",
                    "national_id": "987-65-1001",
                    "bank_account": "DE89 3704 0044 0532 0130 01",
                    "gross": [{"code": "REG", "amount": 1000.0}],
                    "employer_charges": [{"code": "ER_SS", "amount": 237.5}],
                    "deductions": [
                        {"code": "EE_TAX", "amount": 200.0},
                        {"code": "EE_SS", "amount": 110.0},
                    ],
                    "net": 690.0,
                }
            ],
        }
        _flow_id, code = flow_code(odoo, backend, "payroll.results")
        since = probe.mark()
        probe.hold_at("payroll.results")
        status, answer = sim.call_webhook(
            f"{odoo.url}/hc/webhook/demo_payroll_provider/{code}",
            document,
            idempotency_key=f"{run}/rev1",
        )
        assert status == 202, answer
        inbound_after_crash(odoo, probe, since, backend, "payroll.results")
        results = odoo.execute(
            "hc.payroll.result",
            "search_read",
            [("run_id", "=", run)],
            ["state", "move_id"],
        )
        assert [r["state"] for r in results] == ["posted"], results
        entries = odoo.execute(
            "account.move",
            "search_read",
            [("ref", "=like", f"Payroll {run} %")],
            ["state"],
        )
        assert [e["id"] for e in entries] == [results[0]["move_id"][0]], entries
        assert entries[0]["state"] == "posted"
        probe.answered_once(since, [backend], sim.deliveries)


def test_a_capital_receipt_creates_equipment_and_assets_once(odoo, probe):
    sim = EamSimulator(name="crash-eam", webhook_secret=SECRET)
    # asset ids the EAM has not given before in this database
    sim._counter = itertools.count(int(time.time()))
    with partner_on(odoo, "eam_demo", sim) as backend:
        product = xmlid(odoo, "healthcare_integration_asset.demo_product_pump")
        order_id = odoo.execute(
            "purchase.order",
            "create",
            {
                "partner_id": xmlid(odoo, "healthcare_integration_asset.demo_vendor"),
                "picking_type_id": xmlid(
                    odoo, "healthcare_integration_asset.demo_picking_type_biomed"
                ),
                "order_line": [
                    (
                        0,
                        0,
                        {"product_id": product, "product_qty": 2, "price_unit": 2450},
                    )
                ],
            },
        )
        odoo.execute("purchase.order", "button_confirm", [order_id])
        [order] = odoo.execute("purchase.order", "read", [order_id], ["picking_ids"])
        [picking] = order["picking_ids"]
        [move] = odoo.execute(
            "stock.move",
            "search_read",
            [("picking_id", "=", picking)],
            ["location_id", "location_dest_id", "product_uom", "move_line_ids"],
        )
        odoo.execute("stock.move.line", "unlink", move["move_line_ids"])
        serials = [f"CRASH-{stamp()}-{n}" for n in (1, 2)]
        odoo.execute(
            "stock.move.line",
            "create",
            [
                {
                    "move_id": move["id"],
                    "picking_id": picking,
                    "product_id": product,
                    "product_uom_id": move["product_uom"][0],
                    "location_id": move["location_id"][0],
                    "location_dest_id": move["location_dest_id"][0],
                    "lot_name": serial,
                    "quantity": 1,
                }
                for serial in serials
            ],
        )
        odoo.execute("stock.move", "write", [move["id"]], {"picked": True})
        since = probe.mark()
        probe.hold_at("asset.receipt")
        # the storekeeper's click, whose worker is killed half-way: the
        # browser sees the request fail and the storekeeper clicks again
        cut_off = []
        clicker = threading.Thread(
            target=lambda: cut_off.append(
                _failure(
                    lambda: odoo.execute("stock.picking", "button_validate", [picking])
                )
            )
        )
        clicker.start()
        probe.kill_held("asset.receipt")
        clicker.join(60)
        assert cut_off and cut_off[0], f"the first click went through: {cut_off}"
        [state] = odoo.execute("stock.picking", "read", [picking], ["state"])
        assert state["state"] != "done", "nothing of the killed click remains"
        assert not equipment_of(odoo, serials)
        odoo.execute("stock.picking", "button_validate", [picking])
        equipment = equipment_of(odoo, serials)
        assert sorted(e["serial_no"] for e in equipment) == sorted(serials)
        assets = odoo.execute(
            "account.asset",
            "search_read",
            [("hc_equipment_id", "in", [e["id"] for e in equipment])],
            ["hc_equipment_id"],
        )
        assert sorted(a["hc_equipment_id"][0] for a in assets) == sorted(
            e["id"] for e in equipment
        ), "one asset per equipment"
        assert {e["hc_asset_id"][0] for e in equipment} == {a["id"] for a in assets}
        # the EAM registers an asset once per key (a replay gets the same id)
        # and each equipment keeps the id the EAM gave its key
        answers = probe.answered_once(
            since, [backend], lambda key: int(key.rsplit("/r", 1)[0] in sim._ids)
        )
        assert len(answers) == len(serials), answers
        refs = odoo.execute(
            "maintenance.equipment",
            "read",
            [e["id"] for e in equipment],
            ["hc_eam_ref"],
        )
        assert sorted(r["hc_eam_ref"] for r in refs) == sorted(
            sim._ids[f"equipment/{r['id']}"] for r in refs
        ), refs


def equipment_of(odoo, serials):
    return odoo.execute(
        "maintenance.equipment",
        "search_read",
        [("serial_no", "in", serials), ("active", "in", [True, False])],
        ["serial_no", "hc_asset_id"],
    )


def _failure(call):
    try:
        call()
    except Exception as exc:  # noqa: BLE001  the cut-off request, whatever it raised
        return repr(exc)
    return None
