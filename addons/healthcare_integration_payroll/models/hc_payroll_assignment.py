# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, time, timedelta

from odoo import _, api, fields, models

ONE_DAY = timedelta(days=1)


class HcPayrollAssignment(models.AbstractModel):
    """An employee's assignment over time: the contracts that carry the cost.

    Each contract holds a department, a job and the cost centre in force
    while it runs; an assignment that changes on a date ends the running
    contract the day before and opens the next one, so that labour cost is
    split where the employee actually worked. HR records are written with
    sudo (see ``hc.payroll.org.sync``).
    """

    _name = "hc.payroll.assignment"
    _description = "Payroll: assignments and contracts"

    @api.model
    def _set_manager(self, employee, assignment):
        employee.parent_id = assignment["manager"]
        if assignment.get("unknown_manager"):
            employee.message_post(
                body=_(
                    "The HR system names manager %s, who is not known here yet; the "
                    "manager is left empty until an event brings them.",
                    assignment["unknown_manager"],
                ),
                subtype_xmlid="mail.mt_note",
            )

    @api.model
    def _assign(self, employee, assignment, effective, new=False):
        """Apply an assignment from ``effective`` on; True when something changed."""
        contract = self._contract_on(employee, effective)
        values = self._contract_values(employee, assignment, contract)
        changed = True
        if contract and all(
            contract[name].id == value for name, value in values.items()
        ):
            changed = False
        elif contract and contract.date_start == effective:
            contract.write(values)
        elif contract:
            self._split_contract(contract, effective, values)
        else:
            self._open_contract(employee, effective, values)
        if new or effective <= fields.Date.context_today(self):
            employee_vals = {
                "department_id": values["department_id"],
                "job_id": values["job_id"],
            }
            if "cost_center" in assignment:
                employee_vals["hc_cost_center_id"] = assignment["cost_center"].id
            employee.write(employee_vals)
            if "manager" in assignment:
                self._set_manager(employee, assignment)
        return changed

    @api.model
    def _contract_values(self, employee, assignment, contract):
        department = (
            assignment.get("department")
            or contract.department_id
            or employee.department_id
        )
        job = assignment.get("job") or contract.job_id or employee.job_id
        own_center = (
            assignment["cost_center"]
            if "cost_center" in assignment
            else employee.hc_cost_center_id
        )
        return {
            "department_id": department.id,
            "job_id": job.id,
            "hc_cost_center_id": (own_center or department.hc_cost_center_id).id,
        }

    @api.model
    def _contracts(self, employee):
        return (
            self.env["hr.contract"]
            .sudo()
            .search(
                [("employee_id", "=", employee.id), ("state", "!=", "cancel")],
                order="date_start",
            )
        )

    @api.model
    def _contract_on(self, employee, day):
        return self._contracts(employee).filtered(
            lambda c: c.date_start <= day and (not c.date_end or c.date_end >= day)
        )[:1]

    @api.model
    def _contracts_after(self, employee, day):
        return self._contracts(employee).filtered(
            lambda c: not c.date_end or c.date_end > day
        )

    @api.model
    def _open_contract(self, employee, start, values, end=None):
        job = self.env["hr.job"].sudo().browse(values["job_id"])
        incoming = start > fields.Date.context_today(self)
        return (
            self.env["hr.contract"]
            .sudo()
            .create(
                {
                    **values,
                    "name": f"{employee.name} - {job.name or ''} ({start})",
                    "employee_id": employee.id,
                    "company_id": employee.company_id.id,
                    "date_start": start,
                    "date_end": end,
                    "wage": 0.0,
                    "resource_calendar_id": employee.resource_calendar_id.id,
                    "hc_hr_backend_id": employee.hc_hr_backend_id.id,
                    "hc_last_sync": fields.Datetime.now(),
                    # an incoming contract opens on its date (hr_contract's cron)
                    "state": "draft" if incoming else "open",
                    "kanban_state": "done" if incoming else "normal",
                }
            )
        )

    @api.model
    def _split_contract(self, contract, effective, values):
        """End ``contract`` the day before ``effective``; the next one starts then.

        Work entries from the effective day on move to the new contract: ending
        a contract would otherwise delete them (hr_work_entry_contract), and
        validated hours must not be lost by a transfer.
        """
        since = datetime.combine(effective, time.min)
        generated_to = contract.date_generated_to
        if generated_to and generated_to > since:
            contract.date_generated_to = datetime.combine(effective - ONE_DAY, time.max)
        end = contract.date_end
        contract.date_end = effective - ONE_DAY
        successor = self._open_contract(contract.employee_id, effective, values, end)
        entries = (
            self.env["hr.work.entry"]
            .sudo()
            .search([("contract_id", "=", contract.id), ("date_start", ">=", since)])
        )
        entries.write({"contract_id": successor.id})
        if generated_to and generated_to > since:
            successor.write(
                {"date_generated_from": since, "date_generated_to": generated_to}
            )
        return successor
