# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..lib import fhir_screen


class HcFlow(models.Model):
    _inherit = "hc.flow"

    ehr_personal_data = fields.Selection(
        [
            (fhir_screen.MODE_DROP, "Drop personal data, keep the rest"),
            (fhir_screen.MODE_REFUSE, "Refuse payloads carrying personal data"),
        ],
        string="Personal data (EHR)",
        default=fhir_screen.MODE_DROP,
        required=True,
        help="What inbound FHIR flows of the EHR addon do with names, birth "
        "dates, addresses, telecom and free-text notes: drop them before the "
        "payload is stored, or refuse the payload (it is then not stored at "
        "all). Patient references are tokenized either way.",
    )
