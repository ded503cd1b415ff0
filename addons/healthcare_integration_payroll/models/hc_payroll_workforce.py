# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import SUPERUSER_ID, _, api, fields, models

from odoo.addons.healthcare_integration_core.exceptions import (
    HcBusinessError,
    HcRetryableError,
)

WAIT_SECONDS = 60
WAIT_TAG = "[employee {ref}]"
WORKFORCE_FLOW_TYPES = ("payroll.workforce_event", "payroll.workforce_pull")
CREATED, UPDATED, SKIPPED = "created", "updated", "skipped"
ONE_DAY = timedelta(days=1)


class HcPayrollWorkforce(models.AbstractModel):
    """Workforce lifecycle events of the HR system applied to Odoo.

    One event at a time, per employee in the HR system's order: hire, rehire,
    update, transfer, leave_start, leave_end, termination. Every event is
    idempotent (applying it again changes nothing) so that replays and
    re-sent events never duplicate an effect. Assignments (department, job,
    manager, cost centre) go through ``hc.payroll.assignment``, whose contracts
    carry their history. HR records are written with sudo (see
    ``hc.payroll.org.sync``).
    """

    _name = "hc.payroll.workforce"
    _description = "Payroll: workforce lifecycle"

    @api.model
    def _apply_event(self, backend, event):
        """Apply one event; returns (employee, "created" | "updated" | "skipped")."""
        ref = event["employee"]["id"]
        kind = event["event_type"]
        effective = fields.Date.to_date(event["effective_date"])
        employee = self.env["hc.payroll.org.sync"]._employee(backend, ref)
        if not employee and kind not in ("hire", "rehire"):
            raise self._waiting(
                ref,
                _(
                    "Waiting for the hire of employee %(ref)s before applying "
                    "the %(kind)s of %(date)s.",
                    ref=ref,
                    kind=kind,
                    date=effective,
                ),
            )
        if employee and self._already_applied(employee, event):
            return employee, SKIPPED
        apply = {
            "hire": self._on_hire,
            "rehire": self._on_hire,
            "update": self._on_update,
            "transfer": self._on_transfer,
            "leave_start": self._on_leave_start,
            "leave_end": self._on_leave_end,
            "termination": self._on_termination,
        }[kind]
        employee, outcome = apply(backend, employee, event, effective)
        stamp = {"hc_last_sync": fields.Datetime.now()}
        if event.get("sequence"):
            stamp["hc_hr_sequence"] = event["sequence"]
        employee.write(stamp)
        self._wake_waiting(backend, ref)
        return employee, outcome

    @api.model
    def _waiting(self, ref, text):
        """The error that retries an event later; tagged so that it can be woken."""
        return HcRetryableError(
            f"{text} {WAIT_TAG.format(ref=ref)}", seconds=WAIT_SECONDS
        )

    @api.model
    def _wake_waiting(self, backend, ref):
        """Retry now the employee's events that wait for the one just applied.

        A waiting event is retried with backoff and would spend its attempts
        while its predecessor is late; once an event of the employee applies,
        those waiting behind it are queued again at once (after this commit).
        """
        waiting = (
            self.env["hc.message"]
            .sudo()
            .search(
                [
                    ("backend_id", "=", backend.id),
                    ("flow_id.flow_type_id.code", "in", WORKFORCE_FLOW_TYPES),
                    ("state", "=", "retrying"),
                    ("error_text", "like", WAIT_TAG.format(ref=ref)),
                ]
            )
        )
        waiting._enqueue()
        return waiting

    @api.model
    def _already_applied(self, employee, event):
        """True for an event the employee is past; waits for a missing earlier one."""
        sequence, last = event.get("sequence"), employee.hc_hr_sequence
        if not sequence or not last:
            return False
        if sequence <= last:
            return True
        if sequence > last + 1:
            raise self._waiting(
                employee.hc_hr_id,
                _(
                    "Waiting for event %(missing)s of employee %(ref)s before "
                    "event %(sequence)s.",
                    missing=last + 1,
                    ref=employee.hc_hr_id,
                    sequence=sequence,
                ),
            )
        return False

    # ------------------------------------------------------------------ events

    @api.model
    def _on_hire(self, backend, employee, event, effective):
        org = self.env["hc.payroll.org.sync"]
        assignment = org._assignment(backend, event.get("assignment") or {})
        outcome = UPDATED if employee else CREATED
        if employee and not employee.active:
            # hr's unarchiving clears the departure fields of the last exit
            employee.with_context(no_wizard=True).action_unarchive()
        if employee:
            self._write_person(backend, employee, event)
        else:
            employee = self._create_employee(backend, event)
        self.env["hc.payroll.assignment"]._assign(
            employee, assignment, effective, new=True
        )
        return employee, outcome

    @api.model
    def _on_update(self, backend, employee, event, effective):
        org = self.env["hc.payroll.org.sync"]
        self._write_person(backend, employee, event)
        assignment = org._assignment(backend, event.get("assignment") or {})
        if "manager" in assignment:
            self.env["hc.payroll.assignment"]._set_manager(employee, assignment)
        return employee, UPDATED

    @api.model
    def _on_transfer(self, backend, employee, event, effective):
        assignment = self.env["hc.payroll.org.sync"]._assignment(
            backend, event["assignment"]
        )
        changed = self.env["hc.payroll.assignment"]._assign(
            employee, assignment, effective
        )
        return employee, UPDATED if changed else SKIPPED

    @api.model
    def _on_termination(self, backend, employee, event, effective):
        data = event["termination"]
        reason = self.env["hc.payroll.org.sync"]._departure_reason(
            backend, data["reason"]
        )
        today = fields.Date.context_today(self)
        if (
            employee.departure_date == effective
            and employee.departure_reason_id == reason
            and (not employee.active or effective >= today)
        ):
            return employee, SKIPPED
        for contract in self.env["hc.payroll.assignment"]._contracts_after(
            employee, effective
        ):
            if contract.date_start > effective:
                contract.state = "cancel"
            else:
                contract.date_end = effective
        employee.write(
            {
                "departure_date": effective,
                "departure_reason_id": reason.id,
                "departure_description": data.get("note") or False,
            }
        )
        if effective < today:
            employee.with_context(no_wizard=True).action_archive()
        return employee, UPDATED

    @api.model
    def _on_leave_start(self, backend, employee, event, effective):
        expected_return = fields.Date.to_date(event["leave"]["expected_return"])
        last_day = expected_return - ONE_DAY
        if last_day < effective:
            raise HcBusinessError(
                _(
                    "Leave of %(ref)s: the expected return %(back)s is not after "
                    "the start %(start)s.",
                    ref=employee.hc_hr_id,
                    back=expected_return,
                    start=effective,
                ),
                kind="invalid_event",
            )
        leave = self._absences(employee).filtered(
            lambda lv: lv.request_date_from == effective
        )
        if leave.request_date_to == last_day:
            return employee, SKIPPED
        label = event["leave"].get("type") or _("Leave of absence")
        if leave:
            leave._force_cancel(
                _("Changed by the HR system"), notify_responsibles=False
            )
        self._book_absence(employee, effective, last_day, label)
        return employee, UPDATED

    @api.model
    def _on_leave_end(self, backend, employee, event, effective):
        leave = self._absences(employee).filtered(
            lambda lv: lv.request_date_from < effective
        )[-1:]
        if not leave:
            raise self._waiting(
                employee.hc_hr_id,
                _(
                    "Waiting for the leave of employee %(ref)s that ends on %(date)s.",
                    ref=employee.hc_hr_id,
                    date=effective,
                ),
            )
        last_day = effective - ONE_DAY
        if leave.request_date_to == last_day:
            return employee, SKIPPED
        # a validated time off cannot change dates: it is replaced
        leave._force_cancel(
            _("Returned on %s (HR system)", effective), notify_responsibles=False
        )
        self._book_absence(employee, leave.request_date_from, last_day, leave.name)
        return employee, UPDATED

    # ------------------------------------------------------------------ people

    @api.model
    def _create_employee(self, backend, event):
        data = event["employee"]
        org = self.env["hc.payroll.org.sync"]
        employee = (
            self.env["hr.employee"]
            .sudo()
            .create(
                {
                    **self._person_vals(data),
                    **org._stamp(backend),
                    "hc_hr_id": data["id"],
                    "company_id": backend.company_id.id,
                }
            )
        )
        org._link(backend, "employee", data["id"], employee, data.get("name"))
        return employee

    @api.model
    def _person_vals(self, data):
        """What Odoo keeps of the person: name and work contacts, nothing else.

        National ids and bank accounts are the HR system's and the provider's
        business; the flows' redaction rules mask them before storage.
        """
        fields_sent = {
            "name": "name",
            "work_email": "work_email",
            "work_phone": "work_phone",
        }
        return {field: data[key] for key, field in fields_sent.items() if key in data}

    @api.model
    def _write_person(self, backend, employee, event):
        vals = self._person_vals(event["employee"])
        vals.update(self.env["hc.payroll.org.sync"]._stamp(backend))
        employee.write(vals)

    # ------------------------------------------------------------------ absences

    @api.model
    def _absence_type(self):
        return self.env.ref("healthcare_integration_payroll.leave_type_absence")

    @api.model
    def _leaves(self):
        # hr_holidays checks the user's groups, not sudo (mandatory days,
        # validation): the HR system's absences are booked by OdooBot for it
        return self.env["hr.leave"].with_user(SUPERUSER_ID)

    @api.model
    def _absences(self, employee):
        return self._leaves().search(
            [
                ("employee_id", "=", employee.id),
                ("holiday_status_id", "=", self._absence_type().id),
                ("state", "not in", ("cancel", "refuse")),
            ],
            order="request_date_from",
        )

    @api.model
    def _book_absence(self, employee, first_day, last_day, label):
        return (
            self._leaves()
            .with_context(leave_skip_date_check=True, mail_create_nosubscribe=True)
            .create(
                {
                    "name": label,
                    "employee_id": employee.id,
                    "holiday_status_id": self._absence_type().id,
                    "request_date_from": first_day,
                    "request_date_to": last_day,
                }
            )
        )
