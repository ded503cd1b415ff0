# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command

from odoo.addons.healthcare_integration_requisition.tests.common import requisition

from .common import BudgetCase


class TestBudgetPull(BudgetCase):
    """Budget lines from finance: created, updated, never below commitments."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.flow_budget = cls.env["hc.flow"].create(
            {
                "flow_type_id": cls.env.ref(
                    "healthcare_integration_budget.flow_type_budget_pull"
                ).id,
                "backend_id": cls.backend.id,
                "endpoint": "/feeds/budgets",
                "max_attempts": 1,
            }
        )

    def pull(self, items):
        for number, item in enumerate(items):
            item.setdefault("updated_at", f"2026-12-0{number + 1}")
        self.sim.set_feed("budgets", items, page_size=10)
        self.flow_budget.watermark = False
        with self.jobs() as trap:
            run = self.flow_budget._run_batch()
            self.run_jobs(trap)
        pages = self.env["hc.message"].search([("run_id", "=", run.id)])
        self.assertEqual(
            set(pages.mapped("state")), {"done"}, pages.mapped("error_text")
        )
        return run

    def line(self, **values):
        year = self.budget.date_from.year
        return {
            "id": f"FY{year}/{values.get('cost_centre', 'TCC-4100')}",
            "budget": self.budget.name,
            "cost_centre": "TCC-4100",
            "position": self.budget_post.name,
            "date_from": str(self.budget.date_from),
            "date_to": str(self.budget.date_to),
            "amount": 1500,
            **values,
        }

    def test_lines_created_and_updated(self):
        run = self.pull([self.line(), self.line(cost_centre="TCC-4200", amount=800)])
        self.assertEqual((run.count_created, run.count_updated), (1, 1))
        self.assertEqual(self.position().budget, 1500.0)
        oncology = self.budget.crossovered_budget_line_ids.filtered(
            lambda ln: ln.analytic_account_id == self.other_cost_centre
        )
        self.assertEqual(oncology.planned_amount, -800.0)
        again = self.pull([self.line()])
        self.assertEqual((again.count_updated, again.count_skipped), (0, 1))

    def test_never_below_what_is_spent_and_committed(self):
        self.receive_payload(
            self.flow_in,
            requisition(
                "REQ-B-9",
                lines=[
                    {"line": 1, "item": "T100234", "quantity": 70, "unit_price": 10}
                ],
            ),
        )
        self.assertEqual(self.position().committed_requisitions, 700.0)
        run = self.pull([self.line(amount=600), self.line(cost_centre="CC-NONE")])
        self.assertEqual(run.count_updated, 0)
        issues = {issue.kind: issue for issue in run.issue_ids}
        self.assertEqual(set(issues), {"below_commitments", "mapping"})
        self.assertIn(
            f"committed ({self.money(700)})", issues["below_commitments"].text
        )
        self.assertIn(f"keeps {self.money(1000)}", issues["below_commitments"].text)
        self.assertEqual(self.position().budget, 1000.0, "the line keeps its amount")
        raised = self.pull([self.line(amount=750)])
        self.assertEqual(raised.count_updated, 1)
        self.assertEqual(self.position().budget, 750.0)

    def test_position_by_the_finance_code_an_ambiguous_name_is_refused(self):
        twin = self.env["account.budget.post"].create(
            {
                "name": self.budget_post.name,
                "company_id": self.company.id,
                "account_ids": [Command.set(self.budget_post.account_ids.ids)],
            }
        )
        run = self.pull([self.line(amount=1200)])
        [issue] = run.issue_ids
        self.assertEqual((issue.kind, issue.code), ("mapping", self.budget_post.name))
        self.assertIn("is ambiguous", issue.text)
        self.assertEqual(self.position().budget, 1000.0, "nothing written")
        # the finance system's stable code, mapped once, finds it whatever the name
        self.env["hc.crosswalk"].create(
            {
                "backend_id": self.backend.id,
                "domain": "budget_position",
                "external_code": "6100-SUP",
                "record_ref": f"account.budget.post,{self.budget_post.id}",
            }
        )
        run = self.pull([self.line(amount=1200, position_code="6100-SUP")])
        self.assertEqual(run.count_updated, 1, run.issue_ids.mapped("text"))
        self.assertEqual(self.position().budget, 1200.0)
        self.assertFalse(twin.crossovered_budget_line_ids)
        unknown = self.pull([self.line(position_code="9999", position="Nothing")])
        [issue] = unknown.issue_ids
        self.assertEqual((issue.kind, issue.code), ("mapping", "9999"))
        self.assertIn("unknown budgetary position 9999 / Nothing", issue.text)
