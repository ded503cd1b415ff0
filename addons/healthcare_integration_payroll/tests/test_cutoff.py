# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import csv
import io
import json
from datetime import date
from pathlib import Path

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user

from odoo.addons.healthcare_integration_core.tests.common import SftpServerMixin

from .common import PERIOD_END, PERIOD_START, PayrollCase

BATCH_V1 = "test_payroll/2025-03-01_2025-03-31/v1"


class TestCutoff(PayrollCase):
    """Compensation inputs out at cutoff: once, locked, corrected, reconciled."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pay_backend.business_owner_id = cls.env.ref("base.user_admin")

    def setUp(self):
        super().setUp()
        self.ana = self.hire("E8001", "Ana Martins")

    def close_cutoff(self, period=None):
        with self.jobs() as trap:
            action = (period or self.period).action_close_cutoff()
            self.run_jobs(trap)
        return self.env["hc.payroll.batch"].browse(action["res_id"])

    def batch_message(self, batch):
        return self.env["hc.message"].search(
            [("res_model", "=", batch._name), ("res_id", "=", batch.id)]
        )

    def test_cutoff_sends_overtime_and_allowance_once(self):
        regular = self.work(self.ana, date(2025, 3, 3)) | self.work(
            self.ana, date(2025, 3, 4)
        )
        overtime = self.work(
            self.ana,
            date(2025, 3, 4),
            hours=2,
            start_hour=15,
            work_type=self.type_overtime,
        )
        self.work(self.ana, date(2025, 3, 5), state="draft")
        self.work(self.ana, date(2025, 3, 6), work_type=self.type_unsent)
        self.work(self.ana, date(2025, 4, 1))
        meal = self.add_input(self.ana, self.code_meal, amount=120)
        draft = self.add_input(self.ana, self.code_meal, amount=99, approve=False)
        # the period's screen lists what goes out, and warns of the draft input
        self.assertEqual(self.period.pending_input_ids, meal)
        self.assertEqual(
            self.period.pending_entry_ids, (regular | overtime).sorted("id")
        )
        self.assertEqual(self.period.draft_input_count, 1)

        batch = self.close_cutoff()

        self.assertEqual(self.period.state, "closed")
        [request] = self.sim.requests(path="/payroll/inputs")
        self.assertEqual(request["headers"]["Idempotency-Key"], BATCH_V1)
        sent = json.loads(request["body"])
        self.assertEqual(
            [
                (line["employee_id"], line["code"], line["quantity"], line["amount"])
                for line in sent["lines"]
            ],
            [
                ("E8001", "ALLOW_MEAL", 0.0, 120.0),
                ("E8001", "OT", 2.0, 0.0),
                ("E8001", "REG", 16.0, 0.0),
            ],
        )
        self.assertEqual(
            (sent["batch"], sent["type"], sent["version"], sent["original_batch"]),
            (BATCH_V1, "original", 1, None),
        )
        self.assertEqual(sent["period"], {"start": "2025-03-01", "end": "2025-03-31"})
        self.assertEqual(
            sent["totals"], {"lines": 3, "quantity": 18.0, "amount": 120.0}
        )
        self.assertEqual(
            batch.state, "acknowledged", "the provider's answer reconciles"
        )
        self.assertTrue(batch.delivered_at)
        self.assertEqual(batch.work_entry_ids, regular | overtime)
        self.assertEqual((meal.state, meal.batch_id), ("sent", batch))
        self.assertEqual(draft.state, "draft")
        message = self.batch_message(batch)
        self.assertEqual(message.state, "done")
        stored = json.loads(message._body())
        self.assertEqual(
            {line["amount"] for line in stored["lines"]},
            {"***REDACTED***"},
            "pay is masked in the stored copy once delivered",
        )
        self.assertNotIn(b"120.0", message._response_body())

        with self.jobs() as trap:
            batch.action_send()
            self.run_jobs(trap)
        self.assertEqual(self.batch_message(batch), message, "one message per batch")
        self.assertEqual(len(self.sim.requests(path="/payroll/inputs")), 1)
        with self.assertRaisesRegex(UserError, "already closed"):
            self.period.action_close_cutoff()

    def test_sent_inputs_are_locked(self):
        entry = self.work(self.ana, date(2025, 3, 3))
        meal = self.add_input(self.ana, self.code_meal, amount=50)
        self.close_cutoff()
        with self.assertRaisesRegex(UserError, "locked"):
            entry.duration = 4
        with self.assertRaisesRegex(UserError, "locked"):
            entry.unlink()
        with self.assertRaisesRegex(UserError, "locked"):
            meal.amount = 60
        with self.assertRaisesRegex(UserError, "corrected, not cancelled"):
            meal.action_cancel()
        correction = meal.action_correct()
        self.assertEqual(correction["context"]["default_correction_of_id"], meal.id)

    def test_hr_administrator_without_integration_rights_closes_the_cutoff(self):
        manager = new_test_user(
            self.env, "payroll-admin", groups="base.group_user,hr.group_hr_manager"
        )
        self.work(self.ana, date(2025, 3, 3))
        self.add_input(self.ana, self.code_meal, amount=30).with_user(manager)
        self.env.invalidate_all()
        with self.jobs() as trap:
            action = self.period.with_user(manager).action_close_cutoff()
            self.run_jobs(trap)
        batch = self.env["hc.payroll.batch"].browse(action["res_id"])
        self.assertEqual(batch.state, "acknowledged")
        self.assertEqual(batch.with_user(manager).line_count, 2)

    def test_only_hr_administrators_approve_inputs(self):
        officer = new_test_user(
            self.env, "payroll-officer", groups="base.group_user,hr.group_hr_user"
        )
        record = self.add_input(self.ana, self.code_meal, amount=30, approve=False)
        with self.assertRaises(AccessError):
            record.with_user(officer).action_approve()
        record.action_approve()
        self.assertEqual(
            (record.state, record.approved_by_id), ("approved", self.env.user)
        )

    def test_correction_goes_out_as_a_delta_of_the_original(self):
        self.work(self.ana, date(2025, 3, 3))
        original = self.close_cutoff()
        with self.assertRaisesRegex(UserError, "Nothing to correct"):
            self.period.action_send_correction()
        late = self.work(self.ana, date(2025, 3, 10), work_type=self.type_night)
        fix = self.add_input(self.ana, self.code_ot_input, quantity=-1.5)
        self.assertTrue(fix.is_correction)
        self.assertEqual(self.period.pending_count, 2)

        with self.jobs() as trap:
            action = self.period.action_send_correction()
            self.run_jobs(trap)
        delta = self.env["hc.payroll.batch"].browse(action["res_id"])

        self.assertEqual((delta.version, delta.kind), (2, "delta"))
        self.assertEqual(delta.original_batch_id, original)
        first, second = self.sim.requests(path="/payroll/inputs")
        sent = json.loads(second["body"])
        self.assertEqual(second["headers"]["Idempotency-Key"], delta.name)
        self.assertNotEqual(first["headers"]["Idempotency-Key"], delta.name)
        self.assertEqual(
            (sent["type"], sent["original_batch"]), ("delta", original.name)
        )
        self.assertEqual(
            [(line["code"], line["quantity"]) for line in sent["lines"]],
            [("NIGHT", 8.0), ("OT", -1.5)],
        )
        self.assertEqual(late.hc_payroll_batch_id, delta)
        self.period.invalidate_recordset(["pending_count"])
        self.assertEqual(self.period.pending_count, 0)

    def test_acknowledgement_differences_name_the_employees(self):
        ben = self.hire("E8002", "Ben Carter", department="ED")
        self.work(self.ana, date(2025, 3, 3))
        self.work(
            self.ana,
            date(2025, 3, 3),
            hours=2,
            start_hour=15,
            work_type=self.type_overtime,
        )
        self.work(ben, date(2025, 3, 3))
        self.sim.adjust_next_ack(
            {("E8001", "OT"): {"quantity": 1.5}, ("E8002", "REG"): None}
        )

        batch = self.close_cutoff()

        self.assertEqual(batch.state, "difference")
        self.assertEqual(
            sorted(
                (d.employee_ref, d.code, d.kind, d.sent_quantity, d.ack_quantity)
                for d in batch.difference_ids
            ),
            [
                ("E8001", "OT", "mismatch", 2.0, 1.5),
                ("E8002", "REG", "missing", 8.0, 0.0),
            ],
        )
        self.assertEqual(batch.difference_ids.employee_id, self.ana | ben)
        note = batch.message_ids.filtered(lambda m: "differs" in (m.body or ""))
        self.assertIn("E8002 REG", note.body)
        self.assertTrue(
            batch.activity_ids.filtered(
                lambda a: a.user_id == self.env.ref("base.user_admin")
            ),
            "the provider's business owner is asked to reconcile",
        )
        self.assertEqual(self.period.open_difference_count, 2)
        first = batch.difference_ids[0]
        with self.assertRaisesRegex(UserError, "Say how"):
            first.action_resolve()
        batch.difference_ids.resolution = (
            "Provider fixed its import; confirmed by phone"
        )
        batch.difference_ids.action_resolve()
        self.assertEqual(batch.state, "acknowledged")

    def test_acknowledgement_later_on_its_own_flow(self):
        self.work(self.ana, date(2025, 3, 3))
        self.sim.script(
            "/payroll/inputs", [{"status": 202, "json": {"status": "queued"}}]
        )
        batch = self.close_cutoff()
        self.assertEqual(batch.state, "sent", "no acknowledgement yet")
        ack = {
            "batch": batch.name,
            "status": "accepted",
            "provider_batch_id": "PB-77",
            "totals": [
                {"employee_id": "E8001", "code": "REG", "quantity": 7.5, "amount": 0}
            ],
        }
        message = self.receive_payload(self.flow_ack, ack)
        self.assertEqual(message.state, "done", message.error_text)
        self.assertEqual(message._linked_record(), batch)
        self.assertEqual((batch.state, batch.ack_reference), ("difference", "PB-77"))
        self.assertEqual(self.stored(message)["totals"][0]["amount"], "***REDACTED***")
        ack["totals"][0]["quantity"] = 8
        self.receive_payload(self.flow_ack, ack)
        self.assertEqual(batch.state, "acknowledged", "a corrected ack replaces")
        self.assertFalse(batch.difference_ids)
        unknown = self.receive_payload(self.flow_ack, {**ack, "batch": "nope/v1"})
        self.assertEqual(
            (unknown.state, unknown.exception_kind), ("dead", "unknown_batch")
        )

    def test_rejected_batch(self):
        self.work(self.ana, date(2025, 3, 3))
        self.sim.script(
            "/payroll/inputs",
            [{"json": {"status": "rejected", "batch": BATCH_V1, "reason": "closed"}}],
        )
        batch = self.close_cutoff()
        self.assertEqual((batch.state, batch.ack_note), ("rejected", "closed"))

    def test_employees_the_provider_does_not_know_stop_the_cutoff(self):
        stranger = self.env["hr.employee"].create({"name": "Not from HR"})
        # in the provider's scope (its HR system), but without an HR-system id
        stranger.hc_hr_backend_id = self.hr_backend
        self.add_input(stranger, self.code_meal, amount=10)
        with self.assertRaisesRegex(UserError, "Not from HR"):
            self.period.action_close_cutoff()
        self.assertEqual(self.period.state, "open")


class TestCsvProvider(SftpServerMixin, PayrollCase):
    """The same batch as CSV: over HTTP, and written as a file on SFTP."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sshd = cls.start_sftp_server()
        cls.csv_http = cls.csv_provider(
            "csv_http", {"base_url": cls.sim.url, "system_type": "payroll"}
        )
        cls.csv_sftp = cls.csv_provider(
            "csv_sftp",
            {
                **cls.sftp_backend_values(cls.sshd, "csv_sftp"),
                "system_type": "payroll",
            },
            file_name_pattern="inputs_{provider}_{period}_v{version}.csv",
        )

    @classmethod
    def csv_provider(cls, code, backend_values, **flow_values):
        backend = cls.env["hc.backend"].create(
            {"name": code, "code": code, **backend_values}
        )
        cls.bind("payroll.inputs_csv", backend, **flow_values)
        provider = cls.env["hc.payroll.provider"].create(
            {
                "name": f"Provider {code}",
                "backend_id": backend.id,
                "hr_backend_id": cls.hr_backend.id,
                "journal_id": cls.journal.id,
            }
        )
        meal = cls.env["hc.payroll.code"].create(
            {
                "provider_id": provider.id,
                "usage": "input",
                "code": "ALLOW_MEAL",
                "name": "Meal",
                "category": "allowance",
            }
        )
        period = cls.env["hc.payroll.period"].create(
            {
                "provider_id": provider.id,
                "date_from": PERIOD_START,
                "date_to": PERIOD_END,
            }
        )
        return provider, period, meal

    def cutoff_with_inputs(self, provider_setup):
        _provider, period, meal = provider_setup
        employee = self.hire("E8101", "Chloe Dubois")
        self.work(employee, date(2025, 3, 3))
        self.env["hc.payroll.input"].create(
            {
                "name": "Meal",
                "period_id": period.id,
                "employee_id": employee.id,
                "code_id": meal.id,
                "amount": 42.5,
            }
        ).action_approve()
        with self.jobs() as trap:
            action = period.action_close_cutoff()
            self.run_jobs(trap)
        batch = self.env["hc.payroll.batch"].browse(action["res_id"])
        message = self.env["hc.message"].search(
            [("res_model", "=", batch._name), ("res_id", "=", batch.id)]
        )
        return batch, message

    @staticmethod
    def rows(text):
        return list(csv.DictReader(io.StringIO(text)))

    def test_csv_batch_over_http(self):
        batch, message = self.cutoff_with_inputs(self.csv_http)
        self.assertEqual(message.state, "done", message.error_text)
        [request] = self.sim.requests(path="/payroll/inputs.csv")
        self.assertTrue(request["headers"]["Content-Type"].startswith("text/csv"))
        rows = self.rows(request["body"])
        self.assertEqual(
            [(r["employee_id"], r["code"], r["quantity"], r["amount"]) for r in rows],
            [
                ("E8101", "ALLOW_MEAL", "0.00", "42.50"),
                ("E8101", "REG", "8.00", "0.00"),
            ],
        )
        self.assertEqual({r["batch"] for r in rows}, {batch.name})
        self.assertEqual(batch.state, "acknowledged")
        stored = self.rows(message._body().decode())
        self.assertEqual({r["amount"] for r in stored}, {"***REDACTED***"})
        self.assertEqual(stored[1]["quantity"], "8.00", "hours are no pay: kept")

    def test_csv_batch_written_on_sftp(self):
        batch, message = self.cutoff_with_inputs(self.csv_sftp)
        self.assertEqual(message.state, "done", message.error_text)
        self.assertEqual(
            message.file_name, "inputs_csv_sftp_2025-03-01_2025-03-31_v1.csv"
        )
        written = Path(self.sshd.root, "out", message.file_name).read_text()
        rows = self.rows(written)
        self.assertEqual(rows[0]["amount"], "42.50", "the provider gets the pay")
        self.assertEqual(rows[1]["code"], "REG")
        self.assertEqual(batch.state, "sent", "a file backend acknowledges later")
        self.assertTrue(batch.delivered_at)
        stored = self.rows(message._body().decode())
        self.assertEqual(stored[0]["amount"], "***REDACTED***")
