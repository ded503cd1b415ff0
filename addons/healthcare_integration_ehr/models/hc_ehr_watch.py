# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import float_compare

from odoo.addons.healthcare_integration_reconciliation.lib import kpi as kpi_lib

AVAILABILITY_FLOW = "ehr.availability_out"
# where used supplies go: anywhere but the group's own stock
USED_IN = ("internal", "transit")


class HcEhrWatch(models.Model):
    """An item the EHR watches at a location, with its threshold.

    When the on-hand quantity falls below the threshold, and at each change
    while it stays below, an availability event goes to the EHR; one more
    when it is back to the threshold. The idempotency key of an event is the
    state it reports, so a state is reported at most once.
    """

    _name = "hc.ehr.watch"
    _description = "EHR Availability Watch"
    _inherit = ["hc.consumer.mixin"]
    _order = "backend_id, product_id, location_id"
    _rec_name = "product_id"

    backend_id = fields.Many2one(
        "hc.backend", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="backend_id.company_id", store=True, index=True
    )
    product_id = fields.Many2one(
        "product.product", required=True, index=True, ondelete="cascade"
    )
    location_id = fields.Many2one(
        "stock.location", required=True, index=True, ondelete="cascade"
    )
    threshold = fields.Float(
        required=True,
        digits="Product Unit of Measure",
        help="On hand below this quantity (in the product's unit) is reported.",
    )
    uom_id = fields.Many2one(related="product_id.uom_id")
    active = fields.Boolean(default=True)
    on_hand = fields.Float(compute="_compute_on_hand", digits="Product Unit of Measure")
    last_status = fields.Selection(
        [("below", "Below threshold"), ("ok", "Available")], readonly=True
    )
    last_on_hand = fields.Float(readonly=True, digits="Product Unit of Measure")
    last_event_at = fields.Datetime(readonly=True)
    usage_days = fields.Integer(
        string="Usage window (days)",
        default=14,
        required=True,
        help="Recent usage is what left the location (consumed, scrapped, "
        "delivered) over this many days.",
    )
    risk_days = fields.Float(
        string="Cover wanted (days)",
        default=3.0,
        required=True,
        help="At risk of a stockout when what is on hand covers fewer days of "
        "recent usage.",
    )
    daily_usage = fields.Float(
        readonly=True, digits="Product Unit of Measure", help="Recent usage per day."
    )
    days_of_cover = fields.Float(
        readonly=True,
        digits=(16, 2),
        help="On hand divided by the recent usage per day (0 when nothing was "
        "used recently).",
    )
    stockout_risk = fields.Boolean(readonly=True, index=True)
    cover_checked_at = fields.Datetime(readonly=True)

    _sql_constraints = [
        (
            "watch_unique",
            "unique(backend_id, product_id, location_id)",
            "An item is watched once per location and backend.",
        ),
    ]

    def _compute_on_hand(self):
        for watch in self:
            watch.on_hand = watch._quantity_on_hand()

    def _quantity_on_hand(self):
        """On hand at the location and below it, read from the quants (no cache)."""
        self.ensure_one()
        self.env["stock.quant"].flush_model(["quantity", "product_id", "location_id"])
        [(quantity,)] = self.env["stock.quant"]._read_group(
            [
                ("product_id", "=", self.product_id.id),
                ("location_id", "child_of", self.location_id.id),
            ],
            aggregates=["quantity:sum"],
        )
        return quantity or 0.0

    # ------------------------------------------------------------------ checks

    @api.model
    def _cron_check(self):
        # also what was used ages out of the usage window without a move:
        # each watch's cover and the day's stockout risk are set again
        self.search([])._check()

    @api.model
    def _check_moves(self, moves):
        """Check the watches of the products and locations of done moves."""
        locations = moves.location_id | moves.location_dest_id
        watches = self.search(
            [
                ("product_id", "in", moves.product_id.ids),
                ("location_id", "parent_of", locations.ids),
            ]
        )
        watches._check()

    def _check(self):
        for watch in self:
            on_hand = watch._quantity_on_hand()
            watch._refresh_cover(on_hand)
            rounding = watch.product_id.uom_id.rounding
            below = (
                float_compare(on_hand, watch.threshold, precision_rounding=rounding) < 0
            )
            changed = float_compare(
                on_hand, watch.last_on_hand, precision_rounding=rounding
            )
            if below and (watch.last_status != "below" or changed):
                watch._notify("below_threshold", on_hand)
            elif not below and watch.last_status == "below":
                watch._notify("available", on_hand)
            elif not watch.last_status:
                watch.last_status = "ok"

        if self:
            self._set_stockout_risk(self.company_id)

    # ------------------------------------------------------------------ cover

    def _recent_usage(self, now=None):
        """What left the location (and below it) for outside the group's stock
        over the usage window, in the product's unit."""
        self.ensure_one()
        now = now or fields.Datetime.now()
        [(quantity,)] = self.env["stock.move"]._read_group(
            [
                ("state", "=", "done"),
                ("product_id", "=", self.product_id.id),
                ("location_id", "child_of", self.location_id.id),
                ("location_dest_id.usage", "not in", USED_IN),
                ("date", ">=", now - timedelta(days=self.usage_days)),
            ],
            aggregates=["product_qty:sum"],
        )
        return quantity or 0.0

    def _refresh_cover(self, on_hand, now=None):
        """Days of cover from recent usage and what is on hand; at risk when
        they are fewer than wanted (nothing on hand of a used item included)."""
        self.ensure_one()
        daily = self._recent_usage(now) / max(self.usage_days, 1)
        cover = max(on_hand, 0.0) / daily if daily > 0 else 0.0
        self.write(
            {
                "daily_usage": daily,
                "days_of_cover": cover,
                "stockout_risk": daily > 0 and cover < self.risk_days,
                "cover_checked_at": now or fields.Datetime.now(),
            }
        )

    @api.model
    def _set_stockout_risk(self, companies):
        """The day's stockout risk KPI of ``companies``: per EHR availability
        flow, its backend's active watches and those at risk."""
        today = fields.Date.context_today(self)
        kpis = self.env["hc.kpi.daily"].sudo()
        for company in companies:
            rows = self.sudo()._read_group(
                [("company_id", "=", company.id)],
                ["backend_id", "stockout_risk"],
                ["__count"],
            )
            by_flow = {}
            for backend, at_risk, count in rows:
                flow = self._availability_flows(backend)[:1]
                watched, risky = by_flow.get(flow, (0, 0))
                by_flow[flow] = (watched + count, risky + (count if at_risk else 0))
            for flow, (watched, risky) in by_flow.items():
                kpis._set_state(
                    kpi_lib.STOCKOUT_RISK, today, company, watched, risky, flow=flow
                )

    def _notify(self, status, on_hand):
        self._send_event(
            self.backend_id,
            self.product_id,
            self.location_id,
            status,
            on_hand=on_hand,
            threshold=self.threshold,
            expected=self._expected_date() if status == "below_threshold" else None,
            record=self,
        )
        self.write(
            {
                "last_status": "below" if status == "below_threshold" else "ok",
                "last_on_hand": on_hand,
                "last_event_at": fields.Datetime.now(),
            }
        )

    def _expected_date(self):
        """When more is expected: a move into the location, else a receipt of its
        warehouse."""
        moves = self.env["stock.move"]
        pending = [
            ("product_id", "=", self.product_id.id),
            ("state", "not in", ("done", "cancel", "draft")),
        ]
        incoming = moves.search(
            [
                *pending,
                ("location_dest_id", "child_of", self.location_id.id),
                (
                    "location_id",
                    "not in",
                    self.location_id.child_internal_location_ids.ids,
                ),
            ],
            order="date",
            limit=1,
        )
        warehouse = self.location_id.warehouse_id
        if not incoming and warehouse:
            incoming = moves.search(
                [
                    *pending,
                    ("picking_type_id.code", "=", "incoming"),
                    ("location_dest_id.warehouse_id", "=", warehouse.id),
                ],
                order="date",
                limit=1,
            )
        return incoming.date or None

    # ------------------------------------------------------------------ events

    @api.model
    def _send_event(
        self,
        backend,
        product,
        location,
        status,
        on_hand=None,
        threshold=None,
        expected=None,
        request=None,
        record=None,
    ):
        """Queue one availability event to ``backend`` (at most once per state)."""
        if on_hand is None:
            on_hand = product.with_context(location=location.id).qty_available
        handler = self.env["hc.handler.ehr.availability"]
        payload = handler._event(
            backend, product, location, status, on_hand, threshold, expected, request
        )
        key = "/".join(
            str(part)
            for part in (
                status,
                backend.id,
                product.id,
                location.id,
                f"{on_hand:g}",
                (payload.get("restriction") or {}).get("period", {}).get("end") or "",
                request.name if request else "",
            )
        )
        messages = self.env["hc.message"]
        for flow in self._availability_flows(backend):
            messages |= flow._send(
                payload, record=record or request, idempotency_key=key[:255]
            )
        return messages

    @api.model
    def _availability_flows(self, backend):
        """The active availability flows of ``backend`` (none when the
        backend is archived)."""
        return (
            self.env["hc.flow"]
            .sudo()
            .search(
                [
                    ("flow_type_id.code", "=", AVAILABILITY_FLOW),
                    ("backend_id", "=", backend.id),
                    ("backend_id.active", "=", True),
                ]
            )
        )
