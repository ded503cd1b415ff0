# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from odoo.addons.healthcare_integration_requisition.lib import (
    requisitions as requisition_lib,
)

from ..lib import budget as lib


class PurchaseRequest(models.Model):
    """A platform requisition over what is left of its cost centre's budget
    is held: it waits for the *Over budget* tier (the budget holder), the
    budget's responsible gets an activity, and the platform is told why."""

    _inherit = "purchase.request"

    hc_budget_held = fields.Boolean(
        string="Held for budget", readonly=True, copy=False, tracking=True
    )
    hc_budget_note = fields.Char(string="Budget check", readonly=True, copy=False)

    def _hc_route_for_approval(self):
        # EXTENDS healthcare_integration_requisition: the budget is checked
        # first, so that the over-budget tier applies to a held requisition
        self._hc_check_budget()
        return super()._hc_route_for_approval()

    def _hc_check_budget(self):
        """Hold each requisition whose cost exceeds the cost centre's available
        budget on its date (no budget line: not controlled).

        A batch is checked in order, with one read of the positions: a
        requisition that the routing will approve (held by no tier) commits
        its cost for those after it, as if each came on its own."""
        keys = [
            (request.hc_cost_centre_id.id, request.date_start)
            for request in self
            if request.hc_cost_centre_id
        ]
        positions = self.env["hc.budget.position"].sudo()._available(keys)
        self.fetch(["review_ids"])  # for the whole batch, not request by request
        taken, held = {}, []
        for request in self:
            key = (request.hc_cost_centre_id.id, request.date_start)
            position = positions.get(key)
            if not request.hc_cost_centre_id or position is None:
                if request.hc_budget_held or request.hc_budget_note:
                    request.write({"hc_budget_held": False, "hc_budget_note": False})
                request.invalidate_recordset(["need_validation"], flush=False)
                continue
            position = lib.Position(
                budget=position.budget,
                spent=position.spent,
                committed=round(position.committed + taken.get(key, 0.0), 2),
            )
            note = request._hc_hold_for_budget(position)
            # the tiers that apply follow the hold just written
            request.invalidate_recordset(["need_validation"], flush=False)
            if note:
                held.append((request, key, note))
                continue
            # approved by the routing (no tier applies): its cost is committed
            # (need_validation computed for this request alone, not its batch)
            alone = request.with_prefetch(request._ids)
            if not alone.need_validation and not alone.review_ids:
                taken[key] = taken.get(key, 0.0) + request.estimated_cost
        if held:
            budgets = (
                self.env["hc.budget.position"]
                .sudo()
                ._budgets([key for _request, key, _note in held])
            )
            for request, key, note in held:
                request._hc_notify_budget_holder(budgets[key], note)

    def _hc_hold_for_budget(self, position):
        """Hold the requisition when it exceeds ``position`` (a lib.Position);
        the note of the hold (None: not held)."""
        self.ensure_one()
        short = lib.shortfall(self.estimated_cost, position.available)
        money = self.env["hc.budget.position"]._money(
            {
                "amount": self.estimated_cost,
                "available": position.available,
                "budget": position.budget,
                "spent": position.spent,
                "committed": position.committed,
            },
            self.company_id,
        )
        note = self.env._(
            "Cost centre %(centre)s: requisition %(amount)s, available "
            "%(available)s (budget %(budget)s, spent %(spent)s, committed "
            "%(committed)s)",
            centre=self.hc_cost_centre_id.display_name,
            **money,
        )
        self.write({"hc_budget_held": bool(short), "hc_budget_note": note})
        return note if short else None

    def _hc_notify_budget_holder(self, budget, note):
        resolver = self.env["hc.procurement.resolver"]
        resolver._note(self, self.env._("Held for budget. %s", note))
        responsible = budget.creating_user_id or self.hc_backend_id.business_owner_id
        if responsible:
            self.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Requisition over budget"),
                note=note,
                user_id=responsible.id,
            )

    def _hc_status_document(self):
        # EXTENDS healthcare_integration_requisition: the platform hears why a
        # requisition, or an order made from it, waits for a budget holder
        document = super()._hc_status_document()
        if self.hc_budget_held and self.state == "draft":
            document["hold"] = {"reason": "budget", "detail": self.hc_budget_note}
        orders = self.line_ids.purchase_lines.order_id
        by_name = {order.name: order for order in orders}
        held = []
        for entry in document["purchase_orders"]:
            problems = by_name[entry["po_number"]]._hc_budget_hold()
            if problems:
                entry["hold"] = {"reason": "budget", "detail": "\n".join(problems)}
                held.append(entry)
        placed = orders.filtered(lambda order: order.state in ("purchase", "done"))
        if held and not placed and document["status"] == requisition_lib.ORDERED:
            # not ordered until a budget holder releases an order
            document["status"] = requisition_lib.HELD
            document["hold"] = {
                "reason": "budget",
                "detail": "\n".join(entry["hold"]["detail"] for entry in held),
            }
        return document
