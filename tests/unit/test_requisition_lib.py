"""The requisition addon's database-free lib: reading a platform requisition,
its content digest (what a second copy is compared on), the platform status."""

from decimal import Decimal as D

import pytest
from addon_lib import addon_lib

lib = addon_lib("requisition", "requisitions")


def document(**values):
    base = {
        "requisition_id": "REQ-1",
        "requester": "nurse@example",
        "cost_centre": "CC-1",
        "lines": [
            {"line": 1, "item": "A", "quantity": "2", "unit_price": 1.5, "uom": "BX"},
            {"line": 2, "item": "B", "quantity": 1},
        ],
    }
    base.update(values)
    return base


def test_read_requisition():
    requisition = lib.read_requisition(document(date_required="2026-12-20"))
    assert requisition.ref == "REQ-1"
    assert requisition.item_codes == ["A", "B"]
    assert requisition.uoms == ["BX"]
    first, second = requisition.lines
    assert (first.quantity, first.unit_price) == (D("2"), D("1.5"))
    assert second.unit_price == 0
    assert str(requisition.date_required) == "2026-12-20"


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"lines": []}, "lines must be a non-empty list"),
        ({"requester": " "}, "requester is missing"),
        ({"cost_centre": None}, "cost_centre is missing"),
        ({"lines": [{"line": 1, "item": "A", "quantity": 0}]}, "must be positive"),
        ({"lines": [{"line": 1, "item": "A", "quantity": "x"}]}, "not a number"),
        ({"lines": [{"line": 1, "quantity": 1}]}, "item is missing"),
        (
            {"lines": [{"line": 1, "item": "A", "quantity": 1, "unit_price": -1}]},
            "cannot be negative",
        ),
        (
            {
                "lines": [
                    {"line": 1, "item": "A", "quantity": 1},
                    {"line": 1, "item": "B", "quantity": 1},
                ]
            },
            "line 1 appears twice",
        ),
        ({"date_required": "12/20/2026"}, "not a date"),
    ],
)
def test_refused_with_the_reason(values, reason):
    with pytest.raises(lib.RequisitionError, match=reason):
        lib.read_requisition(document(**values))


def test_not_an_object():
    with pytest.raises(lib.RequisitionError, match="JSON object"):
        lib.read_requisition(["REQ-1"])


def test_digest_ignores_what_odoo_owns_and_key_order():
    plain = lib.content_digest(document())
    echoed = document(status="approved", approvals=[{"by": "x"}], updated_at="now")
    assert lib.content_digest(echoed) == plain
    reordered = dict(reversed(list(document().items())))
    assert lib.content_digest(reordered) == plain
    changed = document()
    changed["lines"][0]["quantity"] = "3"
    assert lib.content_digest(changed) != plain


def test_platform_status():
    assert lib.platform_status("draft", "pending") == lib.PENDING
    assert lib.platform_status("draft", "rejected") == lib.REJECTED
    assert lib.platform_status("approved", "validated") == lib.APPROVED
    assert lib.platform_status("in_progress", "validated") == lib.ORDERED
    assert lib.platform_status("rejected", "no") == lib.REJECTED


def test_status_key_is_stable_and_differs_per_status():
    first = lib.status_key("REQ-1", {"status": "approved", "approvals": []})
    assert first == lib.status_key("REQ-1", {"approvals": [], "status": "approved"})
    assert first != lib.status_key("REQ-1", {"status": "ordered", "approvals": []})
    assert first.startswith("REQ-1/status/")
