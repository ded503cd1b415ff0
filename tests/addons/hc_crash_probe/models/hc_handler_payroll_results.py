from odoo import models

from .hold import hold


class HcHandlerPayrollResults(models.AbstractModel):
    _inherit = "hc.handler.payroll.results"

    def _hc_record(self, *args, **kwargs):
        # the journal entry is posted, the result not recorded yet
        hold(self.env, "payroll.results")
        return super()._hc_record(*args, **kwargs)
