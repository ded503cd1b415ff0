# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models, tools
from odoo.tools.misc import format_amount

from ..lib import budget as lib

# One row per budget line of a cost centre (an analytic account) in a
# confirmed or validated budget, with what is committed against it in its
# period. Analytic distributions are read from their JSON in SQL: a list of
# every commitment per cost centre is one query, not one per record. Each
# budget line finds its documents through Odoo's GIN index of the
# distributions' account ids (analytic.mixin), not by expanding every
# document's distribution: checking one cost centre costs what that cost
# centre has, not what the company has (bench/bench_governance.py).
VIEW = r"""
CREATE OR REPLACE VIEW hc_budget_position AS (
    SELECT bl.id, bl.id AS budget_line_id, bl.crossovered_budget_id AS budget_id,
           bl.analytic_account_id, bl.company_id, bl.date_from, bl.date_to,
           -bl.planned_amount AS budget,
           coalesce(req.amount, 0) AS committed_requisitions,
           coalesce(ord.ordered, 0) AS committed_orders,
           coalesce(ord.received, 0) AS received_not_invoiced
      FROM crossovered_budget_lines bl
      JOIN crossovered_budget b ON b.id = bl.crossovered_budget_id
      LEFT JOIN LATERAL (
           SELECT sum(prl.estimated_cost * (prl.analytic_distribution
                      ->> bl.analytic_account_id::text)::numeric / 100) AS amount
             FROM purchase_request_line prl
            WHERE regexp_split_to_array(jsonb_path_query_array(
                      prl.analytic_distribution, '$.keyvalue()."key"')::text, '\D+')
                  @> ARRAY[bl.analytic_account_id::text]
              AND prl.request_state IN ('approved', 'in_progress')
              AND NOT coalesce(prl.cancelled, false)
              AND prl.date_start BETWEEN bl.date_from AND bl.date_to
              AND NOT EXISTS (
                   SELECT 1 FROM purchase_request_purchase_order_line_rel rel
                     JOIN purchase_order_line pol
                       ON pol.id = rel.purchase_order_line_id
                     JOIN purchase_order po ON po.id = pol.order_id
                    WHERE rel.purchase_request_line_id = prl.id
                      AND po.state IN ('purchase', 'done'))
      ) req ON true
      LEFT JOIN LATERAL (
           SELECT sum(greatest(pol.product_qty - pol.qty_received, 0) * pol.price_unit
                      * (pol.analytic_distribution
                         ->> bl.analytic_account_id::text)::numeric / 100) AS ordered,
                  sum(greatest(pol.qty_received - pol.qty_invoiced, 0) * pol.price_unit
                      * (pol.analytic_distribution
                         ->> bl.analytic_account_id::text)::numeric / 100) AS received
             FROM purchase_order_line pol
             JOIN purchase_order po ON po.id = pol.order_id
            WHERE regexp_split_to_array(jsonb_path_query_array(
                      pol.analytic_distribution, '$.keyvalue()."key"')::text, '\D+')
                  @> ARRAY[bl.analytic_account_id::text]
              AND po.state IN ('purchase', 'done')
              AND po.date_order::date BETWEEN bl.date_from AND bl.date_to
      ) ord ON true
     WHERE bl.analytic_account_id IS NOT NULL
       AND b.state IN ('confirm', 'validate')
)
"""
# What the view reads, flushed before it is searched: only that, so that a
# page of requisitions checked against its budgets keeps its lines' other
# pending values (OCA's related and computed fields) to be written once, with
# their approval, rather than twice (bench/bench_governance.py)
VIEW_SOURCES = {
    "crossovered.budget": ["state"],
    "crossovered.budget.lines": [
        "crossovered_budget_id",
        "analytic_account_id",
        "company_id",
        "date_from",
        "date_to",
        "planned_amount",
    ],
    "purchase.request.line": [
        "estimated_cost",
        "analytic_distribution",
        "request_state",
        "cancelled",
        "date_start",
    ],
    "purchase.order.line": [
        "order_id",
        "product_qty",
        "qty_received",
        "qty_invoiced",
        "price_unit",
        "analytic_distribution",
    ],
    "purchase.order": ["state", "date_order"],
}


class HcBudgetPosition(models.Model):
    """A cost centre's budget line: budget, spent, committed, available.

    Committed: approved requisitions not yet ordered (their estimated cost,
    until an order made from them is confirmed),
    confirmed orders not yet received, received not yet invoiced (at the
    order price, without taxes), each charged to the cost centres of its
    analytic distribution and counted in the budget line whose period holds
    its date. Spent is the budget line's practical amount (account_budget_oca).
    """

    _name = "hc.budget.position"
    _description = "Budget position of a cost centre"
    _auto = False
    _order = "analytic_account_id, date_from"

    budget_line_id = fields.Many2one("crossovered.budget.lines", readonly=True)
    budget_id = fields.Many2one("crossovered.budget", readonly=True)
    analytic_account_id = fields.Many2one(
        "account.analytic.account", string="Cost centre", readonly=True
    )
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(readonly=True)
    date_to = fields.Date(readonly=True)
    budget = fields.Float(string="Budget amount", readonly=True)
    committed_requisitions = fields.Float(string="Approved requisitions", readonly=True)
    committed_orders = fields.Float(string="Ordered, not received", readonly=True)
    received_not_invoiced = fields.Float(readonly=True)
    committed = fields.Float(compute="_compute_amounts")
    spent = fields.Float(compute="_compute_amounts")
    available = fields.Float(compute="_compute_amounts")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(VIEW)

    def _compute_amounts(self):
        for row in self:
            committed = (
                row.committed_requisitions
                + row.committed_orders
                + row.received_not_invoiced
            )
            position = lib.position(
                row.budget_line_id.planned_amount,
                row.budget_line_id.practical_amount,
                committed,
            )
            row.committed = position.committed
            row.spent = position.spent
            row.available = position.available

    @api.model
    def _money(self, amounts, company):
        """``amounts`` ({name: amount}) in the currency of ``company``, as
        its users read them (e.g. {"budget": "$ 6,000.00"}): the values of
        the budget's messages."""
        currency = company.currency_id
        return {
            name: format_amount(self.env, amount, currency)
            for name, amount in amounts.items()
        }

    @api.model
    def _flush_sources(self):
        """Write what the view reads and is pending (``VIEW_SOURCES``)."""
        for model, fnames in VIEW_SOURCES.items():
            self.env[model].flush_model(fnames)

    @api.model
    def _holding(self, keys):
        """{(cost centre id, day): the rows of the cost centre whose period
        holds the day} of each key a budget line covers, in one search
        however many keys (rows in ``_order``)."""
        keys = list(dict.fromkeys(keys))
        if not keys:
            return {}
        self._flush_sources()
        rows = self.search(
            [("analytic_account_id", "in", list({centre for centre, _day in keys}))]
        )
        by_centre = {}
        for row in rows:
            by_centre.setdefault(row.analytic_account_id.id, []).append(row)
        found = {}
        for centre, day in keys:
            holding = [
                row
                for row in by_centre.get(centre, ())
                if row.date_from <= day <= row.date_to
            ]
            if holding:
                found[(centre, day)] = holding
        return found

    @api.model
    def _available(self, keys):
        """{(cost centre id, day): lib.Position} of each key a budget line
        covers, in one search (commitments are counted in each line of the
        cost centre, so the largest is taken)."""
        return {
            key: lib.Position(
                budget=round(sum(row.budget for row in holding), 2),
                spent=round(sum(row.spent for row in holding), 2),
                committed=round(max(row.committed for row in holding), 2),
            )
            for key, holding in self._holding(keys).items()
        }

    @api.model
    def _budgets(self, keys):
        """{(cost centre id, day): budget} of each key a budget line covers
        (its first line's, as ``_on`` orders them), in one search."""
        return {
            key: holding[0].budget_id for key, holding in self._holding(keys).items()
        }

    @api.model
    def _on(self, cost_centre, day):
        """The positions of ``cost_centre`` whose period holds ``day``."""
        self._flush_sources()
        return self.search(
            [
                ("analytic_account_id", "=", cost_centre.id),
                ("date_from", "<=", day),
                ("date_to", ">=", day),
            ]
        )
