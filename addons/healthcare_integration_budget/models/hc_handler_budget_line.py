# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from odoo.addons.healthcare_integration_core.exceptions import HcBusinessError
from odoo.addons.healthcare_integration_procurement.lib import documents as docs

from ..lib import budget as lib


class HcHandlerBudgetLine(models.AbstractModel):
    """Budget lines in from the finance system, page by page::

        {"id": "FY2026/CC-4100/SUPPLIES", "budget": "FY2026",
         "cost_centre": "CC-4100", "position": "Medical supplies",
         "date_from": "2026-01-01", "date_to": "2026-12-31", "amount": 12000}

    ``amount`` is what may be spent (positive); Odoo plans it as a negative
    expense. The budget is found by name in the backend's company (created,
    confirmed, when new), the cost centre as requisitions find it (crosswalk,
    then the analytic account's reference), the budgetary position by the
    finance system's ``position_code`` (crosswalk), else by a name only one
    position has (an ambiguous name is a mapping exception).
    A line is found by budget, cost centre, position and period. An amount
    below what is already spent and committed on the line is refused: the
    line keeps its amount and the run lists why (never a silent overwrite of
    a commitment).
    """

    _name = "hc.handler.budget.line"
    _inherit = "hc.handler"
    _description = "Budget handler: budget lines in"
    _hc_directions = ("inbound",)

    def process_items(self, message, items):
        counts = {"created": 0, "updated": 0, "skipped": 0, "failed": 0}
        issues = []
        for item in items:
            ref = item.get("id") if isinstance(item, dict) else None
            try:
                with self.env.cr.savepoint():
                    counts[self._apply(message.flow_id, item)] += 1
            except (HcBusinessError, docs.DocumentError) as exc:
                self.env.invalidate_all()
                counts["skipped"] += 1
                issues.append(
                    {
                        "item": ref,
                        "kind": getattr(exc, "kind", "invalid_line"),
                        "code": getattr(exc, "code", None),
                        "text": str(exc),
                    }
                )
        return {**counts, "issues": issues}

    def _apply(self, flow, item):
        if not isinstance(item, dict):
            raise docs.DocumentError("a budget line must be an object")
        ref = docs.text(item.get("id")) or "-"
        amount = float(docs.decimal(item.get("amount"), f"{ref}: amount"))
        date_from = docs.date(item.get("date_from"), f"{ref}: date_from")
        date_to = docs.date(item.get("date_to"), f"{ref}: date_to")
        if not (date_from and date_to) or date_to < date_from:
            raise docs.DocumentError(f"{ref}: date_from and date_to make no period")
        company = flow.company_id
        code = docs.text(item.get("cost_centre"))
        cost_centre = self.env["hc.handler.requisition.in"]._cost_centre(
            flow.backend_id, company, code
        )
        if not cost_centre:
            error = HcBusinessError(
                self.env._(
                    "%(ref)s: unknown cost centre %(centre)s.",
                    ref=ref,
                    centre=code or "-",
                ),
                kind="mapping",
            )
            error.code = code
            raise error
        position = self._position(flow.backend_id, company, item, ref)
        budget = self._budget(company, docs.text(item.get("budget")) or ref, item)
        lines = self.env["crossovered.budget.lines"]
        line = lines.search(
            [
                ("crossovered_budget_id", "=", budget.id),
                ("analytic_account_id", "=", cost_centre.id),
                ("general_budget_id", "=", position.id),
                ("date_from", "=", date_from),
                ("date_to", "=", date_to),
            ],
            limit=1,
        )
        if not line:
            lines.create(
                {
                    "crossovered_budget_id": budget.id,
                    "analytic_account_id": cost_centre.id,
                    "general_budget_id": position.id,
                    "date_from": date_from,
                    "date_to": date_to,
                    "planned_amount": -amount,
                }
            )
            return "created"
        if -line.planned_amount == amount:
            return "skipped"
        self._check_not_below_commitments(line, amount, ref)
        line.planned_amount = -amount
        return "updated"

    def _position(self, backend, company, item, ref):
        """The budgetary position of a line: by the finance system's stable
        ``position_code`` (a *Budgetary position* crosswalk of the backend),
        else by ``position``, the name, when exactly one position of the
        company has it. Unknown or ambiguous: a mapping exception."""
        code = docs.text(item.get("position_code"))
        name = docs.text(item.get("position"))
        if code:
            entry = (
                self.env["hc.crosswalk"]
                ._resolve_many(backend, "budget_position", [code])
                .get(code)
            )
            if entry and entry.record_ref._name == "account.budget.post":
                return entry.record_ref
        positions = self.env["account.budget.post"]
        if name:
            positions = positions.search(
                [("name", "=", name), ("company_id", "=", company.id)], limit=2
            )
        if len(positions) == 1:
            return positions
        if len(positions) > 1:
            text = self.env._(
                "%(ref)s: budgetary position %(position)s is ambiguous (more than "
                "one position of %(company)s has that name). Map the finance "
                "system's position code%(code)s to one of them on backend "
                "%(backend)s (Crosswalks, Budgetary position), then replay.",
                ref=ref,
                position=name,
                company=company.name,
                code=f" {code}" if code else "",
                backend=backend.code,
            )
        else:
            text = self.env._(
                "%(ref)s: unknown budgetary position %(position)s. Map the "
                "finance system's position code on backend %(backend)s "
                "(Crosswalks, Budgetary position), then replay.",
                ref=ref,
                position=" / ".join(filter(None, (code, name))) or "-",
                backend=backend.code,
            )
        error = HcBusinessError(text, kind="mapping")
        error.code = code or name
        raise error

    def _budget(self, company, name, item):
        budgets = self.env["crossovered.budget"]
        budget = budgets.search(
            [("name", "=", name), ("company_id", "=", company.id)], limit=1
        )
        if not budget:
            budget = budgets.create(
                {
                    "name": name,
                    "company_id": company.id,
                    "date_from": docs.date(item.get("date_from"), "date_from"),
                    "date_to": docs.date(item.get("date_to"), "date_to"),
                }
            )
            budget.action_budget_confirm()
        return budget

    def _check_not_below_commitments(self, line, amount, ref):
        self.env.flush_all()
        # what was spent comes from analytic lines the processor may not read
        row = self.env["hc.budget.position"].sudo().browse(line.id)
        used = row.spent + row.committed if row.exists() else 0.0
        if lib.shortfall(used, amount):
            money = self.env["hc.budget.position"]._money(
                {"amount": amount, "used": used, "kept": -line.planned_amount},
                line.company_id,
            )
            error = HcBusinessError(
                self.env._(
                    "%(ref)s: %(amount)s is below what is already spent and "
                    "committed (%(used)s); the line keeps %(kept)s.",
                    ref=ref,
                    **money,
                ),
                kind="below_commitments",
            )
            error.code = ref
            raise error
