# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models
from odoo.exceptions import UserError

from ..lib import finance


class HcAssetMonthEndWizard(models.TransientModel):
    """Run (or run again) the month-end capitalization of a period by hand."""

    _name = "hc.asset.month.end.wizard"
    _description = "Capital Equipment Month-end"

    period = fields.Char(
        required=True,
        default=lambda self: finance.previous_period(fields.Date.context_today(self)),
        help="Month to close, as YYYY-MM.",
    )

    def action_run(self):
        self.ensure_one()
        try:
            finance.period_bounds(self.period)
        except ValueError as error:
            raise UserError(str(error)) from None
        periods = self.env["hc.asset.finance.period"]._run_month_end(
            self.period, companies=self.env.companies
        )
        if not periods:
            raise UserError(
                _("No active finance flow (asset.capitalization_out) is bound.")
            )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "healthcare_integration_asset.hc_asset_finance_period_action"
        )
        action["domain"] = [("id", "in", periods.ids)]
        return action
