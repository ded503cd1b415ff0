# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from ..lib import inputs as lib


class HcHandlerPayrollInputsCsv(models.AbstractModel):
    """Compensation inputs of a pay period out to the provider, as CSV.

    Flow type ``payroll.inputs_csv``: the same batch as the JSON flow, one row
    per employee and code (``lib.inputs.CSV_COLUMNS``), built with the csv
    module. Written for any transport: over HTTP it is POSTed as text/csv; on
    a file backend the runtime writes it as a file named by the flow's
    pattern with ``file_name_values``. Stored copies keep no amounts once
    delivered.
    """

    _name = "hc.handler.payroll.inputs.csv"
    _inherit = "hc.handler.payroll.inputs"
    _description = "Payroll: compensation inputs out (CSV)"

    def build_payload(self, record, flow):
        return record._hc_csv()

    def _hc_masked_request(self, body):
        text = body.decode("utf-8")
        return lib.mask_csv_columns(text, lib.CSV_SALARY_COLUMNS).encode("utf-8")
