# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from collections import defaultdict
from datetime import datetime, time, timedelta

from odoo import api, fields, models

_logger = logging.getLogger(__name__)


class HrEmployee(models.Model):
    _name = "hr.employee"
    _inherit = ["hr.employee", "hc.payroll.hr.owned.mixin", "hc.consumer.mixin"]
    _hc_hr_owned_fields = (
        "name",
        "work_email",
        "work_phone",
        "department_id",
        "job_id",
        "parent_id",
        "hc_cost_center_id",
        "hc_hr_id",
        "departure_date",
        "departure_reason_id",
        "departure_description",
    )

    hc_hr_id = fields.Char(
        string="HR system id",
        readonly=True,
        copy=False,
        index=True,
        groups="hr.group_hr_user",
        help="The employee's id in the HR system; the payroll provider knows the "
        "employee by it too.",
    )
    hc_hr_sequence = fields.Integer(
        string="Last HR event",
        readonly=True,
        copy=False,
        groups="hr.group_hr_user",
        help="Sequence number of the last HR-system event applied; events apply "
        "in this order.",
    )
    hc_cost_center_id = fields.Many2one(
        "account.analytic.account",
        string="Own cost centre",
        check_company=True,
        groups="hr.group_hr_user",
        help="Overrides the department's cost centre for this employee.",
    )
    hc_effective_cost_center_id = fields.Many2one(
        "account.analytic.account",
        string="Cost centre",
        compute="_compute_hc_effective_cost_center_id",
        groups="hr.group_hr_user",
    )

    _sql_constraints = [
        (
            "hc_hr_id_unique",
            "unique(hc_hr_backend_id, hc_hr_id)",
            "An HR system id belongs to one employee per HR system.",
        ),
    ]

    @api.depends("hc_cost_center_id", "department_id.hc_cost_center_id")
    def _compute_hc_effective_cost_center_id(self):
        for employee in self:
            employee.hc_effective_cost_center_id = (
                employee.hc_cost_center_id or employee.department_id.hc_cost_center_id
            )

    # ------------------------------------------------------------------ cost split

    def _hc_cost_shares(self, date_from, date_to):
        """{employee id: [(analytic account id, weight), ...]} over a period.

        The weight of a cost centre is the hours of validated, worked (not
        leave) work entries of the period that fall in a contract of that cost
        centre: an employee transferred mid-period is split by hours worked on
        each side. Without work entries the contracts' days in the period weigh
        instead; without a contract, the employee's current cost centre takes
        it all.
        """
        contracts = self._hc_contracts_in(date_from, date_to)
        hours = self._hc_worked_hours_by_day(date_from, date_to)
        shares = {}
        for employee in self:
            own = contracts.get(employee.id, [])
            weights = defaultdict(float)
            for day, worked in hours.get(employee.id, {}).items():
                center = employee._hc_cost_center_on(own, day)
                if center:
                    weights[center.id] += worked
            if not weights:
                for contract in own:
                    center = contract._hc_cost_center()
                    if center:
                        weights[center.id] += contract._hc_days_in(date_from, date_to)
            if not weights and employee.hc_effective_cost_center_id:
                weights[employee.hc_effective_cost_center_id.id] = 1.0
            shares[employee.id] = sorted(weights.items())
        return shares

    def _hc_contracts_in(self, date_from, date_to):
        contracts = (
            self.env["hr.contract"]
            .sudo()
            .search(
                [
                    ("employee_id", "in", self.ids),
                    ("state", "!=", "cancel"),
                    ("date_start", "<=", date_to),
                    "|",
                    ("date_end", "=", False),
                    ("date_end", ">=", date_from),
                ],
                order="date_start",
            )
        )
        by_employee = defaultdict(list)
        for contract in contracts:
            by_employee[contract.employee_id.id].append(contract)
        return by_employee

    def _hc_worked_hours_by_day(self, date_from, date_to):
        """{employee id: {date: hours}} of validated worked entries (UTC days)."""
        groups = (
            self.env["hr.work.entry"]
            .sudo()
            ._read_group(
                [
                    ("employee_id", "in", self.ids),
                    ("state", "=", "validated"),
                    ("work_entry_type_id.is_leave", "=", False),
                    ("date_start", ">=", datetime.combine(date_from, time.min)),
                    (
                        "date_start",
                        "<",
                        datetime.combine(date_to, time.min) + timedelta(days=1),
                    ),
                ],
                ["employee_id", "date_start:day"],
                ["duration:sum"],
            )
        )
        hours = defaultdict(dict)
        for employee, day, duration in groups:
            day = day.date() if isinstance(day, datetime) else day
            hours[employee.id][day] = hours[employee.id].get(day, 0.0) + duration
        return hours

    def _hc_cost_center_on(self, contracts, day):
        for contract in contracts:
            if contract.date_start <= day and (
                not contract.date_end or contract.date_end >= day
            ):
                return contract._hc_cost_center()
        return self.hc_effective_cost_center_id

    # ------------------------------------------------------------------ departures

    @api.model
    def _cron_hc_archive_departed(self):
        """Archive HR-managed employees once their departure date has passed."""
        departed = self.sudo().search(
            [
                ("hc_hr_backend_id", "!=", False),
                ("departure_date", "<", fields.Date.context_today(self)),
            ]
        )
        departed.with_context(no_wizard=True).action_archive()
        if departed:
            _logger.info("archived %s departed employee(s)", len(departed))
        return departed
