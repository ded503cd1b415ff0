# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import csv
import io
import json

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.healthcare_integration_core.tests.common import (
    HcTestMixin,
    SimulatorMixin,
)


@tagged("post_install", "-at_install")
class TestFinanceHandOff(HcTestMixin, SimulatorMixin, AccountTestInvoicingCommon):
    """Posted entries out once, with control totals; the acknowledgement checked."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the accountant of the test company also manages the integration
        cls.env.user.groups_id |= cls.env.ref(
            "healthcare_integration_core.group_hc_manager"
        )
        cls.sim = cls.start_simulator(name="finance-test")
        cls.backend = cls.env["hc.backend"].create(
            {
                "name": "Group finance ERP",
                "code": "finance_erp",
                "base_url": cls.sim.url,
                "auth_type": "none",
                "company_id": cls.env.company.id,
            }
        )
        flows = {}
        for code in ("journal_out", "journal_out_csv", "journal_ack"):
            flows[code] = cls.env["hc.flow"].create(
                {
                    "flow_type_id": cls.env.ref(
                        f"healthcare_integration_finance.flow_type_{code}"
                    ).id,
                    "backend_id": cls.backend.id,
                    "name": code,
                    "code": code,
                    "business_owner_id": cls.env.user.id,
                }
            )
        cls.flow, cls.flow_csv, cls.flow_ack = (
            flows["journal_out"],
            flows["journal_out_csv"],
            flows["journal_ack"],
        )
        cls.flow_csv.active = False
        cls.today = fields.Date.context_today(cls.env.user)

    def setUp(self):
        super().setUp()
        self.sim.reset()

    def bill(self, amount):
        return self.init_invoice(
            "in_invoice", amounts=[amount], invoice_date=self.today, post=True
        )

    def hand_off(self):
        with self.jobs() as trap:
            batches = self.env["hc.finance.batch"]._cron_hand_off(self.today)
            self.run_jobs(trap)
        return batches

    def test_entries_out_once_with_control_totals_and_ack(self):
        bills = self.bill(100.0) | self.bill(250.0)
        batch = self.hand_off()
        self.assertEqual(len(batch), 1)
        self.assertEqual(batch.state, "sent")
        self.assertEqual(bills.hc_finance_batch_id, batch)
        [call] = self.sim.requests(path="/finance/journal-batches")
        sent = json.loads(call["body"])
        self.assertEqual(call["headers"].get("Idempotency-Key"), batch.name)
        self.assertEqual(sent["batch"], batch.name)
        names = [entry["entry"] for entry in sent["entries"]]
        self.assertEqual(sorted(set(bills.mapped("name")) - set(names)), [])
        debit = sum(float(ln["debit"]) for e in sent["entries"] for ln in e["lines"])
        credit = sum(float(ln["credit"]) for e in sent["entries"] for ln in e["lines"])
        self.assertAlmostEqual(debit, credit)
        control = sent["control"]
        self.assertEqual(control["entries"], len(sent["entries"]))
        self.assertEqual(
            control["lines"], sum(len(e["lines"]) for e in sent["entries"])
        )
        self.assertEqual(float(control["debit"]), round(debit, 2))
        # nothing new: no batch; every entry went out once
        self.assertFalse(self.hand_off())
        # the finance system booked what was sent
        message = self.receive_payload(
            self.flow_ack,
            {"batch": batch.name, "status": "accepted", "control": control},
        )
        self.assertEqual(message.state, "done", message.error_text)
        self.assertEqual(batch.state, "acknowledged")

    def test_control_totals_that_differ_and_corrections_as_reversals(self):
        bill = self.bill(100.0)
        batch = self.hand_off()
        control = dict(batch._control().as_dict(), debit="1.00")
        self.receive_payload(
            self.flow_ack,
            {
                "batch": batch.name,
                "status": "accepted",
                "control": control,
                "rejected_entries": {bill.name: "unknown cost centre"},
            },
        )
        self.assertEqual(batch.state, "differences")
        self.assertIn("debit: sent", batch.ack_note)
        self.assertIn("unknown cost centre", batch.ack_note)
        self.assertTrue(batch.activity_ids)
        # an entry handed off is corrected by its reversal, never changed
        with self.assertRaises(UserError):
            bill.button_draft()
        reversal = bill._reverse_moves(
            [{"date": self.today, "invoice_date": self.today}], cancel=True
        )
        self.assertEqual(reversal.state, "posted")
        next_batch = self.hand_off()
        self.assertEqual(next_batch.move_ids, reversal)
        call = self.sim.requests(path="/finance/journal-batches")[-1]
        [entry] = json.loads(call["body"])["entries"]
        self.assertEqual(entry["reverses"], bill.name)

    def test_csv_batch_has_a_trailer_of_control_totals(self):
        self.flow.active = False
        self.flow_csv.active = True
        self.bill(80.0)
        batch = self.hand_off()
        [call] = self.sim.requests(path="/finance/journal-batches.csv")
        rows = list(csv.reader(io.StringIO(call["body"])))
        self.assertEqual(rows[0][:2], ["record", "entry"])
        lines, trailer = rows[1:-1], rows[-1]
        self.assertEqual(trailer[:2], ["T", batch.name])
        self.assertEqual(int(trailer[6]), len(lines))
        self.assertEqual(len(lines), batch.line_count)
        self.assertEqual(trailer[11], f"{batch.total_debit:.2f}")
        self.assertEqual(trailer[11], trailer[12])

    def test_unknown_or_unreadable_acknowledgements(self):
        message = self.receive_payload(
            self.flow_ack, {"batch": "FIN/0/none", "status": "accepted"}
        )
        self.assertEqual(message.exception_kind, "unknown_batch")
        message = self.receive_payload(self.flow_ack, {"batch": "X", "status": "maybe"})
        self.assertEqual(message.exception_kind, "invalid_ack")
