# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..lib import redact, schema

_logger = logging.getLogger(__name__)

PAYLOAD_FORMATS = [
    ("json", "JSON"),
    ("xml", "XML"),
    ("x12", "X12 EDI"),
    ("csv", "CSV"),
    ("fhir_json", "FHIR JSON"),
]
CONTENT_TYPES = {
    "json": "application/json",
    "fhir_json": "application/fhir+json",
    "xml": "application/xml",
    "x12": "application/edi-x12",
    "csv": "text/csv",
}


class HcFlow(models.Model):
    """One kind of exchange with a backend, and how the runtime carries it.

    Domain addons add handler keys to ``_selection_handler`` and implement, on
    this model, the methods the runtime calls for them:

    - ``_hc_inbound_<handler>(message, document)`` processes a received payload
      and returns the Odoo record it created or updated (or None);
    - ``_hc_outbound_done_<handler>(message, document)`` (optional) reads the
      partner's answer to a delivered message;
    - ``_hc_batch_<handler>(message, items)`` processes one page of a batch pull
      and returns a dict of counts (created, updated, skipped, failed).
    """

    _name = "hc.flow"
    _description = "Integration Flow"
    _inherit = ["mail.thread", "hc.audit.mixin", "hc.message.counter.mixin"]
    _hc_message_link = "flow_id"
    _order = "backend_id, name"

    name = fields.Char(required=True, tracking=True)
    code = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    backend_id = fields.Many2one(
        "hc.backend", required=True, ondelete="restrict", tracking=True
    )
    company_id = fields.Many2one(related="backend_id.company_id", store=True)
    direction = fields.Selection(
        [("outbound", "Outbound"), ("inbound", "Inbound")], required=True
    )
    domain = fields.Selection(
        [("core", "Core")],
        required=True,
        default="core",
        help="Business domain that owns the flow.",
    )
    payload_format = fields.Selection(PAYLOAD_FORMATS, required=True, default="json")
    trigger = fields.Selection(
        [
            ("event", "Record event"),
            ("schedule", "Schedule"),
            ("webhook", "Webhook"),
            ("manual", "Manual"),
        ],
        required=True,
        default="manual",
    )
    sync_mode = fields.Selection(
        [
            ("realtime", "Real time"),
            ("near_realtime", "Near real time"),
            ("batch", "Batch"),
        ],
        required=True,
        default="near_realtime",
    )
    handler = fields.Selection(
        selection="_selection_handler", required=True, default="record_only"
    )
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
    backoff_max = fields.Integer(default=3600, help="Longest wait between retries.")
    sla_minutes = fields.Integer(
        string="SLA (minutes)",
        help="Messages not done within this time after creation are flagged late.",
    )
    ordered_per_key = fields.Boolean(
        help="Deliver messages that share an ordering key one after the other; "
        "a failure holds only the messages of its key."
    )
    schema_type = fields.Selection(
        [("none", "None"), ("json", "JSON Schema"), ("xsd", "XSD")],
        default="none",
        required=True,
    )
    schema = fields.Text(help="Checked before sending and on receipt.")
    paused = fields.Boolean(
        tracking=True, help="Paused flows keep their work waiting until resumed."
    )
    test_payload = fields.Text(
        default='{"test": true}',
        help="Payload sent by the Send test message button (outbound flows).",
    )
    # batch
    cron_id = fields.Many2one("ir.cron", readonly=True, ondelete="set null", copy=False)
    batch_interval_minutes = fields.Integer(default=60)
    batch_page_size = fields.Integer(default=100)
    watermark = fields.Char(
        tracking=True,
        copy=False,
        help="Position up to which the batch has committed every page.",
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
    hc_message_ids = fields.One2many("hc.message", "flow_id")

    _sql_constraints = [
        (
            "code_unique",
            "unique(backend_id, code)",
            "Flow codes are unique per backend.",
        ),
    ]

    @api.model
    def _selection_handler(self):
        return [
            ("record_only", "Record only"),
            ("crosswalk_check", "Record and check crosswalk codes"),
        ]

    @api.constrains("schema_type", "schema")
    def _check_schema(self):
        for flow in self.filtered(lambda f: f.schema_type != "none"):
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

    # ------------------------------------------------------------------ lookups

    @api.model
    def _find_flow(self, backend_code, flow_code, direction):
        """The active flow of an active backend, by codes (or an empty set)."""
        return self.search(
            [
                ("backend_id.code", "=", backend_code),
                ("backend_id.active", "=", True),
                ("code", "=", flow_code),
                ("direction", "=", direction),
            ],
            limit=1,
        )

    def _content_type(self):
        return CONTENT_TYPES[self.payload_format]

    def _is_paused(self):
        self.ensure_one()
        return self.paused or self.backend_id.paused or not self.active

    # ------------------------------------------------------------------ payloads

    def _serialize(self, payload):
        """Bytes of a payload given as dict/list (JSON) or str/bytes."""
        if isinstance(payload, bytes):
            return payload
        if isinstance(payload, str):
            return payload.encode()
        return json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()

    def _validate_payload(self, body):
        """Errors of ``body`` against the flow's format and schema."""
        self.ensure_one()
        schema_text = self.schema if self.schema_type != "none" else None
        return schema.validate_payload(self.payload_format, schema_text, body)

    def _redact(self, body):
        """The payload minimized by the flow's redaction rules."""
        rules = [(rule.path, rule.mode) for rule in self.redaction_ids]
        if not rules or not body:
            return body
        return redact.redact_payload(self.payload_format, body, rules)

    def _decode(self, body):
        if self.payload_format in ("json", "fhir_json"):
            return schema.load_json(body)
        return body

    # ------------------------------------------------------------------ outbound API

    def _check_outbound(self):
        if self.direction != "outbound":
            raise UserError(_("Flow %s is not outbound.", self.display_name))

    def send(
        self,
        payload,
        record=None,
        idempotency_key=None,
        correlation_id=None,
        ordering_key=None,
        parent=None,
    ):
        """Queue ``payload`` for delivery; returns the hc.message.

        The message is stored in the caller's transaction and its job runs only
        after that transaction commits. A payload that fails the flow's schema
        is stored as a failed message and not sent.
        """
        self.ensure_one()
        self._check_outbound()
        message = self.env["hc.message"]._create_outbound(
            self,
            self._serialize(payload),
            record=record,
            idempotency_key=idempotency_key,
            correlation_id=correlation_id,
            ordering_key=ordering_key,
            parent=parent,
        )
        return message

    def send_batch(self, pages):
        """Push ``pages`` [(payload, watermark after the page), ...] as one run.

        Each page is an outbound chunk delivered like any message; the flow's
        watermark advances only past pages delivered in order, and the run
        message sums up the outcome once every page is final.
        """
        self.ensure_one()
        self._check_outbound()
        return self.env["hc.message"]._create_push_run(self, pages)

    # ------------------------------------------------------------------ batch

    @api.model_create_multi
    def create(self, vals_list):
        flows = super().create(vals_list)
        flows._sync_cron()
        return flows

    def write(self, vals):
        res = super().write(vals)
        if {"sync_mode", "trigger", "batch_interval_minutes", "active", "name"} & set(
            vals
        ):
            self._sync_cron()
        return res

    def unlink(self):
        crons = self.mapped("cron_id")
        res = super().unlink()
        crons.sudo().unlink()
        return res

    def _is_batch(self):
        return self.sync_mode == "batch" and self.trigger == "schedule"

    def _sync_cron(self):
        """Give each scheduled batch flow its own scheduled action."""
        for flow in self:
            if not flow._is_batch():
                flow.cron_id.sudo().active = False
                continue
            vals = {
                "name": _("Integration batch: %s", flow.display_name),
                "model_id": self.env.ref(
                    "healthcare_integration_core.model_hc_flow"
                ).id,
                "state": "code",
                "code": f"model.browse({flow.id})._run_batch()",
                "interval_number": max(flow.batch_interval_minutes, 1),
                "interval_type": "minutes",
                "active": flow.active,
                "user_id": self.env["hc.message"]._processing_user().id,
            }
            if flow.cron_id:
                flow.cron_id.sudo().write(vals)
            else:
                flow.cron_id = self.env["ir.cron"].sudo().create(vals)

    def _run_batch(self):
        """Start one batch run: a summary message whose job pulls the pages."""
        self.ensure_one()
        if self._is_paused():
            _logger.info("batch flow %s is paused; run skipped", self.display_name)
            return self.env["hc.message"]
        return self.env["hc.message"]._create_batch_run(self)

    def _advance_watermark(self, value):
        self.ensure_one()
        self.sudo().write({"watermark": value})

    # ------------------------------------------------------------------ core handlers

    def _hc_inbound_record_only(self, message, document):
        return None

    def _hc_batch_record_only(self, message, items):
        return {"created": 0, "updated": 0, "skipped": len(items), "failed": 0}

    def _hc_inbound_crosswalk_check(self, message, document):
        codes = document.get("codes", []) if isinstance(document, dict) else []
        by_domain = {}
        for entry in codes:
            by_domain.setdefault(entry["domain"], []).append(entry["code"])
        for domain, domain_codes in by_domain.items():
            self.env["hc.crosswalk"]._resolve(self.backend_id, domain, domain_codes)
        return None

    def _hc_batch_crosswalk_check(self, message, items):
        for item in items:
            self._hc_inbound_crosswalk_check(message, item)
        return {"created": 0, "updated": 0, "skipped": len(items), "failed": 0}

    # ------------------------------------------------------------------ actions

    def action_pause(self):
        self.write({"paused": True})

    def action_resume(self):
        self.write({"paused": False})
        self.env["hc.message"]._wake_waiting([("flow_id", "in", self.ids)])

    def action_run_batch(self):
        for flow in self:
            flow._run_batch()

    def action_send_test_message(self):
        """Queue the flow's sample payload and open the message."""
        self.ensure_one()
        message = self.send(self.test_payload or "{}")
        return {
            "type": "ir.actions.act_window",
            "res_model": "hc.message",
            "res_id": message.id,
            "view_mode": "form",
        }
