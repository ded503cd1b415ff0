# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models

from ..exceptions import HcMappingError

CROSSWALK_DOMAINS = [
    ("supplier", "Supplier"),
    ("product", "Product"),
    ("uom", "Unit of measure"),
    ("cost_center", "Cost centre"),
    ("location", "Location"),
    ("department", "Department"),
    ("employee", "Employee"),
    ("tax", "Tax"),
]


class HcCrosswalk(models.Model):
    """External code of a backend -> Odoo record, per domain."""

    _name = "hc.crosswalk"
    _description = "Integration Code Crosswalk"
    _inherit = ["mail.thread", "hc.audit.mixin"]
    _order = "backend_id, domain, external_code"
    _rec_name = "external_code"

    backend_id = fields.Many2one(
        "hc.backend", required=True, ondelete="cascade", index=True, tracking=True
    )
    company_id = fields.Many2one(related="backend_id.company_id", store=True)
    domain = fields.Selection(
        CROSSWALK_DOMAINS, required=True, index=True, tracking=True
    )
    external_code = fields.Char(required=True, index=True, tracking=True)
    external_label = fields.Char()
    record_ref = fields.Reference(
        selection="_selection_record_ref",
        string="Odoo record",
        tracking=True,
        help="The Odoo record the external code stands for.",
    )
    odoo_value = fields.Char(
        help="Plain value when the code maps to no record (e.g. a cost centre code).",
        tracking=True,
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "code_unique",
            "unique(backend_id, domain, external_code)",
            "An external code is mapped once per backend and domain.",
        ),
    ]

    @api.model
    def _selection_record_ref(self):
        models_ = [
            "res.partner",
            "product.product",
            "uom.uom",
            "res.company",
            "res.users",
            "account.analytic.account",
            "stock.location",
            "hr.department",
            "hr.employee",
            "account.tax",
        ]
        return [(m, self.env[m]._description) for m in models_ if m in self.env]

    @api.model
    def _resolve_many(self, backend, domain, codes):
        """{code: crosswalk} of the codes that are mapped, in one query
        (with what they map to: a page's codes cost one query per domain)."""
        codes = list(dict.fromkeys(codes))
        entries = self.search_fetch(
            [
                ("backend_id", "=", backend.id),
                ("domain", "=", domain),
                ("external_code", "in", codes),
            ],
            ["external_code", "record_ref", "odoo_value"],
        )
        return {entry.external_code: entry for entry in entries}

    @api.model
    def _missing_text(self, backend, missing):
        """The error naming unmapped [(domain, code), ...] of a backend."""
        labels = dict(self._fields["domain"].selection)
        by_domain = {}
        for domain, code in sorted(missing):
            by_domain.setdefault(domain, []).append(code)
        return _(
            "No crosswalk on backend %(backend)s for %(codes)s. Add the mapping, "
            "then replay the message.",
            backend=backend.code,
            codes="; ".join(
                f"{labels.get(domain, domain)} code(s): {', '.join(codes)}"
                for domain, codes in by_domain.items()
            ),
        )

    @api.model
    def _resolve(self, backend, domain, codes):
        """{code: crosswalk} for every code; unmatched codes raise HcMappingError."""
        found = self._resolve_many(backend, domain, codes)
        missing = [code for code in dict.fromkeys(codes) if code not in found]
        if missing:
            raise HcMappingError(
                self._missing_text(backend, {(domain, code) for code in missing}),
                domain,
                missing,
            )
        return found
