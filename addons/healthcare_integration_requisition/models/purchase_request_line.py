# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL, float_round, split_every

# OCA's stored computed fields (quantities, purchase status) and stored
# related fields (copies of the request's) whose value on a line just made
# follows from the values it is made with: see _hc_new_line_values
NEW_LINE_FIELDS = (
    "company_id",
    "description",
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
        to buy. ``_hc_insert_new`` takes them with the line's values, e.g.::

            Line._hc_insert_new([
                {**vals, "request_id": request.id,
                 **Line._hc_new_line_values(vals, request_vals)}
                for vals in lines_vals
            ])

        ``request_vals`` names ``company_id``, ``requested_by``, ``date_start``
        and ``origin`` (``assigned_to`` and ``description`` optional)."""
        quantity = line_vals.get("product_qty") or 0.0
        return {
            "qty_done": 0.0,
            "qty_in_progress": 0.0,
            "qty_cancelled": 0.0,
            "qty_to_buy": quantity > 0.0,
            "pending_qty_to_receive": quantity,
            "purchase_state": False,
            "request_state": "draft",
            "company_id": request_vals["company_id"],
            "description": request_vals.get("description") or False,
            "requested_by": request_vals["requested_by"],
            "assigned_to": request_vals.get("assigned_to") or False,
            "date_start": request_vals["date_start"],
            "origin": request_vals.get("origin") or False,
        }

    @api.model
    def _hc_insert_new(self, vals_list):
        """Insert the new lines of new draft requests (their values with
        ``_hc_new_line_values`` and ``request_id``) in one statement per
        thousand lines, and tell the ORM of them as ``create`` does.

        Raw SQL for bench/bench_governance.py (a requisition import at least
        10x a loop of ORM creates): ``create`` looks up every default and
        converts and caches every value line by line (a decimal-precision
        lookup per quantity), then computes the fields of
        ``NEW_LINE_FIELDS`` and writes them again; that was most of the
        import's time. Here defaults are looked up once, quantities and
        amounts rounded as their fields say, distributions as Odoo's analytic
        mixin does; the other computed fields (OCA's preferred supplier, the
        requests' estimated cost) are computed by the ORM as after a create.
        Lines made this way have no chatter message or tracking, as under
        ``tracking_disable``.
        """
        if not vals_list:
            return self.browse()
        self.check_access("create")
        columns = {
            name
            for vals in vals_list
            for name in vals
            if self._fields[name].store and self._fields[name].column_type
        }
        defaults = self.default_get(
            [
                name
                for name, field in self._fields.items()
                if field.store
                and field.column_type
                and not field.compute
                and name not in columns
                and name not in models.LOG_ACCESS_COLUMNS
                and name != "id"
            ]
        )
        convert = {name: self._hc_column_converter(name) for name in columns}
        columns = sorted(columns)
        precision = self.env["decimal.precision"].precision_get("Percentage Analytic")
        now, uid = self.env.cr.now(), self.env.uid
        static = [
            self._fields[name].convert_to_column_insert(value, self, defaults)
            for name, value in sorted(defaults.items())
        ] + [uid, now, uid, now]
        rows = []
        for vals in vals_list:
            vals = self._sanitize_values(dict(vals), precision)
            rows.append(
                tuple(
                    convert[name](vals[name], vals) if name in vals else None
                    for name in columns
                )
                + tuple(static)
            )
        names = columns + sorted(defaults) + models.LOG_ACCESS_COLUMNS
        ids = []
        for chunk in split_every(1000, rows):
            self.env.cr.execute(
                SQL(
                    "INSERT INTO %s (%s) VALUES %s RETURNING id",
                    SQL.identifier(self._table),
                    SQL(", ").join(SQL.identifier(name) for name in names),
                    SQL(", ").join(chunk),
                )
            )
            ids.extend(row[0] for row in self.env.cr.fetchall())
        lines = self.browse(ids)
        self.env["purchase.request"].browse(
            {vals["request_id"] for vals in vals_list}
        ).invalidate_recordset(["line_ids"])
        lines.modified(list(self._fields), create=True)
        for name in NEW_LINE_FIELDS:
            self.env.remove_to_compute(self._fields[name], lines)
        # as a create under tracking_disable: no tracking of their changes in
        # this transaction (e.g. their request approved as it is routed)
        lines._track_discard()
        lines.check_access("create")
        return lines

    def _hc_column_converter(self, name):
        """How ``_hc_insert_new`` writes a value of field ``name``: floats and
        amounts rounded with a precision looked up once, not per value."""
        field = self._fields[name]
        if field.type == "float" and field.get_digits(self.env):
            digits = field.get_digits(self.env)[1]
            return lambda value, _vals: float_round(
                value or 0.0, precision_digits=digits
            )
        if field.type == "monetary":
            currencies = {}

            def amount(value, vals):
                company = vals.get("company_id") or self.env.company.id
                if company not in currencies:
                    currencies[company] = (
                        self.env["res.company"].browse(company).currency_id
                    )
                return currencies[company].round(value or 0.0)

            return amount
        return lambda value, vals: field.convert_to_column_insert(value, self, vals)
