# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class HcHandlerAssetCapitalization(models.AbstractModel):
    """Month-end capitalization and depreciation per cost centre, to finance.

    Pages are built and pushed by ``hc.asset.finance.period`` (once per period,
    a delta per correction); this handler only carries them.
    """

    _name = "hc.handler.asset.capitalization"
    _inherit = "hc.handler"
    _description = "Capitalization and depreciation out to finance"
    _hc_directions = ("outbound",)
