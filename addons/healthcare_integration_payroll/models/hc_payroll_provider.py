# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

INPUT_FLOW_TYPES = ("payroll.inputs_json", "payroll.inputs_csv")


class HcPayrollProvider(models.Model):
    """A payroll provider: the backend it is reached on, and how its runs post.

    The provider knows employees by their HR-system id (the HR backend's
    employee crosswalk); its payroll codes map to accounts (``code_ids``).
    """

    _name = "hc.payroll.provider"
    _description = "Payroll Provider"
    _inherit = ["mail.thread"]
    _order = "name"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    backend_id = fields.Many2one(
        "hc.backend",
        string="Provider backend",
        required=True,
        tracking=True,
        ondelete="restrict",
        domain="[('system_type', '=', 'payroll'), ('company_id', '=', company_id)]",
        help="Where compensation inputs go, and where acknowledgements and "
        "payroll results come from.",
    )
    hr_backend_id = fields.Many2one(
        "hc.backend",
        string="HR system",
        required=True,
        tracking=True,
        ondelete="restrict",
        domain="[('system_type', '=', 'hr'), ('company_id', '=', company_id)]",
        help="The HR system whose employee ids the provider uses; its employees "
        "are the ones this provider pays.",
    )
    journal_id = fields.Many2one(
        "account.journal",
        required=True,
        tracking=True,
        check_company=True,
        domain="[('type', '=', 'general')]",
        help="Journal of the payroll entries.",
    )
    reconcile_tolerance = fields.Float(
        default=0.0,
        help="Largest difference (hours or money) between a batch and its "
        "acknowledgement that is not reported.",
    )
    code_ids = fields.One2many("hc.payroll.code", "provider_id", string="Payroll codes")
    period_ids = fields.One2many("hc.payroll.period", "provider_id")
    period_count = fields.Integer(compute="_compute_period_count")

    _sql_constraints = [
        (
            "backend_unique",
            "unique(backend_id)",
            "A backend is the payroll provider of one configuration.",
        ),
    ]

    def _compute_period_count(self):
        counts = dict(
            self.env["hc.payroll.period"]._read_group(
                [("provider_id", "in", self.ids)], ["provider_id"], ["__count"]
            )
        )
        for provider in self:
            provider.period_count = counts.get(provider, 0)

    @api.constrains("backend_id", "hr_backend_id", "company_id")
    def _check_backends(self):
        for provider in self:
            for backend in provider.backend_id | provider.hr_backend_id:
                if backend.company_id != provider.company_id:
                    raise ValidationError(
                        _(
                            "Backend %(backend)s belongs to another company than "
                            "provider %(provider)s.",
                            backend=backend.name,
                            provider=provider.name,
                        )
                    )

    @api.model
    def _for_backend(self, backend):
        """The provider reached on ``backend`` (or an empty recordset)."""
        return self.search([("backend_id", "=", backend.id)], limit=1)

    def _inputs_flow(self):
        """The active binding that carries this provider's compensation inputs."""
        self.ensure_one()
        flows = (
            self.env["hc.flow"]
            .sudo()
            .search(
                [
                    ("backend_id", "=", self.backend_id.id),
                    ("flow_type_id.code", "in", INPUT_FLOW_TYPES),
                ],
                order="id",
            )
        )
        if not flows:
            raise UserError(
                _(
                    "Backend %(backend)s of provider %(provider)s has no active "
                    "compensation inputs flow: bind the type 'Compensation inputs "
                    "(JSON)' or '(CSV)' to it first.",
                    backend=self.sudo().backend_id.name,
                    provider=self.name,
                )
            )
        return flows[0]

    def _code_rules(self):
        """{code: hc.payroll.code} of the provider's result codes."""
        self.ensure_one()
        return {c.code: c for c in self.code_ids if c.usage == "result" and c.active}

    def action_view_periods(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "healthcare_integration_payroll.hc_payroll_period_action"
        )
        action["domain"] = [("provider_id", "=", self.id)]
        action["context"] = {"default_provider_id": self.id}
        return action
