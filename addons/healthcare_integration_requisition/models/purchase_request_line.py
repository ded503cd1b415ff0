# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

# OCA's stored computed fields (quantities, purchase status) and stored
# related fields (copies of the request's) whose value on a line just made
# follows from the values it is made with: see _hc_new_line_values
NEW_LINE_FIELDS = (
    "qty_done",
    "qty_in_progress",
    "qty_cancelled",
    "qty_to_buy",
    "pending_qty_to_receive",
    "purchase_state",
    "request_state",
    "requested_by",
    "assigned_to",
    "date_start",
    "origin",
)


class PurchaseRequestLine(models.Model):
    _inherit = "purchase.request.line"

    hc_line_number = fields.Integer(
        string="Platform line",
        readonly=True,
        copy=False,
        help="The line's number on the eProcurement platform's requisition.",
    )

    @api.model
    def _hc_new_line_values(self, line_vals, request_vals):
        """The values of OCA's computed and related fields (``NEW_LINE_FIELDS``)
        on a new line of a new draft request, from the values both are made
        with: nothing allocated, bought or cancelled yet, all of its quantity
        to buy. A bulk create passes them with the line's values, then calls
        ``_hc_mark_computed`` on the lines made, e.g.::

            lines_vals = [{**vals, **Line._hc_new_line_values(vals, request_vals)}
                          for vals in lines_vals]
            requests = Request.create([{**request_vals, "line_ids": ...}])
            requests.line_ids._hc_mark_computed()

        ``request_vals`` names ``requested_by``, ``date_start`` and ``origin``
        (``assigned_to`` optional)."""
        quantity = line_vals.get("product_qty") or 0.0
        return {
            "qty_done": 0.0,
            "qty_in_progress": 0.0,
            "qty_cancelled": 0.0,
            "qty_to_buy": quantity > 0.0,
            "pending_qty_to_receive": quantity,
            "purchase_state": False,
            "request_state": "draft",
            "requested_by": request_vals["requested_by"],
            "assigned_to": request_vals.get("assigned_to") or False,
            "date_start": request_vals["date_start"],
            "origin": request_vals.get("origin") or False,
        }

    def _hc_mark_computed(self):
        """Mark ``NEW_LINE_FIELDS`` computed on lines made with
        ``_hc_new_line_values``: the values they were made with stay, and a
        later change of what they depend on recomputes them as usual.

        The ORM computes them again after any create, and writes them again
        with one update per field and value: for a page of new requisitions
        that was a third of the import's time (bench/bench_governance.py)."""
        for name in NEW_LINE_FIELDS:
            self.env.remove_to_compute(self._fields[name], self)
