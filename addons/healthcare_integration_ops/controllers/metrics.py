# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import SUPERUSER_ID, http
from odoo.http import request

from ..lib import ops_metrics

_logger = logging.getLogger(__name__)


class HcMetricsController(http.Controller):
    """Prometheus scrapes: ``GET /hc/metrics`` with ``Authorization: Bearer``.

    The figures are read from the database at each scrape (no in-process
    counters: several workers serve requests). Without the token configured in
    *Integration > Configuration > Metrics token*, every scrape is refused.
    """

    @http.route(
        "/hc/metrics",
        type="http",
        auth="none",
        methods=["GET"],
        csrf=False,
        save_session=False,
        readonly=True,
    )
    def metrics(self, **_kwargs):
        # the figures cover every company of the database: the token, set by
        # an administrator, is the only key; nothing is read before it checks
        env = request.env(user=SUPERUSER_ID)
        service = env["hc.ops.metrics"]
        presented = ops_metrics.bearer_token(
            request.httprequest.headers.get("Authorization")
        )
        if not service._check_token(presented):
            _logger.info(
                "metrics scrape refused from %s", request.httprequest.remote_addr
            )
            return request.make_response(
                "401 Unauthorized: a valid bearer token is required\n",
                headers=[
                    ("Content-Type", "text/plain; charset=utf-8"),
                    ("WWW-Authenticate", 'Bearer realm="hc-metrics"'),
                ],
                status=401,
            )
        return request.make_response(
            service._exposition(),
            headers=[
                ("Content-Type", ops_metrics.CONTENT_TYPE),
                ("Cache-Control", "no-store"),
            ],
        )
