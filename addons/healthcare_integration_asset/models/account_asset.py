# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import _, fields, models
from odoo.exceptions import UserError


class AccountAsset(models.Model):
    _inherit = "account.asset"

    hc_equipment_id = fields.Many2one(
        "maintenance.equipment",
        string="Equipment",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="The equipment this asset was created for on receipt.",
    )
    hc_purchase_line_id = fields.Many2one(
        "purchase.order.line",
        string="Purchase order line",
        index="btree_not_null",
        copy=False,
        readonly=True,
    )

    hc_capitalized_period = fields.Char(
        string="Capitalization reported in",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Period (YYYY-MM) of the month-end push that reported this asset.",
    )

    def action_hc_open_equipment(self):
        self.ensure_one()
        return self.hc_equipment_id.get_formview_action()

    def _hc_cancel(self, reason):
        """Cancel draft assets (archived, with the reason in their chatter)."""
        for asset in self.filtered(lambda a: a.state == "draft" and a.active):
            asset.message_post(body=reason)
            asset.active = False

    def _hc_remove(self, day, sale_value=0.0, note=None):
        """Remove the asset on ``day`` through OCA's removal; post the entry.

        Depreciation due before ``day`` is posted first (OCA removes only
        after the last posted period); the removal entry books the sale value
        on the profile's disposal account and the gain or loss on its
        plus/min-value accounts. Returns the posted removal entry.
        """
        self.ensure_one()
        self._compute_entries(day - timedelta(days=1))
        profile = self.profile_id
        sale_account = profile.hc_disposal_account_id or profile.account_plus_value_id
        if sale_value and not sale_account:
            raise UserError(
                _(
                    "Asset profile %s has no disposal proceeds account: set one "
                    "to retire equipment with a sale value.",
                    profile.display_name,
                )
            )
        context = self.remove()["context"]
        wizard = (
            self.env["account.asset.remove"]
            .with_context(**context)
            .create(
                {
                    "date_remove": day,
                    "sale_value": sale_value,
                    "account_sale_id": sale_account.id,
                    "posting_regime": "gain_loss_on_sale",
                    "note": note or False,
                }
            )
        )
        action = wizard.remove()
        move = self.env["account.move"].search(action["domain"])
        move.action_post()
        return move
