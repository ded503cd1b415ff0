# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.tools import float_compare, float_is_zero

from odoo.addons.healthcare_integration_core.exceptions import HcBusinessError


class HcEhrUsage(models.Model):
    """Supplies used on a ward, reported by the EHR, consumed and costed.

    A usage event (a ChargeItem, a SupplyDelivery to a patient, or a JSON
    event) consumes the item from the ward into the *Clinical consumption*
    location; Odoo's stock valuation values the move and allocates its cost
    to the service line's analytic account. Only a keyed token stands for the
    patient.
    """

    _name = "hc.ehr.usage"
    _description = "EHR Supply Usage"
    _inherit = ["mail.thread", "hc.consumer.mixin"]
    _order = "date desc, id desc"

    name = fields.Char(readonly=True, default="/", copy=False, required=True)
    backend_id = fields.Many2one(
        "hc.backend", required=True, index=True, ondelete="restrict", readonly=True
    )
    company_id = fields.Many2one(
        related="backend_id.company_id", store=True, index=True
    )
    source_key = fields.Char(
        string="EHR event",
        required=True,
        readonly=True,
        index=True,
        help="Resource type and id of the event in the EHR.",
    )
    version_key = fields.Char(readonly=True)
    patient_token = fields.Char(
        readonly=True,
        help="Keyed token of the patient: not reversible in Odoo; the EHR can "
        "tell which patient it stands for.",
    )
    product_id = fields.Many2one("product.product", readonly=True, index=True)
    quantity = fields.Float(digits="Product Unit of Measure", readonly=True)
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    date = fields.Datetime(readonly=True, index=True)
    location_id = fields.Many2one("stock.location", string="Ward", readonly=True)
    analytic_account_id = fields.Many2one(
        "account.analytic.account", string="Service line", readonly=True, index=True
    )
    move_ids = fields.One2many("stock.move", "hc_ehr_usage_id", readonly=True)
    cost = fields.Monetary(compute="_compute_cost", store=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        [("consumed", "Consumed"), ("reversed", "Reversed")],
        default="consumed",
        readonly=True,
        index=True,
    )

    _sql_constraints = [
        (
            "source_unique",
            "unique(backend_id, source_key)",
            "A usage event is received once per backend.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        sequence = self.env["ir.sequence"].sudo()
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = sequence.next_by_code("hc.ehr.usage") or "/"
        return super().create(vals_list)

    @api.depends("move_ids.state", "move_ids.stock_valuation_layer_ids.value")
    def _compute_cost(self):
        for usage in self:
            layers = usage.move_ids.sudo().stock_valuation_layer_ids
            usage.cost = -sum(layers.mapped("value"))

    # ------------------------------------------------------------------ applying

    @api.model
    def _apply(self, values):
        """Record or update one usage event; returns the usage.

        ``values`` has ``backend_id``, ``source_key``, ``version_key`` and,
        unless ``reverse`` is set, the product, quantity (in the product's
        unit), date, ward and service line. The same version twice changes
        nothing; a new version consumes or returns the difference.
        """
        reverse = values.pop("reverse", False)
        usage = self.search(
            [
                ("backend_id", "=", values["backend_id"]),
                ("source_key", "=", values["source_key"]),
            ],
            limit=1,
        )
        if usage and usage.version_key == values["version_key"]:
            return usage
        if reverse:
            if usage:
                usage._consume(-usage._consumed(), values["version_key"])
                usage.state = "reversed"
            return usage
        if not usage:
            usage = self.create({**values, "quantity": 0.0})
            usage._consume(values["quantity"], values["version_key"])
            return usage
        if (values["product_id"], values["location_id"]) != (
            usage.product_id.id,
            usage.location_id.id,
        ):
            usage._consume(-usage._consumed(), values["version_key"])
            usage.write(values)
            usage._consume(values["quantity"], values["version_key"])
            return usage
        delta = values["quantity"] - usage._consumed()
        usage.write({k: v for k, v in values.items() if k != "quantity"})
        usage._consume(delta, values["version_key"])
        usage.state = "consumed"
        return usage

    def _consumed(self):
        moves = self.move_ids.filtered(lambda m: m.state == "done")
        return sum(
            m.quantity if m.location_id == self.location_id else -m.quantity
            for m in moves
        )

    def _consumption_location(self):
        return self.env.ref("healthcare_integration_ehr.stock_location_consumption")

    def _consume(self, quantity, version):
        """Move ``quantity`` from the ward to consumption (negative: back)."""
        self.ensure_one()
        self.version_key = version
        rounding = self.product_id.uom_id.rounding
        if float_is_zero(quantity, precision_rounding=rounding):
            return
        if not self.product_id.is_storable:
            raise HcBusinessError(
                _(
                    "%s is not tracked in stock: its use cannot be consumed.",
                    self.product_id.display_name,
                ),
                kind="not_storable",
                records=self.product_id,
            )
        source, destination = self.location_id, self._consumption_location()
        if float_compare(quantity, 0, precision_rounding=rounding) < 0:
            source, destination = destination, source
        move = self.env["stock.move"].create(
            {
                "name": _(
                    "%(usage)s: %(product)s",
                    usage=self.name,
                    product=self.product_id.display_name,
                ),
                "origin": self.name,
                "product_id": self.product_id.id,
                "product_uom": self.product_id.uom_id.id,
                "product_uom_qty": abs(quantity),
                "location_id": source.id,
                "location_dest_id": destination.id,
                "company_id": self.company_id.id,
                "hc_ehr_usage_id": self.id,
                "date": self.date or fields.Datetime.now(),
            }
        )
        move._action_confirm()
        move.quantity = abs(quantity)
        move.picked = True
        move._action_done()
        self.quantity = self._consumed()
