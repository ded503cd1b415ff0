# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The whole story over real HTTP: HR webhook in, batch out, results back."""

from datetime import date, datetime, timedelta

from odoo.tests import HttpCase, tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from .common import (
    HIRED,
    PERIOD_END,
    PERIOD_START,
    PayrollSetupMixin,
    PayrollSimulatorMixin,
)


@tagged("post_install", "-at_install")
class TestPayrollOverHttp(PayrollSimulatorMixin, PayrollSetupMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sim = cls.start_payroll_simulator(
            name="payroll-http",
            webhook_secret="hook-secret",
            hr_backend="test_hr",
            provider_backend="test_payroll",
            auto_results=False,
        )
        cls.setup_payroll(cls.sim.url)
        cls.sim.currency = cls.currency.name

    def setUp(self):
        super().setUp()
        self.sim.odoo_url = self.base_url()

    def process(self, answer):
        """Run the job the webhook queued, as the job's (least-privilege) user."""
        message = self.env["hc.message"].browse(answer["body"]["id"])
        job = self.env["queue.job"].search([("uuid", "=", message.job_uuid)])
        self.assertEqual(job.user_id.login, "hc_integration_bot")
        self.env.invalidate_all()
        message.with_user(job.user_id)._run_job()
        return message

    def test_hire_cutoff_and_results_over_http(self):
        hire = {
            "event_id": "evt-http-1",
            "event_type": "hire",
            "effective_date": HIRED,
            "sequence": 1,
            "employee": {
                "id": "E5001",
                "name": "Ana Martins",
                "national_id": "123-45-6789",
                "bank_account": "GB33 BUKB 2020 1555 5555 55",
            },
            "assignment": {
                "department": {"code": "ICU", "name": "ICU", "cost_center": "T-ICU"},
                "job": {"code": "RN", "name": "Nurse"},
            },
        }
        self.env.flush_all()
        answer = self.sim.send_hr_event(hire)
        self.assertEqual(answer["status"], 202, answer)
        event = self.process(answer)
        self.assertEqual(event.state, "done", event.error_text)
        ana = event._linked_record()
        self.assertEqual(ana.hc_hr_id, "E5001")
        self.assertNotIn(b"6789", event._body())

        self.env.flush_all()
        refused = self.sim.call_webhook(
            f"{self.base_url()}/hc/webhook/test_hr/payroll.workforce_event",
            {"event_type": "hire"},
        )
        self.assertEqual(refused[0], 422, "a malformed event is refused at the door")

        start = datetime.combine(date(2025, 3, 3), datetime.min.time()).replace(hour=7)
        self.env["hr.work.entry"].create(
            {
                "name": "Ana: attendance",
                "employee_id": ana.id,
                "work_entry_type_id": self.type_regular.id,
                "date_start": start,
                "date_stop": start + timedelta(hours=8),
                "state": "validated",
            }
        )
        with trap_jobs() as trap:
            action = self.period.action_close_cutoff()
            trap.perform_enqueued_jobs()
        batch = self.env["hc.payroll.batch"].browse(action["res_id"])
        self.assertEqual(batch.state, "acknowledged")
        self.assertEqual(self.sim.batch_summaries()[0]["name"], batch.name)

        self.env.flush_all()
        answer = self.sim.send_results((str(PERIOD_START), str(PERIOD_END)))
        self.assertEqual(answer["status"], 202, answer)
        run = self.process(answer)
        self.assertEqual(run.state, "done", run.error_text)
        result = run._linked_record()
        self.assertEqual(result.move_id.state, "posted")
        # 8 h at 32.00: 256.00 gross, 20 % + 11 % withheld, 23.75 % charges
        self.assertAlmostEqual(result.total_gross, 256.0)
        self.assertAlmostEqual(result.total_net, 176.64)
        analytic = result.move_id.line_ids.filtered("analytic_distribution")
        self.assertEqual(
            set(analytic.mapped("analytic_distribution")[0]), {str(self.cc_icu.id)}
        )
        stored = run._body()
        self.assertNotIn(b"NID-E5001", stored)
        self.assertNotIn(b"256.0", stored)
