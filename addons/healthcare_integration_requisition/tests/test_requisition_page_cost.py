# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from types import SimpleNamespace

from ..models.purchase_request_line import NEW_LINE_FIELDS
from .common import RequisitionCase, requisition

ITEMS = ("T100234", "T100871", "T300001")


class TestRequisitionPageCost(RequisitionCase):
    """A page of new requisitions is applied in bulk: its lines cost no
    statement of their own, each requisition a bounded few (its name, its
    tiers, its status message), whatever the load of the machine."""

    def page(self, prefix, count, lines, unit_price=2):
        return [
            requisition(
                f"{prefix}-{number}",
                lines=[
                    {
                        "line": line + 1,
                        "item": ITEMS[line % len(ITEMS)],
                        "quantity": 1 + line % 4,
                        "unit_price": unit_price,
                    }
                    for line in range(lines)
                ],
            )
            for number in range(count)
        ]

    def statements(self, items):
        """(statements, result) of the page ``items`` through the pull's path."""
        handler = self.env["hc.handler.requisition.in"]
        page = SimpleNamespace(flow_id=self.flow_pull, backend_id=self.backend)
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        result = handler.process_items(page, items)
        self.env.flush_all()
        return self.cr.sql_log_count - before, result

    def test_lines_cost_nothing_requisitions_a_bounded_few(self):
        self.statements(self.page("WARM", 2, 2))  # caches of the first call
        small, result = self.statements(self.page("A", 4, 2))
        self.assertEqual(result["created"], 4)
        long_lines, _result = self.statements(self.page("B", 4, 30))
        self.assertLessEqual(long_lines - small, 6, "30 lines a requisition, not 2")
        more, _result = self.statements(self.page("C", 8, 2))
        per_requisition = (more - small) / 4
        self.assertLessEqual(per_requisition, 20, (small, more))
        requests = self.env["purchase.request"].search(
            [("hc_platform_ref", "=like", "B-%")]
        )
        self.assertEqual(len(requests.line_ids), 120)
        self.assertEqual(set(requests.mapped("state")), {"approved"})
        statuses = self.env["hc.message"].search(
            [("flow_id", "=", self.flows["status_out"].id)]
        )
        self.assertEqual(len(statuses), 2 + 4 + 4 + 8, "one status each")

    def test_a_page_with_tiers_and_budget_costs_the_same_per_requisition(self):
        self.statements(self.page("WARM", 2, 2))
        small, _result = self.statements(self.page("P", 4, 2, unit_price=600))
        more, _result = self.statements(self.page("Q", 8, 2, unit_price=600))
        self.assertLessEqual((more - small) / 4, 30, (small, more))
        requests = self.env["purchase.request"].search(
            [("hc_platform_ref", "=like", "Q-%")]
        )
        self.assertEqual(set(requests.mapped("state")), {"draft"})
        self.assertEqual(requests.review_ids.definition_id, self.tier_head)

    def test_lines_inserted_in_bulk_are_the_rows_create_makes(self):
        self.statements(self.page("R", 2, 3))
        request = self.env["purchase.request"].search([("hc_platform_ref", "=", "R-0")])
        # the request's total follows its inserted lines
        self.assertEqual(request.estimated_cost, 12.0)  # (1 + 2 + 3) units at 2
        line = request.line_ids.sorted("hc_line_number")[0]
        made = (
            self.env["purchase.request.line"]
            .with_context(tracking_disable=True)
            .create(
                {
                    "request_id": request.id,
                    "hc_line_number": line.hc_line_number,
                    "product_id": line.product_id.id,
                    "name": line.name,
                    "product_qty": line.product_qty,
                    "product_uom_id": line.product_uom_id.id,
                    "estimated_cost": line.estimated_cost,
                    "analytic_distribution": line.analytic_distribution,
                    "date_required": line.date_required,
                }
            )
        )
        self.env.flush_all()
        self.cr.execute(
            "SELECT * FROM purchase_request_line WHERE id IN %s ORDER BY id",
            [(line.id, made.id)],
        )
        columns = [column.name for column in self.cr.description]
        inserted, created = self.cr.fetchall()
        self.assertEqual(
            {
                c: v
                for c, v, w in zip(columns, inserted, created, strict=True)
                if v != w
            },
            {"id": line.id},
            "every column as create writes it",
        )
        # the values written for OCA's computed fields are what they compute
        lines = request.line_ids - made
        written = lines.read(list(NEW_LINE_FIELDS))
        for name in NEW_LINE_FIELDS:
            self.env.add_to_compute(lines._fields[name], lines)
        self.env.flush_all()
        lines.invalidate_recordset()
        self.assertEqual(lines.read(list(NEW_LINE_FIELDS)), written)
