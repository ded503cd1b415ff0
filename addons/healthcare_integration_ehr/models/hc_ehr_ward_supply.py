# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models
from odoo.exceptions import UserError

from odoo.addons.healthcare_integration_core.exceptions import HcBusinessError


class HcEhrWardSupply(models.AbstractModel):
    """Serve a ward's demand through Odoo's procurement rules.

    The inheriting model holds the demand: ``product_id``, ``product_uom_id``,
    ``location_id`` (the ward), optionally ``location_src_id`` (the store to
    deliver from), ``date_needed``, ``urgent``, a ``procurement_group_id``
    and its ``purchase_line_ids``. ``_procure(quantity)`` runs the rules of
    the route *EHR ward supply* (or the rule from the named store) and links
    the transfers it made back to the demand.
    """

    _name = "hc.ehr.ward.supply"
    _description = "Ward supply through procurement rules"

    def _supply_route(self):
        return self.env.ref("healthcare_integration_ehr.route_ehr_ward_supply")

    def _procurement_values(self):
        self.ensure_one()
        values = {
            "group_id": self.procurement_group_id,
            "date_planned": self.date_needed or fields.Datetime.now(),
            "date_deadline": self.date_needed or False,
            "priority": "1" if self.urgent else "0",
            "warehouse_id": self.location_id.warehouse_id,
            "route_ids": self._supply_route(),
        }
        if self.location_src_id:
            values["route_ids"] = self._rule_from_store().route_id
        return values

    def _rule_from_store(self):
        rule = self.env["stock.rule"].search(
            [
                ("action", "in", ("pull", "pull_push")),
                ("location_dest_id", "=", self.location_id.id),
                ("location_src_id", "=", self.location_src_id.id),
            ],
            limit=1,
        )
        if not rule:
            raise HcBusinessError(
                _(
                    "No stock rule supplies %(ward)s from %(store)s (deliverFrom): "
                    "add one to a route, then replay the message.",
                    ward=self.location_id.display_name,
                    store=self.location_src_id.display_name,
                ),
                kind="no_supply_rule",
                records=self.location_id,
            )
        return rule

    def _procure(self, quantity):
        """Run Odoo's procurement for ``quantity`` at the ward (and the store)."""
        self.ensure_one()
        procurements = self.env["procurement.group"]
        procurement = procurements.Procurement(
            self.product_id,
            quantity,
            self.product_uom_id,
            self.location_id,
            self.name,
            self.name,
            self.company_id,
            self._procurement_values(),
        )
        try:
            procurements.run([procurement])
        except UserError as exc:
            raise HcBusinessError(
                _(
                    "%(request)s cannot be supplied: %(error)s",
                    request=self.name,
                    error=exc,
                ),
                kind="replenishment",
                records=self.product_id,
            ) from None
        self._link_transfers()

    def _link_transfers(self):
        moves = self.procurement_group_id.stock_move_ids.filtered(
            lambda m: m.location_dest_id == self.location_id
        )
        moves.picking_id.filtered(lambda p: not p.hc_ehr_request_id).write(
            {"hc_ehr_request_id": self.id}
        )
        if self.urgent:
            # a picking takes no priority from its moves: its moves take its own
            moves.picking_id.filtered(
                lambda p: p.state not in ("done", "cancel")
            ).write({"priority": "1"})
        self._mark_replenishment_urgent()

    def _mark_replenishment_urgent(self):
        if not self.urgent:
            return
        # The processor may not write purchase orders; only the priority of the
        # draft orders this request created is raised.
        orders = self.sudo().purchase_line_ids.order_id.filtered(
            lambda o: o.state in ("draft", "sent")
        )
        orders.write({"priority": "1"})
