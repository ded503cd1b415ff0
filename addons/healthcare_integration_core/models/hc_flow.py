# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib import formats, schema
from .hc_flow_type import SCHEMA_TYPES

JOB_FIELDS = (
    "name",
    "code",
    "active",
    "paused",
    "flow_type_id",
    "backend_id",
    "company_id",
    "direction",
    "payload_format",
    "handler_model",
    "endpoint",
    "http_method",
    "channel",
    "priority",
    "max_attempts",
    "backoff_base",
    "backoff_max",
    "ordered_per_key",
    "schema_type",
    "schema",
    "has_redaction",
)

# settings of a flow that configuration files carry (names as in the file)
CONFIG_FIELDS = (
    "name",
    "active",
    "flow_type",
    "endpoint",
    "http_method",
    "channel",
    "priority",
    "max_attempts",
    "backoff_base",
    "backoff_max",
    "sla_minutes",
    "ordered_per_key",
    "schema_type",
    "schema",
    "business_owner",
    "technical_owner",
    "test_payload",
    "file_name_pattern",
    "file_glob",
    "x12_ack",
    "x12_advice",
    "batch_interval_minutes",
    "batch_page_size",
    "payload_retention_days",
    "metadata_retention_days",
)

_logger = logging.getLogger(__name__)


class HcFlow(models.Model):
    """A flow type bound to a backend, with what operations own.

    The flow type (data shipped by an addon) says what the exchange is and
    which handler implements it; the binding says where it goes and how the
    runtime carries it: endpoint, channel, retries, SLA, schema override,
    pause and retention.
    """

    _name = "hc.flow"
    _description = "Integration Flow"
    _inherit = [
        "mail.thread",
        "hc.audit.mixin",
        "hc.message.counter.mixin",
        "hc.flow.schedule",
    ]
    _hc_message_link = "flow_id"
    # moved on by every committed page of a pull (hc.flow.schedule)
    _hc_runtime_fields = ("watermark",)
    _order = "backend_id, name"

    name = fields.Char(required=True, tracking=True)
    code = fields.Char(
        required=True,
        tracking=True,
        help="Used in webhook URLs: /hc/webhook/<backend code>/<flow code>.",
    )
    active = fields.Boolean(default=True, tracking=True)
    flow_type_id = fields.Many2one(
        "hc.flow.type", required=True, ondelete="restrict", tracking=True, index=True
    )
    backend_id = fields.Many2one(
        "hc.backend", required=True, ondelete="restrict", tracking=True, index=True
    )
    company_id = fields.Many2one(related="backend_id.company_id", store=True)
    direction = fields.Selection(related="flow_type_id.direction", store=True)
    payload_format = fields.Selection(related="flow_type_id.payload_format", store=True)
    trigger = fields.Selection(related="flow_type_id.trigger", store=True)
    domain = fields.Char(related="flow_type_id.domain", store=True)
    handler_model = fields.Char(related="flow_type_id.handler_model", store=True)
    endpoint = fields.Char(
        help="Path on the backend (outbound, batch pull) relative to its base URL."
    )
    http_method = fields.Selection(
        [("POST", "POST"), ("PUT", "PUT"), ("PATCH", "PATCH"), ("GET", "GET")],
        default="POST",
        required=True,
    )
    channel = fields.Char(
        default="root.hc",
        required=True,
        help="queue_job channel. Critical flows use root.hc_critical so that bulk "
        "work cannot starve them.",
    )
    priority = fields.Integer(default=10, help="queue_job priority: lower runs first.")
    max_attempts = fields.Integer(default=5)
    backoff_base = fields.Integer(default=30, help="Seconds before the first retry.")
    backoff_max = fields.Integer(
        default=3600,
        help="Longest wait between retries; a partner's Retry-After is capped to it.",
    )
    sla_minutes = fields.Integer(
        string="SLA (minutes)",
        help="Messages not done within this time after creation are flagged late.",
    )
    ordered_per_key = fields.Boolean(
        help="Deliver messages that share an ordering key one after the other; "
        "a failure holds only the messages of its key."
    )
    schema_type = fields.Selection(
        [("type", "As the flow type"), *SCHEMA_TYPES],
        string="Schema kind",
        default="type",
        required=True,
    )
    schema = fields.Text(help="Checked before sending and on receipt.")
    paused = fields.Boolean(
        tracking=True, help="Paused flows keep their work waiting until resumed."
    )
    business_owner_id = fields.Many2one(
        "res.users",
        tracking=True,
        help="Gets business exceptions; the backend's business owner when empty.",
    )
    technical_owner_id = fields.Many2one(
        "res.users",
        tracking=True,
        help="Gets technical failures; the backend's technical owner when empty.",
    )
    test_payload = fields.Text(
        default='{"test": true}',
        help="Payload sent by the Send test message button (outbound flows).",
    )
    # file backends (SFTP, folder)
    file_name_pattern = fields.Char(
        default="{name}.{ext}",
        help="Name of the files written for this flow: {name} (message), {key} "
        "(idempotency key), {ext}, {ts}, {flow}, and the handler's own fields.",
    )
    file_glob = fields.Char(
        string="Files to pick up", default="*", help="e.g. *.x12 or 855_*.edi"
    )
    x12_ack = fields.Selection(
        [("none", "None"), ("997", "997 (004010)"), ("999", "999 (005010)")],
        string="X12 acknowledgement",
        default="none",
        required=True,
        help="Acknowledge each received X12 interchange, accepting or rejecting "
        "each transaction set.",
    )
    x12_advice = fields.Boolean(
        string="X12 application advice (824)",
        tracking=True,
        help="Tell the sender with an 824 why a received transaction set that "
        "was syntactically right could not be applied (unknown order, price "
        "or line mismatch...). The 997/999 still only reports syntax.",
    )
    payload_retention_days = fields.Integer(
        default=90,
        help="Payloads of finished messages are purged after this many days.",
    )
    metadata_retention_days = fields.Integer(
        default=730, help="Finished messages are deleted after this many days."
    )
    redaction_ids = fields.One2many(
        "hc.flow.redaction",
        "flow_id",
        string="Redaction rules",
        help="Fields masked or dropped before a payload is stored.",
    )
    has_redaction = fields.Boolean(compute="_compute_has_redaction", store=True)
    hc_message_ids = fields.One2many("hc.message", "flow_id")

    _sql_constraints = [
        (
            "code_unique",
            "unique(backend_id, code)",
            "Flow codes are unique per backend.",
        ),
    ]

    @api.depends("redaction_ids")
    def _compute_has_redaction(self):
        for flow in self:
            flow.has_redaction = bool(flow.redaction_ids)

    # ------------------------------------------------------------------ CRUD

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            flow_type = self.env["hc.flow.type"].browse(vals.get("flow_type_id"))
            if flow_type:
                defaults = flow_type._binding_defaults()
                for key, value in defaults.items():
                    vals.setdefault(key, value)
        flows = super().create(vals_list)
        flows._check_flow_type()
        flows._sync_cron()
        return flows

    def write(self, vals):
        res = super().write(vals)
        if "flow_type_id" in vals:
            self._check_flow_type()
        if {
            "flow_type_id",
            "batch_interval_minutes",
            "active",
            "name",
            "backend_id",
        } & set(vals):
            self._sync_cron()
        return res

    def unlink(self):
        crons = self.mapped("cron_id")
        res = super().unlink()
        crons.sudo().unlink()
        return res

    @api.onchange("flow_type_id")
    def _onchange_flow_type_id(self):
        if self.flow_type_id:
            for key, value in self.flow_type_id._binding_defaults().items():
                self[key] = value

    def _check_flow_type(self):
        """A binding to a type whose handler cannot serve it is refused."""
        for flow in self:
            problem = flow.flow_type_id._handler_problem()
            if problem:
                raise ValidationError(problem)

    @api.constrains("schema_type", "schema")
    def _check_schema(self):
        for flow in self.filtered(lambda f: f.schema_type not in ("none", "type")):
            errors = schema.schema_errors(flow.schema_type, flow.schema or "")
            if errors:
                raise ValidationError(
                    _(
                        "The schema of flow %(flow)s is invalid: %(errors)s",
                        flow=flow.name,
                        errors="; ".join(errors),
                    )
                )

    @api.constrains("channel")
    def _check_channel(self):
        for flow in self:
            if not (flow.channel or "").startswith("root"):
                raise ValidationError(_("queue_job channels start with 'root'."))

    @api.model
    def _hc_job_fields(self):
        """Fields of a flow that a message's job reads up front, in one query
        (see ``hc.message._fetch_for_job``); extend it like the message's."""
        return list(JOB_FIELDS)

    def _job_settings(self):
        """This flow's job settings: what a job reads of it, the worker's copy
        (``hc.job.settings``); read from the record outside a job."""
        return self.env["hc.job.settings"]._of(self)

    @api.model
    def _hc_config_fields(self):
        """Settings of a flow that configuration files carry; extend it like
        the backend's (``hc.backend._hc_config_fields``)."""
        return CONFIG_FIELDS

    def _handler(self):
        """The handler model of the flow's type (checked when configured)."""
        self.ensure_one()
        model = self._job_settings().handler_model
        if model not in self.env:
            return self.flow_type_id._handler()  # raises, naming the problem
        return self.env[model]

    def _content_type(self):
        return formats.get(self.payload_format).content_type

    def _is_paused(self):
        self.ensure_one()
        settings = self._job_settings()
        backend = self.env["hc.backend"].browse(settings.backend_id)
        return (
            settings.paused
            or (backend and backend._job_settings().paused)
            or not settings.active
        )

    def _business_owner(self):
        return self.business_owner_id or self.backend_id.business_owner_id

    def _technical_owner(self):
        return self.technical_owner_id or self.backend_id.technical_owner_id

    # ------------------------------------------------------------------ actions

    def action_pause(self):
        self.write({"paused": True})
        return True

    def action_resume(self):
        self.write({"paused": False})
        self.env["hc.message"]._wake_waiting([("flow_id", "in", self.ids)])
        return True

    def _purpose(self):
        """What the flow does, in words: the first sentence of its type's
        description (e.g. "Pulls pages from a partner's feed and stores
        them; applies nothing."), or ""."""
        self.ensure_one()
        text = (self.flow_type_id.description or "").strip()
        first = text.split(". ", 1)[0].rstrip(".")
        return f"{first}." if first else ""

    def action_open_flow_type(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "hc.flow.type",
            "res_id": self.flow_type_id.id,
            "view_mode": "form",
        }

    def action_send_test_message(self):
        """Queue the flow's sample payload and open the message."""
        self.ensure_one()
        message = self._send(self.test_payload or "{}")
        return {
            "type": "ir.actions.act_window",
            "res_model": "hc.message",
            "res_id": message.id,
            "view_mode": "form",
        }
