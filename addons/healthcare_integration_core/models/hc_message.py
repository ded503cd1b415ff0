# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import uuid
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression

from ..lib import retry, trace
from ..lib import states as st
from .hc_payload import REQUEST

ERROR_CLASSES = [
    (retry.ERROR_TECHNICAL, "Technical"),
    (retry.ERROR_BUSINESS, "Business"),
    (retry.ERROR_VALIDATION, "Validation"),
    (retry.ERROR_AUTHENTICATION, "Authentication"),
]
MAX_KEY_LENGTH = 255


def new_id():
    return str(uuid.uuid4())


# The first message of a key, or of a used signature, on a flow (see
# ``_find_original``); the receive path runs it inside its insert
# (``hc_inbound_store``).
FIND_ORIGINAL = """
    SELECT id FROM hc_message
     WHERE flow_id = %(flow)s
       AND ((idempotency_key = %(key)s
             AND parent_relation IS DISTINCT FROM 'replay'
             AND state NOT IN ('dead', 'cancelled'))
            OR (%(digest)s IS NOT NULL AND signature_digest = %(digest)s))
    UNION ALL
    SELECT message_id FROM hc_inbound_signature
     WHERE %(digest)s IS NOT NULL AND flow_id = %(flow)s
       AND digest = %(digest)s
     ORDER BY 1 LIMIT 1
"""


class HcMessage(models.Model):
    """One exchange with a backend: its payloads, state, attempts and links.

    What happens to a message lives in the runtime's services: ``hc.delivery``
    (outbound), ``hc.inbound`` (received payloads), ``hc.sync.run`` (batch
    runs), ``hc.ordering`` (ordered delivery per key) and ``hc.maintenance``
    (recovery and retention). This model keeps the record, its state
    transitions, its queue job and the actions people take on it.
    """

    _name = "hc.message"
    _description = "Integration Message"
    _inherit = [
        "mail.thread",
        "hc.message.runtime",
        "hc.message.states",
        "hc.message.actions",
        "hc.message.batch",
    ]
    _order = "id desc"
    _rec_names_search = ["name", "correlation_id", "idempotency_key", "trace_id"]

    name = fields.Char(required=True, readonly=True, default="/", copy=False)
    flow_id = fields.Many2one("hc.flow", index=True, ondelete="restrict", readonly=True)
    flow_type_id = fields.Many2one(
        related="flow_id.flow_type_id", store=True, index=True
    )
    backend_id = fields.Many2one(
        "hc.backend", required=True, index=True, ondelete="restrict", readonly=True
    )
    company_id = fields.Many2one(
        related="backend_id.company_id", store=True, index=True
    )
    direction = fields.Selection(
        [("outbound", "Outbound"), ("inbound", "Inbound")], required=True, readonly=True
    )
    state = fields.Selection(
        st.STATES, required=True, default=st.NEW, index=True, readonly=True
    )
    status = fields.Selection(
        st.STATUSES,
        compute="_compute_status",
        search="_search_status",
        help="The state, with a failure that waits for a business decision "
        "(a business error) told apart from a delivery that gave up.",
    )
    idempotency_key = fields.Char(readonly=True, copy=False)
    signature_digest = fields.Char(
        readonly=True, copy=False, help="Fingerprint of the accepted signature."
    )
    correlation_id = fields.Char(index=True, readonly=True)
    trace_id = fields.Char(
        index=True,
        readonly=True,
        help="W3C trace id: the same on every message of a chain, across flows.",
    )
    traceparent = fields.Char(
        readonly=True, help="This message's W3C traceparent (trace id and span)."
    )
    ordering_key = fields.Char(readonly=True)
    key_position = fields.Integer(
        readonly=True, help="Place in its ordering key; a replay keeps its original's."
    )
    held_by_id = fields.Many2one("hc.message", readonly=True, string="Held behind")
    superseded_by_id = fields.Many2one(
        "hc.message", readonly=True, help="The replay that did what this one failed."
    )
    parent_id = fields.Many2one("hc.message", index=True, readonly=True)
    parent_relation = fields.Selection(
        [
            ("replay", "Replay"),
            ("ack", "Acknowledgement"),
            ("chunk", "Batch chunk"),
            ("split", "Part of a file"),
        ],
        readonly=True,
    )
    child_ids = fields.One2many("hc.message", "parent_id", readonly=True)
    run_id = fields.Many2one("hc.sync.run", index=True, readonly=True)
    run_sequence = fields.Integer(readonly=True, string="Page")
    run_watermark = fields.Char(readonly=True, string="Watermark after page")
    res_model = fields.Char(string="Record model", readonly=True)
    res_id = fields.Many2oneReference(model_field="res_model", readonly=True)
    endpoint = fields.Char(readonly=True)
    file_name = fields.Char(readonly=True, help="The file exchanged, on file backends.")
    http_method = fields.Char(readonly=True)
    content_type = fields.Char(readonly=True)
    http_status = fields.Integer(readonly=True)
    error_class = fields.Selection(ERROR_CLASSES, readonly=True, index=True)
    error_text = fields.Text(readonly=True)
    exception_kind = fields.Char(
        readonly=True, index=True, help="Kind of business exception, for its owner."
    )
    result_summary = fields.Char(readonly=True, string="Result")
    result_counts = fields.Json(readonly=True, help="Counts of a processed page.")
    attempt_ids = fields.One2many("hc.message.attempt", "message_id", readonly=True)
    attempt_count = fields.Integer(readonly=True)
    attempt_base = fields.Integer(
        readonly=True, help="Attempts made before the last manual retry."
    )
    next_attempt_at = fields.Datetime(readonly=True)
    waiting_reason = fields.Char(readonly=True)
    job_uuid = fields.Char(readonly=True, copy=False)
    started_at = fields.Datetime(readonly=True)
    done_at = fields.Datetime(readonly=True)
    duration_ms = fields.Integer(string="Duration (ms)", readonly=True)
    sla_deadline = fields.Datetime(readonly=True)
    is_late = fields.Boolean(compute="_compute_is_late", search="_search_is_late")
    resolved_by_id = fields.Many2one("res.users", readonly=True)
    acknowledged_by_id = fields.Many2one(
        "res.users",
        readonly=True,
        help="Who took the failure in charge; integration users acknowledge.",
    )
    acknowledged_at = fields.Datetime(readonly=True)

    def init(self):
        cr = self.env.cr
        # A replay carries the key of its original, so uniqueness holds among
        # first deliveries only; a dead or cancelled message applied nothing, so
        # the partner may send its key again. Keys are bounded at the routes.
        cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS hc_message_flow_idempotency_uniq
                ON hc_message (flow_id, idempotency_key)
             WHERE idempotency_key IS NOT NULL
                   AND parent_relation IS DISTINCT FROM 'replay'
                   AND state NOT IN ('dead', 'cancelled')
            """
        )
        cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS hc_message_flow_signature_uniq
                ON hc_message (flow_id, signature_digest)
             WHERE signature_digest IS NOT NULL
            """
        )
        cr.execute(
            """
            CREATE INDEX IF NOT EXISTS hc_message_ordering_idx
                ON hc_message (flow_id, ordering_key, key_position)
             WHERE ordering_key IS NOT NULL
            """
        )
        cr.execute(
            """
            CREATE INDEX IF NOT EXISTS hc_message_record_idx
                ON hc_message (res_model, res_id) WHERE res_id IS NOT NULL
            """
        )
        cr.execute(
            """
            CREATE INDEX IF NOT EXISTS hc_message_pending_idx
                ON hc_message (state, next_attempt_at)
             WHERE state IN ('new', 'queued', 'retrying', 'running')
            """
        )
        # the messages that joined a job (hc.message.batch)
        cr.execute(
            """
            CREATE INDEX IF NOT EXISTS hc_message_job_waiting_idx
                ON hc_message (job_uuid) WHERE state IN ('queued', 'retrying')
            """
        )
        self.env["hc.payload"]._create_table()

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals.setdefault("correlation_id", new_id())
            self._check_key_lengths(vals)
        # a message is its own log: no "created" line in its chatter and no
        # follower subscription for whoever sent it (a query and a row each)
        messages = (
            super(
                HcMessage,
                self.with_context(mail_create_nolog=True, mail_create_nosubscribe=True),
            )
            .create(vals_list)
            .with_env(self.env)
        )
        for message in messages.filtered(lambda m: m.name == "/"):
            message.name = message._reference()
        unplaced = messages.filtered(lambda m: m.ordering_key and not m.key_position)
        for message in unplaced:
            message.key_position = message.id
        return messages

    @api.model
    def _check_key_lengths(self, vals):
        """Keys are indexed: refuse values no index can hold, before the insert."""
        for name in ("idempotency_key", "correlation_id", "ordering_key"):
            value = vals.get(name)
            if value and len(value) > MAX_KEY_LENGTH:
                raise ValidationError(
                    _(
                        "%(field)s is longer than %(max)s characters.",
                        field=self._fields[name].string,
                        max=MAX_KEY_LENGTH,
                    )
                )

    def _reference(self):
        return f"HCM/{self.id:07d}"

    # ------------------------------------------------------------------ computes

    @api.depends("sla_deadline", "state")
    def _compute_is_late(self):
        now = fields.Datetime.now()
        for message in self:
            message.is_late = bool(
                message.sla_deadline
                and message.state not in st.FINAL
                and message.sla_deadline < now
            )

    @api.depends("state", "error_class")
    def _compute_status(self):
        for message in self:
            message.status = (
                st.EXCEPTION
                if message.state == st.DEAD
                and message.error_class == retry.ERROR_BUSINESS
                else message.state
            )

    def _search_status(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise ValidationError(_("Unsupported search on the status."))
        values = [value] if operator in ("=", "!=") else list(value)
        business = ("error_class", "=", retry.ERROR_BUSINESS)
        terms = []
        plain = [v for v in values if v not in (st.DEAD, st.EXCEPTION)]
        if plain:
            terms.append([("state", "in", plain)])
        if st.EXCEPTION in values:
            terms.append([("state", "=", st.DEAD), business])
        if st.DEAD in values:
            terms.append([("state", "=", st.DEAD), "!", business])
        domain = expression.OR(terms) if terms else expression.FALSE_DOMAIN
        return domain if operator in ("=", "in") else ["!", *domain]

    def _search_is_late(self, operator, value):
        late = [
            ("sla_deadline", "<", fields.Datetime.now()),
            ("state", "not in", st.FINAL),
        ]
        positive = (operator == "=") == bool(value)
        return late if positive else ["!", "&", *late]

    def _linked_record(self):
        self.ensure_one()
        if not self.res_model or not self.res_id or self.res_model not in self.env:
            return None
        return self.env[self.res_model].browse(self.res_id).exists()

    # ------------------------------------------------------------------ creation

    @api.model
    def _base_vals(self, flow, traceparent=None, **extra):
        now = fields.Datetime.now()
        context = self._trace_context(traceparent)
        vals = {
            "trace_id": context.trace_id,
            "traceparent": context.traceparent,
            "flow_id": flow.id,
            "backend_id": flow.backend_id.id,
            "direction": flow.direction,
            "content_type": flow._content_type(),
            "endpoint": flow.endpoint,
            "http_method": flow.http_method,
            "sla_deadline": now + timedelta(minutes=flow.sla_minutes)
            if flow.sla_minutes
            else False,
        }
        vals.update({k: v for k, v in extra.items() if v is not None})
        return vals

    @api.model
    def _trace_context(self, received=None):
        """The trace of a new message: the one received, or a new span of the
        message being processed (``hc_trace`` in the context), or a new trace."""
        context = trace.parse(received)
        if context:
            return context
        return trace.child(trace.parse(self.env.context.get("hc_trace")))

    @api.model
    def _find_original(self, flow, idempotency_key=None, signature_digest=None):
        """The first message of a key, or of a used signature, on a flow.

        The one idempotency rule of the runtime: a key is taken on a flow by
        its first message that is not a replay and not dead or cancelled; a
        signature is taken by the message it was accepted with, or the one
        it was answered as a duplicate of. Raw SQL: it is the duplicate check
        of every received webhook (bench_throughput's ingestion), one round
        trip with the used signatures.
        """
        self.flush_model(["flow_id", "idempotency_key", "signature_digest", "state"])
        self.env.cr.execute(
            FIND_ORIGINAL,
            {"flow": flow.id, "key": idempotency_key, "digest": signature_digest},
        )
        row = self.env.cr.fetchone()
        return self.browse(row[0] if row else ())

    @api.model
    def _create_outbound(self, flow, body, record=None, idempotency_key=None, **extra):
        """Store an outbound message with its payload and queue its delivery."""
        idempotency_key = idempotency_key or new_id()
        original = self._find_original(flow, idempotency_key)
        if original:
            return original
        parent = extra.pop("parent", None)
        errors = flow._validate_payload(body)
        message = self.create(
            self._base_vals(
                flow,
                idempotency_key=idempotency_key,
                correlation_id=extra.pop("correlation_id", None)
                or (parent and parent.correlation_id)
                or None,
                parent_id=parent.id if parent else None,
                res_model=record._name if record else None,
                res_id=record.id if record else None,
                payload_size=len(body or b""),
                state=st.QUEUED,
                **extra,
            )
        )
        message._store_payload(REQUEST, body)
        if errors:
            message._fail(retry.ERROR_VALIDATION, "\n".join(errors))
        else:
            message._enqueue()
        return message
