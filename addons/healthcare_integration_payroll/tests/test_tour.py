# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The payroll story of readme/USAGE.md, clicked in the browser."""

from datetime import date, datetime, timedelta

from odoo.tests import HttpCase, tagged

from odoo.addons.healthcare_integration_core.tests.common import HcTestMixin

from .common import (
    PERIOD_END,
    PERIOD_START,
    PayrollSetupMixin,
    PayrollSimulatorMixin,
)


@tagged("post_install", "-at_install")
class TestPayrollTour(HcTestMixin, PayrollSimulatorMixin, PayrollSetupMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sim = cls.start_payroll_simulator(
            name="payroll-tour",
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

    def hire(self, ref, name, department):
        event = {
            "event_id": f"evt-{ref}",
            "event_type": "hire",
            "effective_date": "2025-01-06",
            "sequence": 1,
            "employee": {"id": ref, "name": name},
            "assignment": {
                "department": {
                    "code": department,
                    "name": department,
                    "cost_center": f"T-{department}",
                },
                "job": {"code": "RN", "name": "Nurse"},
            },
        }
        message = self.receive_payload(self.flow_events, event)
        self.assertEqual(message.state, "done", message.error_text)
        return message._linked_record()

    def work(self, employee, day):
        start = datetime.combine(day, datetime.min.time()).replace(hour=7)
        return self.env["hr.work.entry"].create(
            {
                "name": f"{employee.name}: attendance",
                "employee_id": employee.id,
                "work_entry_type_id": self.type_regular.id,
                "date_start": start,
                "date_stop": start + timedelta(hours=8),
                "state": "validated",
            }
        )

    def run_queued(self):
        """Run the messages' queued jobs as their (least-privilege) user, as
        the job runner would (it does not run in tests)."""
        Message = self.env["hc.message"]
        for _round in range(5):
            self.env.invalidate_all()
            queued = Message.search([("state", "in", ("queued", "retrying"))])
            if not queued:
                return
            for message in queued:
                job = self.env["queue.job"].search([("uuid", "=", message.job_uuid)])
                message.with_user(job.user_id)._run_job()

    def test_close_cutoff_then_read_the_journal_entry(self):
        ana = self.hire("E7001", "Ana Martins", "ICU")
        self.work(ana, date(2025, 3, 3))
        self.env["hc.payroll.input"].create(
            {
                "name": "Meal allowance not approved yet",
                "period_id": self.period.id,
                "employee_id": ana.id,
                "code_id": self.code_meal.id,
                "amount": 40.0,
            }
        )
        self.env.flush_all()
        # step 1: the period lists what goes out, the cutoff sends it
        self.start_tour(
            "/odoo/action-healthcare_integration_payroll.hc_payroll_period_action",
            "hc_payroll_cutoff_tour",
            login="admin",
        )
        self.run_queued()
        [batch] = self.period.batch_ids
        self.assertEqual(self.period.state, "closed")
        self.assertEqual(batch.state, "acknowledged")
        # the provider posts the run's results back (a request without the
        # browser's test cookie, as before the tour)
        self.http_request_strict_check = False
        self.env.flush_all()
        answer = self.sim.send_results((str(PERIOD_START), str(PERIOD_END)))
        self.assertEqual(answer["status"], 202, answer)
        run = self.env["hc.message"].browse(answer["body"]["id"])
        self.run_queued()
        self.assertEqual(run.state, "done", run.error_text)
        self.env.flush_all()
        # step 2: the run's journal entry, by cost centre
        self.start_tour(
            "/odoo/action-healthcare_integration_payroll.hc_payroll_result_action",
            "hc_payroll_results_tour",
            login="admin",
        )
