# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, fields
from odoo.tests.common import TransactionCase
from odoo.tools.misc import format_amount

from odoo.addons.healthcare_integration_requisition.tests.common import (
    RequisitionHttpCase,
    RequisitionMixin,
)


class BudgetMixin(RequisitionMixin):
    """The requisition tests' platform, and a budget of 1,000 for cost
    centre TCC-4100 this year (its responsible: the budget holder)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref(
            "healthcare_integration_budget.tier_definition_over_budget"
        ).active = True
        cls.accountant = (
            cls.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Test budget holder",
                    "login": "bud.holder",
                    "email": "bud.holder@hospital.example",
                    "groups_id": [
                        Command.set(
                            (
                                cls.env.ref("account.group_account_manager")
                                | cls.env.ref(
                                    "purchase_request.group_purchase_request_manager"
                                )
                            ).ids
                        )
                    ],
                }
            )
        )
        expense = cls.env["account.account"].search(
            [("account_type", "=", "expense"), ("company_ids", "in", cls.company.ids)],
            limit=1,
        )
        cls.budget_post = position = cls.env["account.budget.post"].create(
            {"name": "Medical supplies", "account_ids": [Command.set(expense.ids)]}
        )
        today = fields.Date.context_today(cls.env["res.partner"])
        cls.budget = cls.env["crossovered.budget"].create(
            {
                "name": "Ward 4 supplies",
                "date_from": today.replace(month=1, day=1),
                "date_to": today.replace(month=12, day=31),
                "creating_user_id": cls.accountant.id,
                "crossovered_budget_line_ids": [
                    Command.create(
                        {
                            "analytic_account_id": cls.cost_centre.id,
                            "general_budget_id": position.id,
                            "date_from": today.replace(month=1, day=1),
                            "date_to": today.replace(month=12, day=31),
                            "planned_amount": -1000.0,
                        }
                    )
                ],
            }
        )
        cls.budget.action_budget_confirm()

    def money(self, amount):
        """``amount`` as the budget's messages show it: in the company's
        currency (e.g. "$ 1,000.00")."""
        return format_amount(self.env, amount, self.company.currency_id)

    def position(self):
        self.env.invalidate_all()
        return self.env["hc.budget.position"].search(
            [
                ("budget_id", "=", self.budget.id),
                ("analytic_account_id", "=", self.cost_centre.id),
            ]
        )


class BudgetCase(BudgetMixin, TransactionCase):
    pass


class BudgetHttpCase(BudgetMixin, RequisitionHttpCase):
    pass
