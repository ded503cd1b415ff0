"""The data of the critical-vs-bulk benchmark (``bench_critical.py``): the
demo's EHR and supplier connectors pointed at the simulators, the bulk flows
(a catalog import and an item pull) with their feeds, and stock to reserve."""

import json
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECRET = "bench-critical-secret"
ACCEPTED = (201, 202)  # the FHIR door's 201 Created: stored, applied by a job


def one(rpc, model, domain):
    [found] = rpc.execute(model, "search", domain, limit=1)
    return found


def catalog_lines(count):
    """Price lines of the distributor's demo items, each line its own key."""
    demo = json.loads(
        (ROOT / "tests" / "simulators" / "procurement" / "catalog.json").read_text()
    )
    codes = [item["item"] for item in demo]
    return [
        {
            "id": f"L{n}",
            "item": codes[n % len(codes)],
            "price": f"{5 + n % 997 / 100:.2f}",
            "min_qty": 1 + n // len(codes),
            "updated_at": f"2026-11-{1 + n // 100000:02d}T{n % 86400:05d}Z",
        }
        for n in range(count)
    ]


def pull_items(count):
    return [
        {"id": n, "updated_at": f"2026-11-01T{n:06d}Z", "name": f"Item {n}"}
        for n in range(count)
    ]


def setup(rpc, ehr, bulk, size):
    """The demo connectors on the simulators; the bulk flows; stock to reserve."""
    lines, items = size
    ehr_backend = one(rpc, "hc.backend", [("code", "=", "demo_ehr")])
    rpc.execute(
        "hc.backend",
        "write",
        [ehr_backend],
        {"base_url": ehr.url, "inbound_auth": "hmac", "webhook_secret": SECRET},
    )
    supplier_backend = one(rpc, "hc.backend", [("code", "=", "demo_meddistrib_json")])
    rpc.execute("hc.backend", "write", [supplier_backend], {"base_url": bulk.url})
    catalog = one(
        rpc,
        "hc.flow",
        [
            ("backend_id", "=", supplier_backend),
            ("flow_type_id.code", "=", "procurement.catalog_pull"),
        ],
    )
    rpc.execute(
        "hc.flow",
        "write",
        [catalog],
        {"endpoint": "/feeds/catalog", "batch_page_size": 500},
    )
    bulk_backend = rpc.execute(
        "hc.backend",
        "create",
        {
            "name": "Bench bulk feed",
            "code": f"bench_bulk_{int(time.time())}",
            "base_url": bulk.url,
            "auth_type": "api_key",
            "credential_secret": "bench",
            "breaker_threshold": 0,
        },
    )
    pull = rpc.execute(
        "hc.flow",
        "create",
        {
            "name": "Bench 20,000-item pull",
            "code": "bench_items",
            "backend_id": bulk_backend,
            "flow_type_id": one(
                rpc, "hc.flow.type", [("code", "=", "core.receive_pull")]
            ),
            "endpoint": "/feeds/items",
            "batch_page_size": 500,
            "batch_interval_minutes": 10000,
        },
    )
    bulk.set_feed("catalog", catalog_lines(lines), page_size=500)
    bulk.set_feed("items", pull_items(items), page_size=500)
    return {"catalog": catalog, "pull": pull}


def stock_up(rpc, db_conn, ehr):
    """Send one SupplyRequest and put plenty of its item in its source store."""
    sent = ehr.send_supply_request(item="KIT-HIP-01", quantity=1, priority="stat")
    if sent["status"] not in ACCEPTED:
        raise RuntimeError(f"the EHR's request was refused: {sent}")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with db_conn.cursor() as cr:
            cr.execute(
                "SELECT m.product_id, m.location_id FROM stock_move m "
                "JOIN stock_picking p ON p.id = m.picking_id "
                "JOIN hc_ehr_supply_request r ON r.id = p.hc_ehr_request_id "
                "WHERE r.identifier = %s",
                (sent["id"],),
            )
            row = cr.fetchone()
        if row:
            break
        time.sleep(0.2)
    else:
        raise RuntimeError("the first SupplyRequest made no transfer")
    product, location = row
    quant = rpc.execute(
        "stock.quant",
        "create",
        {"product_id": product, "location_id": location, "inventory_quantity": 1e6},
        context={"inventory_mode": True},
    )
    rpc.execute("stock.quant", "action_apply_inventory", [quant])
