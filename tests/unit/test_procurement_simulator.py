"""The procurement simulator answers the orders it received like a supplier."""

import itertools
import sys
from decimal import Decimal as D

import procurement_simulator
import pytest
import requests
from x12_validator import problems


@pytest.fixture(scope="module")
def sim():
    simulator = procurement_simulator.start(name="unit", webhook_secret="s")
    yield simulator
    simulator.stop()


def post_850(sim):
    x12d = sys.modules["hc_procurement_lib.x12_documents"]
    order = {
        "purpose": "00",
        "type": "SA",
        "po_number": "P77",
        "lines": [
            {
                "line_number": "1",
                "quantity": D(20),
                "uom": "BX",
                "unit_price": D("8.75"),
                "ids": {"VP": "NBG-4402M"},
            },
            {
                "line_number": "2",
                "quantity": D(10),
                "uom": "EA",
                "unit_price": D("1450"),
                "ids": {"VP": "NBP-3000"},
            },
        ],
    }
    body = x12d.build_850(
        order,
        {"sender_id": "H", "receiver_id": "S"},
        itertools.count(1).__next__,
        "004010",
    )
    response = requests.post(f"{sim.url}/northbay/edi/850", data=body, timeout=5)
    assert response.status_code == 200


def test_answers_an_850_with_855_856_810(sim):
    post_850(sim)
    x12d = sys.modules["hc_procurement_lib.x12_documents"]
    assert set(sim.orders()) == {"P77"}
    [ack] = x12d.read_855(sim.build_855("P77"))
    assert [a["status"] for a in ack["lines"][1]["acks"]] == ["accepted", "backordered"]
    assert [a["quantity"] for a in ack["lines"][1]["acks"]] == [D(5), D(5)]
    # the 856 ships what the 855 accepted now, the 810 bills what was shipped
    [asn] = x12d.read_856(sim.build_856("P77"))
    lines = asn["orders"][0]["lines"]
    assert [line["quantity"] for line in lines] == [D(20), D(5)]
    assert len(lines[1]["serials"]) == 5
    [invoice] = x12d.read_810(sim.build_810("P77"))
    assert invoice["lines"][0]["unit_price"] == D("9.62")
    assert [line["quantity"] for line in invoice["lines"]] == [D(20), D(5)]
    # what it writes passes a partner's validator (BSN04, TDS included)
    for body in (sim.build_855("P77"), sim.build_856("P77"), sim.build_810("P77")):
        assert problems(body) == []
    with pytest.raises(ValueError, match="no order"):
        sim.build_855("NOPE")


def test_serves_the_catalog_feed_and_its_page(sim):
    page = requests.get(f"{sim.url}/feeds/meddistrib-catalog", timeout=5).json()
    assert {item["item"] for item in page["items"]} >= {"NBG-4402M", "XX-UNKNOWN-1"}
    html = requests.get(f"{sim.url}/_sim/procurement", timeout=5).text
    assert "Procurement simulator" in html
