# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, _, api, fields, models, tools
from odoo.exceptions import ValidationError

from ..lib import formats, schema

DIRECTIONS = [("outbound", "Outbound"), ("inbound", "Inbound")]
TRIGGERS = [
    ("event", "Record event"),
    ("manual", "Manual"),
    ("webhook", "Webhook"),
    ("schedule", "Schedule (batch)"),
]
SCHEMA_TYPES = [("none", "None"), ("json", "JSON Schema"), ("xsd", "XSD")]
SCHEMA_FIELDS = {"schema_type", "schema"}


class HcFlowType(models.Model):
    """What a kind of exchange is, shipped as data by the addon that handles it.

    An administrator binds a type to a backend (``hc.flow``); the type names
    the handler model that implements it, so that from any flow a newcomer
    reaches its code in two hops: flow -> flow type -> handler model.
    """

    _name = "hc.flow.type"
    _description = "Integration Flow Type"
    _order = "domain, name"
    _rec_names_search = ["name", "code"]

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Stable technical name, <domain>.<name>, e.g. procurement.po_out.",
    )
    domain = fields.Char(
        compute="_compute_domain",
        store=True,
        help="Business domain: the part of the code before the first dot.",
    )
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)
    direction = fields.Selection(DIRECTIONS, required=True)
    payload_format = fields.Selection(
        formats.selection(), required=True, default="json"
    )
    trigger = fields.Selection(
        TRIGGERS,
        required=True,
        default="event",
        help="What starts an exchange: a record event or a person (outbound), "
        "a partner's call (webhook) or the scheduler (batch pull).",
    )
    handler_model = fields.Char(
        required=True,
        default="hc.handler",
        help="Technical name of the abstract model that builds, delivers or "
        "processes the payloads of this type (inherits hc.handler).",
    )
    default_endpoint = fields.Char(help="Path on the backend, e.g. /api/orders.")
    default_http_method = fields.Selection(
        [("POST", "POST"), ("PUT", "PUT"), ("PATCH", "PATCH"), ("GET", "GET")],
        default="POST",
    )
    default_channel = fields.Char(default="root.hc")
    default_priority = fields.Integer(default=10)
    default_ordered_per_key = fields.Boolean()
    default_file_name_pattern = fields.Char(
        help="Name of the files of new bindings on file backends, e.g. "
        "PO_{name}_{control}.x12; fields: name, key, ext, ts, flow and those the "
        "handler adds (file_name_values)."
    )
    schema_type = fields.Selection(SCHEMA_TYPES, default="none", required=True)
    schema = fields.Text(help="Default schema of the payloads; a flow may override it.")
    flow_ids = fields.One2many("hc.flow", "flow_type_id", string="Bindings")
    flow_count = fields.Integer(compute="_compute_flow_count")

    _sql_constraints = [
        ("code_unique", "unique(code)", "Flow type codes are unique."),
    ]

    @api.depends("code")
    def _compute_domain(self):
        for flow_type in self:
            flow_type.domain = (flow_type.code or "").split(".")[0] or False

    def _compute_flow_count(self):
        counts = dict(
            self.env["hc.flow"]
            .with_context(active_test=False)
            ._read_group(
                [("flow_type_id", "in", self.ids)], ["flow_type_id"], ["__count"]
            )
        )
        for flow_type in self:
            flow_type.flow_count = counts.get(flow_type, 0)

    # ------------------------------------------------------------------ checks

    @api.constrains("handler_model", "direction", "trigger")
    def _check_handler_model(self):
        for flow_type in self:
            problem = flow_type._handler_problem()
            if problem:
                raise ValidationError(problem)

    def _handler_problem(self):
        """Why the handler model cannot serve this type, or None."""
        self.ensure_one()
        model_name = self.handler_model
        if model_name not in self.env:
            return _(
                "Flow type %(type)s names handler model %(model)s, which is not "
                "installed.",
                type=self.code,
                model=model_name,
            )
        handler = self.env[model_name]
        if not getattr(handler, "_hc_is_handler", False):
            return _(
                "Model %(model)s of flow type %(type)s does not inherit hc.handler.",
                model=model_name,
                type=self.code,
            )
        directions = handler._hc_directions
        if directions and self.direction not in directions:
            return _(
                "Handler %(model)s handles %(handled)s flows; flow type %(type)s "
                "is %(direction)s.",
                model=model_name,
                handled=" and ".join(directions),
                type=self.code,
                direction=self.direction,
            )
        if self.trigger == "webhook" and self.direction != "inbound":
            return _("Only inbound flow types are triggered by webhooks.")
        return None

    @api.constrains("schema_type", "schema")
    def _check_schema(self):
        for flow_type in self.filtered(lambda t: t.schema_type != "none"):
            errors = schema.schema_errors(flow_type.schema_type, flow_type.schema or "")
            if errors:
                raise ValidationError(
                    _(
                        "The schema of flow type %(type)s is invalid: %(errors)s",
                        type=flow_type.code,
                        errors="; ".join(errors),
                    )
                )

    def write(self, vals):
        if SCHEMA_FIELDS & set(vals):
            self.env.registry.clear_cache()  # _schema_in_force, in every worker
        return super().write(vals)

    # ------------------------------------------------------------------ helpers

    @tools.ormcache("self.id")
    def _schema_in_force(self):
        """(schema type, schema text) of this type, kept by each worker: every
        payload received on a flow without a schema of its own is validated
        against it (a query per webhook otherwise). Writing either field
        clears the copies of every worker (``write``)."""
        self.ensure_one()
        return self.schema_type, self.schema

    def _handler(self):
        """The handler model of this type (an empty recordset to call hooks on)."""
        self.ensure_one()
        problem = self._handler_problem()
        if problem:
            raise ValidationError(problem)
        return self.env[self.handler_model]

    def _binding_defaults(self):
        """Values a new binding takes from its type and its handler.

        The handler's ``_hc_default_redactions`` become the binding's first
        redaction rules (masked before storage) and its
        ``_hc_payload_retention_days`` the binding's retention; an
        integration manager may extend both on the binding.
        """
        self.ensure_one()
        defaults = {
            "name": self.name,
            "code": self.code,
            "endpoint": self.default_endpoint or False,
            "http_method": self.default_http_method or "POST",
            "channel": self.default_channel or "root.hc",
            "priority": self.default_priority,
            "ordered_per_key": self.default_ordered_per_key,
            "file_name_pattern": self.default_file_name_pattern or "{name}.{ext}",
        }
        handler = self._handler() if self.handler_model in self.env else None
        if handler is None:
            return defaults
        if handler._hc_payload_retention_days:
            defaults["payload_retention_days"] = handler._hc_payload_retention_days
        if handler._hc_default_redactions:
            defaults["redaction_ids"] = [Command.clear()] + [
                Command.create({"path": path, "mode": "mask", "sequence": n})
                for n, path in enumerate(handler._hc_default_redactions, start=1)
            ]
        return defaults

    def action_view_flows(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "healthcare_integration_core.hc_flow_action"
        )
        action["domain"] = [("flow_type_id", "=", self.id)]
        action["context"] = {"default_flow_type_id": self.id}
        return action
