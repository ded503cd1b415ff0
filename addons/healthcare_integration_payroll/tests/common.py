# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import date, datetime, timedelta

from odoo.tests.common import TransactionCase

from odoo.addons.healthcare_integration_core.tests.common import (
    HcTestMixin,
    SimulatorMixin,
    load_simulator_module,
)

# A past month with known weekdays: 2025-03-03 is a Monday.
PERIOD_START = date(2025, 3, 1)
PERIOD_END = date(2025, 3, 31)
HIRED = "2025-01-06"


class PayrollSimulatorMixin(SimulatorMixin):
    """Starts the payroll simulator (HR system and provider) for a test class."""

    @classmethod
    def start_payroll_simulator(cls, **kwargs):
        module = load_simulator_module("payroll_simulator.py")
        sim = module.PayrollSimulator(host="127.0.0.1", port=0, **kwargs)
        sim.start()
        cls.addClassCleanup(sim.stop)
        return sim


class PayrollSetupMixin:
    """A hospital's payroll set-up: cost centres, accounts, backends, provider."""

    @classmethod
    def setup_payroll(cls, base_url):
        env = cls.env
        cls.company = env.company
        cls.currency = cls.company.currency_id
        plan = env.ref("healthcare_integration_core.analytic_plan_cost_centres")
        centres = env["account.analytic.account"].create(
            [
                {"name": "Intensive care", "code": "T-ICU", "plan_id": plan.id},
                {"name": "Emergency", "code": "T-ED", "plan_id": plan.id},
                {"name": "Radiology", "code": "T-RAD", "plan_id": plan.id},
            ]
        )
        cls.cc_icu, cls.cc_ed, cls.cc_rad = centres
        accounts = env["account.account"]
        cls.acc_wages = accounts.create(
            {"code": "T63000", "name": "Wages", "account_type": "expense"}
        )
        cls.acc_net = accounts.create(
            {"code": "T23000", "name": "Net pay", "account_type": "liability_current"}
        )
        cls.acc_withheld = accounts.create(
            {
                "code": "T23010",
                "name": "Withholdings",
                "account_type": "liability_current",
            }
        )
        cls.acc_charges = accounts.create(
            {
                "code": "T23020",
                "name": "Employer charges payable",
                "account_type": "liability_current",
            }
        )
        cls.journal = env["account.journal"].create(
            {"name": "Payroll (tests)", "code": "TPAY", "type": "general"}
        )
        backends = env["hc.backend"]
        common = {
            "base_url": base_url,
            "webhook_secret": "hook-secret",
            "connect_timeout": 1,
            "read_timeout": 3,
            "breaker_threshold": 0,
        }
        cls.hr_backend = backends.create(
            {**common, "name": "HR", "code": "test_hr", "system_type": "hr"}
        )
        cls.pay_backend = backends.create(
            {
                **common,
                "name": "Payroll provider",
                "code": "test_payroll",
                "system_type": "payroll",
                "auth_type": "api_key",
                "credential_secret": "provider-key",
            }
        )
        cls.flow_events = cls.bind("payroll.workforce_event", cls.hr_backend)
        cls.flow_pull = cls.bind("payroll.workforce_pull", cls.hr_backend)
        cls.flow_inputs = cls.bind(
            "payroll.inputs_json",
            cls.pay_backend,
            max_attempts=2,
            backoff_base=1,
            backoff_max=2,
        )
        cls.flow_ack = cls.bind("payroll.inputs_ack", cls.pay_backend)
        cls.flow_results = cls.bind("payroll.results", cls.pay_backend)
        cls.provider = env["hc.payroll.provider"].create(
            {
                "name": "Bureau",
                "backend_id": cls.pay_backend.id,
                "hr_backend_id": cls.hr_backend.id,
                "journal_id": cls.journal.id,
            }
        )
        cls.setup_codes()
        cls.period = env["hc.payroll.period"].create(
            {
                "provider_id": cls.provider.id,
                "date_from": PERIOD_START,
                "date_to": PERIOD_END,
            }
        )
        types = env["hr.work.entry.type"]
        cls.type_regular = env.ref("hr_work_entry.work_entry_type_attendance")
        cls.type_overtime = env.ref("hr_work_entry.overtime_work_entry_type")
        cls.type_night = env.ref("healthcare_integration_payroll.work_entry_type_night")
        cls.type_unsent = types.create(
            {"name": "Training (not paid by the provider)", "code": "TTRAIN"}
        )
        cls.reason_resigned = env.ref("hr.departure_resigned")

    @classmethod
    def bind(cls, code, backend, **values):
        flow_type = cls.env["hc.flow.type"].search([("code", "=", code)])
        return cls.env["hc.flow"].create(
            {"flow_type_id": flow_type.id, "backend_id": backend.id, **values}
        )

    @classmethod
    def setup_codes(cls):
        def code(usage, code, category, debit=None, credit=None):
            return {
                "provider_id": cls.provider.id,
                "usage": usage,
                "code": code,
                "name": code.title(),
                "category": category,
                "debit_account_id": debit and debit.id,
                "credit_account_id": credit and credit.id,
            }

        wages, net = cls.acc_wages, cls.acc_net
        cls.codes = cls.env["hc.payroll.code"].create(
            [
                code("input", "ALLOW_MEAL", "allowance"),
                code("input", "DED_UNIFORM", "deduction"),
                code("input", "OT", "hours"),
                code("result", "REG", "earning", debit=wages),
                code("result", "OT", "earning", debit=wages),
                code("result", "NIGHT", "earning", debit=wages),
                code("result", "ALLOW_MEAL", "earning", debit=wages),
                code("result", "ER_SS", "employer_charge", wages, cls.acc_charges),
                code("result", "EE_TAX", "deduction", credit=cls.acc_withheld),
                code("result", "EE_SS", "deduction", credit=cls.acc_withheld),
                code("result", "DED_UNIFORM", "deduction", credit=cls.acc_withheld),
                code("result", "NET", "net", credit=net),
            ]
        )
        cls.code_meal = cls.codes.filtered(
            lambda c: c.code == "ALLOW_MEAL" and c.usage == "input"
        )
        cls.code_ot_input = cls.codes.filtered(
            lambda c: c.code == "OT" and c.usage == "input"
        )


class PayrollCase(
    HcTestMixin, PayrollSimulatorMixin, PayrollSetupMixin, TransactionCase
):
    """Payroll set-up on a real HR system and payroll provider simulator."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.sim = cls.start_payroll_simulator(name="payroll-test")
        cls.setup_payroll(cls.sim.url)
        cls.sim.currency = cls.currency.name

    def setUp(self):
        super().setUp()
        self.sim.reset()

    @staticmethod
    def stored(message):
        """The stored request payload of a message, decoded."""
        return json.loads(message._body())

    # ------------------------------------------------------------------ HR events

    @staticmethod
    def event(kind, ref, effective, sequence=None, **parts):
        document = {
            "event_id": f"{ref}-{kind}-{effective}",
            "event_type": kind,
            "effective_date": effective,
            "employee": {"id": ref},
            **parts,
        }
        if sequence:
            document["sequence"] = sequence
        return document

    @classmethod
    def hire_event(cls, ref, name, department="ICU", job="RN", effective=HIRED, **kw):
        centres = {"ICU": "T-ICU", "ED": "T-ED", "RAD": "T-RAD"}
        event = cls.event(
            "hire",
            ref,
            effective,
            assignment={
                "department": {
                    "code": department,
                    "name": f"Dept {department}",
                    "cost_center": centres[department],
                },
                "job": {"code": job, "name": f"Job {job}"},
            },
            **kw,
        )
        event["employee"].update(
            {
                "name": name,
                "work_email": f"{ref.lower()}@hospital.test",
                "national_id": f"123-45-{ref[-4:]}",
                "bank_account": f"GB33 BUKB 2020 1555 55{ref[-4:]}",
            }
        )
        return event

    def hire(self, ref, name, **kw):
        message = self.receive_payload(
            self.flow_events, self.hire_event(ref, name, **kw)
        )
        self.assertEqual(message.state, "done", message.error_text)
        return message._linked_record()

    def work(
        self, employee, day, hours=8.0, start_hour=7, work_type=None, state="validated"
    ):
        """A work entry of ``employee`` on ``day`` (validated unless told)."""
        start = datetime.combine(day, datetime.min.time()).replace(hour=start_hour)
        work_type = work_type or self.type_regular
        return self.env["hr.work.entry"].create(
            {
                "name": f"{employee.name}: {work_type.name}",
                "employee_id": employee.id,
                "work_entry_type_id": work_type.id,
                "date_start": start,
                "date_stop": start + timedelta(hours=hours),
                "state": state,
            }
        )

    def add_input(self, employee, code, amount=0.0, quantity=0.0, approve=True):
        record = self.env["hc.payroll.input"].create(
            {
                "name": f"{code.code} for {employee.name}",
                "period_id": self.period.id,
                "employee_id": employee.id,
                "code_id": code.id,
                "amount": amount,
                "quantity": quantity,
            }
        )
        if approve:
            record.action_approve()
        return record
