# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class StockMove(models.Model):
    _inherit = "stock.move"

    hc_ehr_usage_id = fields.Many2one(
        "hc.ehr.usage",
        string="EHR usage",
        index="btree_not_null",
        readonly=True,
        copy=False,
    )

    def _get_analytic_distribution(self):
        # EXTENDS stock_account: the consumption of an EHR usage event is
        # costed to its service line
        account = self.hc_ehr_usage_id.analytic_account_id
        if account:
            return {str(account.id): 100}
        return super()._get_analytic_distribution()

    def _action_done(self, cancel_backorder=False):
        # EXTENDS stock: moves change what the EHR's watched items have on
        # hand. Whoever moves stock may not read the watches nor create
        # integration messages: the check runs as superuser.
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        done = moves.filtered(lambda m: m.state == "done")
        if done:
            self.env["hc.ehr.watch"].sudo()._check_moves(done)
        return moves
