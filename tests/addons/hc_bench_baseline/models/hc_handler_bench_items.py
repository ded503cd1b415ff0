from odoo import models


class HcHandlerBenchItems(models.AbstractModel):
    """A domain-like batch handler: creates one record per item, in bulk."""

    _name = "hc.handler.bench.items"
    _inherit = "hc.handler"
    _description = "Benchmark handler: items"
    _hc_directions = ("inbound",)

    def process_items(self, message, items):
        self.env["hc.bench.item"].sudo().create(
            [{"name": i["name"], "code": i["code"], "quantity": 1} for i in items]
        )
        return {"created": len(items)}
