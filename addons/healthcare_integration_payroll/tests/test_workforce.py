# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user

from .common import HIRED, PayrollCase


class TestWorkforceLifecycle(PayrollCase):
    """HR system events in: hire, transfer, leave, termination, in order."""

    def contracts(self, employee):
        return self.env["hr.contract"].search(
            [("employee_id", "=", employee.id)], order="date_start"
        )

    def test_hire_creates_the_employee_with_org_and_contract(self):
        message = self.receive_payload(
            self.flow_events, self.hire_event("E7001", "Ana Martins"), "evt-hire"
        )
        self.assertEqual(message.state, "done", message.error_text)
        employee = message._linked_record()
        self.assertEqual(employee._name, "hr.employee")
        self.assertEqual(
            (employee.name, employee.hc_hr_id, employee.hc_hr_backend_id),
            ("Ana Martins", "E7001", self.hr_backend),
        )
        self.assertEqual(employee.department_id.hc_code, "ICU")
        self.assertEqual(employee.department_id.hc_cost_center_id, self.cc_icu)
        self.assertEqual(employee.job_id.hc_code, "RN")
        self.assertEqual(employee.hc_effective_cost_center_id, self.cc_icu)
        self.assertTrue(employee.hc_last_sync)
        [contract] = self.contracts(employee)
        self.assertEqual(contract.date_start, date(2025, 1, 6))
        self.assertEqual(contract.state, "open")
        self.assertEqual(contract.hc_cost_center_id, self.cc_icu)
        crosswalk = self.env["hc.crosswalk"]._resolve_many(
            self.hr_backend, "employee", ["E7001"]
        )["E7001"]
        self.assertEqual(crosswalk.record_ref, employee)
        self.assertFalse(employee.identification_id, "Odoo keeps no national id")
        self.assertFalse(employee.bank_account_id, "nor bank accounts")

    def test_stored_event_masks_national_id_and_bank_account(self):
        message = self.receive_payload(
            self.flow_events, self.hire_event("E7002", "Ben Carter"), "evt-mask"
        )
        stored = self.stored(message)["employee"]
        self.assertEqual(stored["national_id"], "***REDACTED***")
        self.assertEqual(stored["bank_account"], "***REDACTED***")
        self.assertEqual(stored["name"], "Ben Carter")
        self.assertEqual(
            sorted(self.flow_events.redaction_ids.mapped("path")),
            ["$.employee.bank_account", "$.employee.national_id"],
            "new bindings get the handler's redaction rules",
        )
        self.assertNotIn(b"123-45", message.request_preview.encode())
        with Form(self.env["hc.flow"]) as binding:
            binding.flow_type_id = self.flow_results.flow_type_id
            binding.backend_id = self.hr_backend
            self.assertEqual(
                len(binding.redaction_ids), 2, "the rules show as the type is chosen"
            )
        self.assertEqual(
            binding.record.redaction_ids.mapped("path"),
            ["$.employees[*].national_id", "$.employees[*].bank_account"],
        )
        self.assertEqual(binding.record.payload_retention_days, 30)

    def test_same_hire_again_changes_nothing(self):
        employee = self.hire("E7003", "Chloe Dubois")
        again = self.receive_payload(
            self.flow_events,
            self.hire_event("E7003", "Chloe Dubois"),
            "evt-hire-resent-with-another-key",
        )
        self.assertEqual(again.state, "done", again.error_text)
        self.assertEqual(again._linked_record(), employee)
        self.assertEqual(
            self.env["hr.employee"].search_count([("hc_hr_id", "=", "E7003")]), 1
        )
        self.assertEqual(len(self.contracts(employee)), 1)

    def test_transfer_mid_period_splits_the_line_of_cost(self):
        employee = self.hire("E7004", "David Kim")
        self.work(employee, date(2025, 3, 12))
        moved = self.work(employee, date(2025, 3, 18))
        transfer = self.event(
            "transfer",
            "E7004",
            "2025-03-17",
            assignment={"department": {"code": "ED", "cost_center": "T-ED"}},
        )
        message = self.receive_payload(self.flow_events, transfer)
        self.assertEqual(message.state, "done", message.error_text)
        old, new = self.contracts(employee)
        self.assertEqual((old.date_end, old.state), (date(2025, 3, 16), "close"))
        self.assertEqual(old.hc_cost_center_id, self.cc_icu)
        self.assertEqual((new.date_start, new.date_end), (date(2025, 3, 17), False))
        self.assertEqual(new.department_id.hc_code, "ED")
        self.assertEqual(new.job_id.hc_code, "RN", "the job stays")
        self.assertEqual(new.hc_cost_center_id, self.cc_ed)
        self.assertEqual(employee.department_id, new.department_id)
        self.assertEqual(
            moved.contract_id, new, "validated hours move, they are not deleted"
        )
        again = self.receive_payload(self.flow_events, transfer, "evt-transfer-again")
        self.assertEqual(again.state, "done")
        self.assertEqual(len(self.contracts(employee)), 2, "a replay splits nothing")

    def test_transfer_before_its_hire_waits_for_it(self):
        transfer = self.event(
            "transfer",
            "E7005",
            "2025-03-17",
            sequence=2,
            assignment={"department": {"code": "ED", "cost_center": "T-ED"}},
        )
        with self.jobs() as trap:
            early = self.ingest(self.flow_events, transfer, "evt-early")
            trap.perform_enqueued_jobs()
            self.assertEqual(early.state, "retrying")
            self.assertIn("Waiting for the hire of employee E7005", early.error_text)
            hire = self.ingest(
                self.flow_events, self.hire_event("E7005", "Eve Adams", sequence=1)
            )
            self.run_jobs(trap)
        self.assertEqual((hire.state, early.state), ("done", "done"))
        employee = hire._linked_record()
        self.assertEqual(employee.department_id.hc_code, "ED")
        self.assertEqual(employee.hc_hr_sequence, 2)
        self.assertEqual(len(self.contracts(employee)), 2)

    def test_events_apply_in_the_hr_systems_order(self):
        employee = self.hire("E7006", "Finn Olsen", sequence=1)
        termination = self.event(
            "termination",
            "E7006",
            "2025-04-30",
            sequence=3,
            termination={"reason": "resigned"},
        )
        with self.jobs() as trap:
            later = self.ingest(self.flow_events, termination)
            trap.perform_enqueued_jobs()
            self.assertEqual(later.state, "retrying")
            self.assertIn("Waiting for event 2", later.error_text)
            update = self.event(
                "update", "E7006", "2025-04-01", sequence=2, employee={"id": "E7006"}
            )
            update["employee"]["name"] = "Finn Olsen-Berg"
            self.ingest(self.flow_events, update)
            self.run_jobs(trap)
        self.assertEqual(later.state, "done", later.error_text)
        self.assertEqual(employee.name, "Finn Olsen-Berg")
        self.assertEqual(employee.departure_date, date(2025, 4, 30))
        stale = self.receive_payload(
            self.flow_events, {**update, "event_id": "old-again"}
        )
        self.assertEqual(stale.state, "done")
        self.assertEqual(employee.name, "Finn Olsen-Berg", "a stale event is skipped")

    def test_leave_of_absence_and_return(self):
        employee = self.hire("E7007", "Gina Rossi")
        start = self.event(
            "leave_start",
            "E7007",
            "2025-03-03",
            leave={"type": "Parental leave", "expected_return": "2025-04-07"},
        )
        self.assertEqual(self.receive_payload(self.flow_events, start).state, "done")
        leave_type = self.env.ref("healthcare_integration_payroll.leave_type_absence")
        leaves = self.env["hr.leave"].search(
            [
                ("employee_id", "=", employee.id),
                ("holiday_status_id", "=", leave_type.id),
            ]
        )
        self.assertEqual(
            (leaves.request_date_from, leaves.request_date_to, leaves.state),
            (date(2025, 3, 3), date(2025, 4, 6), "validate"),
        )
        back = self.event("leave_end", "E7007", "2025-03-24")
        self.assertEqual(self.receive_payload(self.flow_events, back).state, "done")
        self.assertEqual(leaves.state, "cancel")
        taken = self.env["hr.leave"].search(
            [
                ("employee_id", "=", employee.id),
                ("holiday_status_id", "=", leave_type.id),
                ("state", "=", "validate"),
            ]
        )
        self.assertEqual(
            (taken.request_date_from, taken.request_date_to),
            (date(2025, 3, 3), date(2025, 3, 23)),
        )
        self.assertEqual(
            self.receive_payload(self.flow_events, back, "again").state, "done"
        )
        self.assertEqual(
            self.env["hr.leave"].search_count(
                [("employee_id", "=", employee.id), ("state", "=", "validate")]
            ),
            1,
            "the same return twice books nothing more",
        )

    def test_termination_archives_and_closes_the_contract(self):
        employee = self.hire("E7008", "Hugo Lang")
        termination = self.event(
            "termination",
            "E7008",
            "2025-03-14",
            termination={"reason": "Resigned", "note": "Moving abroad"},
        )
        message = self.receive_payload(self.flow_events, termination)
        self.assertEqual(message.state, "done", message.error_text)
        self.assertFalse(employee.active)
        self.assertEqual(employee.departure_date, date(2025, 3, 14))
        self.assertEqual(employee.departure_reason_id, self.reason_resigned)
        [contract] = self.contracts(employee)
        self.assertEqual(
            (contract.date_end, contract.state), (date(2025, 3, 14), "close")
        )
        rehire = self.hire_event("E7008", "Hugo Lang", effective="2025-06-02")
        rehire["event_type"] = "rehire"
        self.assertEqual(self.receive_payload(self.flow_events, rehire).state, "done")
        self.assertTrue(employee.active)
        self.assertFalse(employee.departure_date)
        self.assertEqual(len(self.contracts(employee)), 2)

    def test_unknown_cost_centre_is_a_mapping_exception(self):
        event = self.hire_event("E7009", "Ivy Chen")
        event["assignment"]["department"] = {"code": "LAB", "cost_center": "CC-NOPE"}
        message = self.receive_payload(self.flow_events, event)
        self.assertEqual(message.state, "dead")
        self.assertEqual(
            (message.error_class, message.exception_kind), ("business", "mapping")
        )
        self.assertIn("CC-NOPE", message.error_text)
        self.assertFalse(
            self.env["hr.employee"].search([("hc_hr_id", "=", "E7009")]),
            "nothing of a failed event is kept",
        )

    def test_invalid_event_is_refused_before_storage(self):
        message = self.ingest(
            self.flow_events, {"event_type": "hire", "employee": {"id": "E1"}}
        )
        self.assertEqual((message.state, message.error_class), ("dead", "validation"))
        self.assertIn("effective_date", message.error_text)

    def test_hr_owned_fields_are_read_only_for_people(self):
        employee = self.hire("E7010", "Jon Berg")
        officer = new_test_user(
            self.env, "hr-officer", groups="base.group_user,hr.group_hr_user"
        )
        as_officer = employee.with_user(officer)
        with self.assertRaisesRegex(UserError, "managed by the HR system"):
            as_officer.write({"name": "Jonathan Berg"})
        with self.assertRaisesRegex(UserError, "managed by the HR system"):
            as_officer.department_id.write({"name": "Renamed"})
        as_officer.write({"mobile_phone": "+1 555 0100", "name": "Jon Berg"})
        self.assertEqual(employee.mobile_phone, "+1 555 0100")

    def test_batch_pull_applies_the_feed_in_order(self):
        self.sim.set_feed(
            "hr-events",
            [
                {
                    **self.event(
                        "transfer",
                        "E7011",
                        "2025-02-03",
                        sequence=2,
                        assignment={
                            "department": {"code": "RAD", "cost_center": "T-RAD"}
                        },
                    ),
                    "id": 1,
                    "updated_at": "2025-02-01T08:00:00",
                },
                {
                    **self.hire_event("E7011", "Kim Park", sequence=1),
                    "id": 2,
                    "updated_at": "2025-02-01T09:00:00",
                },
                {
                    **self.hire_event("E7012", "Lea Moser"),
                    "assignment": {
                        "department": {"code": "X", "cost_center": "CC-UNKNOWN"},
                        "job": {"code": "RN"},
                    },
                    "id": 3,
                    "updated_at": "2025-02-01T10:00:00",
                },
            ],
            page_size=10,
        )
        with self.jobs() as trap:
            run = self.flow_pull._run_batch()
            self.run_jobs(trap)
        self.assertEqual(run.state, "done", run.error_text)
        self.assertEqual(
            (run.count_created, run.count_updated, run.count_failed), (1, 1, 1)
        )
        self.assertEqual(run.issue_ids.mapped("kind"), ["mapping"])
        employee = self.env["hr.employee"].search([("hc_hr_id", "=", "E7011")])
        self.assertEqual(employee.department_id.hc_code, "RAD")
        [chunk] = run.message_ids
        self.assertNotIn(b"123-45", chunk._body(), "pulled pages are minimized too")
        [request] = self.sim.requests(path="/feeds/hr-events")
        self.assertEqual(request["method"], "GET")

    def test_departed_employees_are_archived_on_their_date(self):
        employee = self.hire("E7013", "Mia Novak")
        future = self.event(
            "termination",
            "E7013",
            (date.today().replace(year=date.today().year + 1)).isoformat(),
            termination={"reason": "Retired"},
        )
        self.assertEqual(self.receive_payload(self.flow_events, future).state, "done")
        self.assertTrue(employee.active, "not before the departure date")
        employee.sudo().departure_date = date(2025, 1, 31)
        self.env["hr.employee"]._cron_hc_archive_departed()
        self.assertFalse(employee.active)
        self.assertEqual(str(HIRED), "2025-01-06")
