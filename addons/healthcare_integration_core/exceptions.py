# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError


class HcBusinessError(UserError):
    """A message that cannot be processed as it is; retrying will not help."""


class HcMappingError(HcBusinessError):
    """Codes of a message have no crosswalk entry."""

    def __init__(self, message, domain, codes):
        super().__init__(message)
        self.domain = domain
        self.codes = codes
