# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models

from odoo.addons.healthcare_integration_core.exceptions import (
    HcBusinessError,
    HcMappingError,
)


class HcPayrollOrgSync(models.AbstractModel):
    """HR-system codes -> Odoo records: employees, departments, jobs, cost centres.

    Everything matches by the HR system's codes through the backend's
    crosswalks (never by name): an unknown department or job is created with
    its crosswalk; a cost centre must exist (finance owns them): it matches
    by crosswalk, else by the analytic account's reference. HR records are
    written with sudo: the Integration Processor has no HR officer rights, and
    the HR system is the system of record for exactly these fields.
    """

    _name = "hc.payroll.org.sync"
    _description = "Payroll: HR organisation sync"

    @api.model
    def _crosswalk(self, backend, domain, code):
        return self.env["hc.crosswalk"].sudo()._resolve_many(backend, domain, [code])

    @api.model
    def _mapped(self, backend, domain, code):
        """The Odoo record an HR code is mapped to on ``backend`` (or None)."""
        entry = self._crosswalk(backend, domain, code).get(code)
        record = entry.record_ref if entry else None
        return record.sudo().with_context(active_test=False) if record else None

    @api.model
    def _link(self, backend, domain, code, record, label=None):
        self.env["hc.crosswalk"].sudo().create(
            {
                "backend_id": backend.id,
                "domain": domain,
                "external_code": code,
                "external_label": label or record.display_name,
                "record_ref": f"{record._name},{record.id}",
            }
        )

    @api.model
    def _stamp(self, backend):
        return {"hc_hr_backend_id": backend.id, "hc_last_sync": fields.Datetime.now()}

    # ------------------------------------------------------------------ lookups

    @api.model
    def _employee(self, backend, ref):
        """The employee the HR system knows as ``ref`` (archived included)."""
        employee = self._mapped(backend, "employee", ref)
        return employee or self.env["hr.employee"].sudo().browse()

    @api.model
    def _cost_center(self, backend, code):
        """The cost centre (analytic account) of an HR code; it must exist."""
        if not code:
            return self.env["account.analytic.account"]
        center = self._mapped(backend, "cost_center", code)
        if not center:
            center = (
                self.env["account.analytic.account"]
                .sudo()
                .search(
                    [
                        ("code", "=", code),
                        ("company_id", "in", (backend.company_id.id, False)),
                    ],
                    limit=1,
                )
            )
        if not center:
            raise HcMappingError(
                self.env["hc.crosswalk"]._missing_text(
                    backend, {("cost_center", code)}
                ),
                "cost_center",
                [code],
            )
        return center

    @api.model
    def _departure_reason(self, backend, code):
        reason = self._mapped(backend, "departure_reason", code)
        if not reason:
            reason = (
                self.env["hr.departure.reason"]
                .sudo()
                .search([("name", "=ilike", code)], limit=1)
            )
        if not reason:
            raise HcMappingError(
                self.env["hc.crosswalk"]._missing_text(
                    backend, {("departure_reason", code)}
                ),
                "departure_reason",
                [code],
            )
        return reason

    # ------------------------------------------------------------------ upserts

    @api.model
    def _department(self, backend, data):
        """The department of an HR code, created or updated from ``data``."""
        code = data["code"]
        department = self._mapped(backend, "department", code)
        vals = {"hc_code": code, **self._stamp(backend)}
        if data.get("name"):
            vals["name"] = data["name"]
        if data.get("cost_center"):
            vals["hc_cost_center_id"] = self._cost_center(
                backend, data["cost_center"]
            ).id
        if department:
            department.write(vals)
            return department
        if not vals.get("hc_cost_center_id"):
            raise HcBusinessError(
                _(
                    "New department %s comes without a cost centre: every department "
                    "needs one. Send its cost_center code.",
                    code,
                ),
                kind="missing_cost_center",
            )
        vals.setdefault("name", code)
        department = (
            self.env["hr.department"]
            .sudo()
            .create({**vals, "company_id": backend.company_id.id})
        )
        self._link(backend, "department", code, department, data.get("name"))
        return department

    @api.model
    def _job(self, backend, data):
        """The job of an HR code, created or updated from ``data``."""
        code = data["code"]
        job = self._mapped(backend, "job", code)
        vals = {"hc_code": code, **self._stamp(backend)}
        if data.get("name"):
            vals["name"] = data["name"]
        if job:
            job.write(vals)
            return job
        vals.setdefault("name", code)
        job = (
            self.env["hr.job"]
            .sudo()
            .create({**vals, "company_id": backend.company_id.id})
        )
        self._link(backend, "job", code, job, data.get("name"))
        return job

    @api.model
    def _assignment(self, backend, data):
        """{department, job, manager, cost_center}: the parts of an assignment sent."""
        assignment = {}
        if data.get("department"):
            assignment["department"] = self._department(backend, data["department"])
        if data.get("job"):
            assignment["job"] = self._job(backend, data["job"])
        if "manager_id" in data:
            ref = data["manager_id"]
            manager = self._employee(backend, ref) if ref else None
            assignment["manager"] = manager or self.env["hr.employee"]
            assignment["unknown_manager"] = ref if ref and not manager else None
        if "cost_center" in data:
            assignment["cost_center"] = self._cost_center(backend, data["cost_center"])
        return assignment
