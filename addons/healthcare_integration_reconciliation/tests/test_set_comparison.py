# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, time, timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.healthcare_integration_core.tests.common import HcCase

from ..lib import reconcile as lib

REPORT = "/control-report"


@tagged("post_install", "-at_install")
class TestSetComparison(HcCase):
    """A flow's messages against a partner's list of documents are compared in
    the database (bench/bench_reconciliation.py); the result is the general
    path's, and any report it cannot read with certainty is the general
    path's to read."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.reconciliation = cls.env["hc.reconciliation"].create(
            {
                "name": "Orders in the database",
                "flow_id": cls.flow_out.id,
                "control_endpoint": REPORT + "?date={date}",
                "first_day": cls.today,
                "lag_days": 0,
            }
        )
        cls.handler = cls.reconciliation._handler()
        cls.start = datetime.combine(cls.today, time.min)
        cls.end = cls.start + timedelta(days=1)

    def deliver(self, *keys):
        with self.jobs() as trap:
            messages = [self.send({"order": key}, idempotency_key=key) for key in keys]
            self.run_jobs(trap)
        return messages

    def answer(self, report, times=1):
        self.sim.script(REPORT, [{"json": report}] * times, method="GET")

    def general_path(self):
        ours = self.handler.exchanged_documents(
            self.reconciliation, self.start, self.end
        )
        report = self.handler.control_report(self.reconciliation, self.start, self.end)
        return lib.compare(ours, report), lib.figures(ours, report)

    def test_same_result_as_the_general_path(self):
        first, second, third = self.deliver("PO-1", "PO-2", "PO-3")
        # PO-3 sent again in the period: one document, its original's
        with self.jobs() as trap:
            again = self.flow_out._send(
                third._body(),
                idempotency_key="PO-3/again",
                correlation_id=third.correlation_id,
                parent=third,
            )
            self.run_jobs(trap)
        self.assertEqual(again.state, "done")
        day = str(self.today)
        report = {
            "documents": [
                {"type": "core.send", "reference": first.correlation_id},
                {"type": "core.send", "reference": third.correlation_id},
                # the partner's own: amounts, a date, listed twice (last wins)
                {"type": "core.send", "reference": "PO-9", "amount": "12.50"},
                {"type": "core.send", "reference": "PO-9", "amount": 13.5, "date": day},
                # another type is not ours, whatever its reference
                {"type": "core.other", "reference": first.correlation_id},
            ]
        }
        self.answer(report, times=2)
        self.assertTrue(self.handler._compares_messages(self.reconciliation))
        body = self.handler._report_body_from_api(
            self.reconciliation, self.start, self.end
        )
        # as many statements for a million documents as for five
        with self.assertQueryCount(__system__=10):
            found, figures = self.handler._compare_messages_in_database(
                self.reconciliation, self.start, self.end, body
            )
        expected, expected_figures = self.general_path()
        self.assertEqual(found, expected)
        self.assertEqual(
            [d.origin for d in found if d.origin],
            [d.origin for d in expected if d.origin],
        )
        self.assertEqual(figures, expected_figures)
        self.assertEqual(figures[:2], (3, 5))
        kinds = {(d.doc_type, d.reference): d.kind for d in found}
        self.assertEqual(
            kinds,
            {
                ("core.send", second.correlation_id): lib.MISSING_AT_PARTNER,
                ("core.send", "PO-9"): lib.MISSING_HERE,
                ("core.other", first.correlation_id): lib.MISSING_HERE,
            },
        )
        [po9] = [d for d in found if d.reference == "PO-9"]
        self.assertEqual(str(po9.their_amount), "13.5")
        # the period records it as the general path would
        self.answer(report)
        period = self.reconciliation._reconcile_day(self.today)
        self.assertEqual(period.state, "differences")
        self.assertEqual((period.our_count, period.their_count), (3, 5))
        missing = period.difference_ids.filtered(
            lambda d: d.kind == "missing_at_partner"
        )
        self.assertEqual(missing.message_id, second)

    def test_reports_read_by_the_general_path(self):
        [message] = self.deliver("PO-1")
        reference = message.correlation_id
        cases = [
            # unreadable entries: the general path says which
            (
                {
                    "documents": [
                        {"type": "core.send", "reference": reference, "amount": True}
                    ]
                },
                "documents[0].amount: True is not a number",
            ),
            (
                {
                    "documents": [
                        {
                            "type": "core.send",
                            "reference": reference,
                            "date": "2026-02-30",
                        }
                    ]
                },
                "documents[0]: date: '2026-02-30' is not a date",
            ),
            (
                {"documents": [{"type": "core.send"}]},
                "documents[0]: reference is needed",
            ),
            ({"documents": "nope"}, "documents: a list is needed"),
        ]
        for report, error in cases:
            with self.subTest(error=error):
                self.answer(report)
                period = self.reconciliation._reconcile_day(self.today)
                self.assertEqual(period.state, "failed")
                self.assertIn(error, period.error_text)
        # read by the general path: a number as a reference, totals; and an
        # empty list by the database
        for report, state in [
            ({"documents": [{"type": "core.send", "reference": 7}]}, "differences"),
            ({"totals": [{"type": "core.send", "count": 1}]}, "matched"),
            ({"documents": []}, "differences"),
        ]:
            with self.subTest(report=report):
                self.answer(report)
                self.assertEqual(
                    self.reconciliation._reconcile_day(self.today).state, state
                )
        self.answer({"documents": [{"type": "core.send", "reference": reference}]})
        self.assertEqual(
            self.reconciliation._reconcile_day(self.today).state, "matched"
        )
