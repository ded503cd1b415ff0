from odoo import api, fields, models


class HcBenchItem(models.Model):
    """A domain-like record created by the benchmark's batch handler."""

    _name = "hc.bench.item"
    _description = "Benchmark item"

    name = fields.Char(required=True)
    code = fields.Char(index=True)
    quantity = fields.Float()

    def _noop(self):
        """The no-op queue job the outbound delivery is compared with."""
        return "noop"

    @api.model
    def enqueue_noops(self, count, channel="root.hc"):
        """Queue ``count`` no-op jobs (benchmark baseline); returns the count."""
        for _n in range(count):
            self.with_delay(channel=channel)._noop()
        return count

    @api.model
    def enqueue_messages(self, flow_id, count):
        """Queue ``count`` outbound messages on a flow; returns the count."""
        flow = self.env["hc.flow"].browse(flow_id)
        for n in range(count):
            flow._send({"order": f"BENCH-{n}", "lines": [{"item": "G-1", "qty": n}]})
        return count

    @api.model
    def naive_loop(self, items):
        """The naive baseline: one ORM create per item."""
        for item in items:
            self.create({"name": item["name"], "code": item["code"], "quantity": 1})
        return len(items)
