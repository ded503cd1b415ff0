from odoo import http
from odoo.http import request


class BenchBare(http.Controller):
    """The ceiling of ingestion: an unauthenticated route inserting one row."""

    @http.route(
        "/hc_bench/bare",
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def bare(self):
        body = request.httprequest.get_data()
        request.env.cr.execute(
            "INSERT INTO hc_bench_item (name, code, quantity) VALUES (%s, %s, 1)",
            ("bare", body[:64].decode(errors="replace")),
        )
        return request.make_response(
            '{"ok": true}', headers=[("Content-Type", "application/json")], status=202
        )
