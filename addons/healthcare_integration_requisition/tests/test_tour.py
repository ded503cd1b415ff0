# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import RequisitionHttpCase, requisition


@tagged("post_install", "-at_install")
class TestRequisitionTour(RequisitionHttpCase):
    """From the platform to an approved order: the webhook, the reviewer in
    the browser, the order, each status back on the platform."""

    def test_platform_requisition_approved_in_the_browser_then_ordered(self):
        self.tier_head.reviewer_id = self.env.ref("base.user_admin")
        document = requisition(
            "REQ-T-TOUR",
            lines=[{"line": 1, "item": "T300001", "quantity": 2, "unit_price": 1450}],
        )
        self.env.flush_all()
        status, answer = self.sim.send_requisition(document)
        self.assertEqual(status, 202, answer)
        request = self.process(answer["id"])._linked_record()
        self.assertEqual(request.state, "draft")
        self.env.flush_all()
        self.start_tour(
            "/odoo/action-purchase_request.purchase_request_form_action/"
            f"{request.id}",
            "hc_requisition_approve_tour",
            login="admin",
        )
        # the status the browser's decision queued, delivered as its job does
        queued = self.env["hc.message"].search(
            [("flow_id", "=", self.flows["status_out"].id), ("state", "=", "queued")]
        )
        self.assertEqual(len(queued), 1)
        self.process(queued.id)
        self.assertEqual(request.state, "approved")
        order = self.make_order(request)
        self.confirm(order)
        documents = self.sim.statuses("REQ-T-TOUR")
        self.assertEqual(
            [doc["status"] for doc in documents],
            ["pending_approval", "approved", "ordered", "ordered"],
        )
        admin = self.env.ref("base.user_admin")
        self.assertEqual(documents[1]["approvals"][0]["by"], admin.name)
        self.assertEqual(documents[-1]["purchase_orders"][0]["po_number"], order.name)
        self.assertEqual(documents[-1]["purchase_orders"][0]["state"], "purchase")
