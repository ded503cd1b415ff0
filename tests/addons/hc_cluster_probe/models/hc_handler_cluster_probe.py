import os
import time

from odoo import models

MAX_HOLD = 2.0  # seconds a probe event may keep its job busy


class HcHandlerClusterProbe(models.AbstractModel):
    """Probe events: each processing creates one ``hc.cluster.effect``.

    ``{"key": "E-1", "hold": 0.3}`` holds the job for 0.3 s after the effect
    is written, so that a node killed under load cuts some jobs off between
    their effect and their commit.
    """

    _name = "hc.handler.cluster.probe"
    _inherit = "hc.handler"
    _description = "Cluster probe handler"

    def process(self, message, document):
        effect = (
            self.env["hc.cluster.effect"]
            .sudo()
            .create(
                {
                    "key": str(document.get("key") or message.idempotency_key),
                    "message_id": message.id,
                    "node_pid": os.getpid(),
                }
            )
        )
        hold = min(float(document.get("hold") or 0), MAX_HOLD)
        if hold:
            time.sleep(hold)
        return effect
