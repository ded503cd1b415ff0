# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class HcHandlerRequisitionStatus(models.AbstractModel):
    """Requisition status out: the decision and its orders, to the platform.

    Sent by ``purchase.request._hc_send_status`` whenever the status document
    of a platform requisition changes (the idempotency key is the document's
    hash, so the same status is never sent twice), only through the bindings
    of the platform the requisition came from.
    """

    _name = "hc.handler.requisition.status"
    _inherit = "hc.handler"
    _description = "Requisition handler: status out"
    _hc_directions = ("outbound",)

    def select_flows(self, record, flows):
        return flows.filtered(lambda flow: flow.backend_id == record.hc_backend_id)

    def build_payload(self, record, flow):
        return record._hc_status_document()
