# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import http
from odoo.http import request

from ..lib.receive import InboundRequest

# werkzeug also routes OPTIONS (and HEAD) to a POST route: the receive service
# refuses every method but these before reading anything
WEBHOOK_METHODS = frozenset({"POST"})


def json_response(status, body, correlation_id=None):
    headers = [("Content-Type", "application/json")]
    if correlation_id:
        headers.append(("X-Correlation-ID", correlation_id))
    return request.make_response(json.dumps(body), headers=headers, status=status)


def inbound_request(door, backend_code, allowed_methods, label=None):
    """The ``InboundRequest`` of the current HTTP request, for an HTTP door.

    The body is read by the service, and only once its declared length is
    within the backend's limit (``get_data()`` would buffer a whole chunked
    body: one without a length is refused).
    """
    httprequest = request.httprequest
    encoding = (httprequest.headers.get("Transfer-Encoding") or "").lower()
    return InboundRequest(
        door=door,
        backend_code=backend_code,
        method=httprequest.method,
        allowed_methods=allowed_methods,
        headers=httprequest.headers,
        read_body=httprequest.get_data,
        content_length=httprequest.content_length,
        chunked="chunked" in encoding,
        remote_addr=httprequest.remote_addr,
        label=label,
    )


class HcWebhookController(http.Controller):
    """Signed webhooks: ``POST /hc/webhook/<backend code>/<flow code>``.

    A door of the receive service (``hc.receive``): it finds the flow the URL
    names, hands the request over and renders the receipt as JSON.
    """

    @http.route(
        "/hc/webhook/<string:backend_code>/<string:flow_code>",
        type="http",
        auth="none",
        methods=sorted(WEBHOOK_METHODS),
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def receive(self, backend_code, flow_code, **_kwargs):
        flow = request.env["hc.receive"]._addressed_flow(backend_code, flow_code)
        inbound = inbound_request("webhook", backend_code, WEBHOOK_METHODS, flow_code)
        receipt = flow.env["hc.receive"]._receive(inbound, flow)
        return json_response(
            receipt.status, receipt.as_answer(), receipt.correlation_id
        )
