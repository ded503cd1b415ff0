# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from itertools import count

from odoo import fields
from odoo.tests import tagged

from odoo.addons.healthcare_integration_core.lib import x12
from odoo.addons.healthcare_integration_core.tests.common import HcCase
from odoo.addons.healthcare_integration_core.tests.test_file_transport import (
    two_orders_interchange,
)


@tagged("post_install", "-at_install")
class TestTrailerReconciliation(HcCase):
    """The sets an X12 file's groups declare (GE01) against the sets applied."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        flow_type = cls.env["hc.flow.type"].create(
            {
                "code": "test.x12_in",
                "name": "X12 in",
                "direction": "inbound",
                "payload_format": "x12",
            }
        )
        cls.flow = cls.env["hc.flow"].create(
            {
                "flow_type_id": flow_type.id,
                "backend_id": cls.backend.id,
                "name": "Orders in (X12)",
                "code": "x12_in",
            }
        )
        cls.today = fields.Date.today()
        cls.reconciliation = cls.env["hc.reconciliation"].create(
            {
                "name": "X12 orders against their trailers",
                "flow_id": cls.flow.id,
                "source": "trailer",
                "first_day": cls.today,
                "lag_days": 0,
            }
        )

    def test_sets_applied_against_group_trailers(self):
        body = x12.serialize(two_orders_interchange(count(500)))
        received = self.receive_payload(self.flow, body, key="file-1")
        self.assertEqual(received.state, "done")
        children = received.child_ids
        self.assertEqual(len(children), 2)
        self.assertEqual(set(children.mapped("state")), {"done"})
        period = self.reconciliation._reconcile_day(self.today)
        self.assertEqual(period.state, "matched", period.error_text)
        self.assertEqual((period.our_count, period.their_count), (2, 2))
        # a set that was not applied (here failed afterwards) is a difference
        children[1]._fail("business", "order refused")
        period.action_check_again()
        self.assertEqual(period.state, "differences")
        [difference] = period.difference_ids
        self.assertEqual(
            (difference.doc_type, difference.kind), ("850", "count_differs")
        )
        self.assertEqual((difference.our_count, difference.their_count), (1, 2))
        # its payload purged, a file's trailer is lost: the report is unavailable
        self.env["hc.payload"]._put(received.id, "request", b"")
        period.action_check_again()
        self.assertEqual(period.state, "failed")
        self.assertIn(received.name, period.error_text)
