# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.healthcare_integration_core.lib import transport

from ..lib import amqp, amqp_publisher

APP_ID = "odoo-healthcare-integration"
# request headers the delivery sets that travel as AMQP properties instead
PROPERTY_HEADERS = {"content-type", "idempotency-key", "x-correlation-id"}


# broker settings of a flow that configuration files carry
CONFIG_FIELDS = (
    "amqp_exchange",
    "amqp_exchange_type",
    "amqp_routing_key",
    "amqp_queue",
    "amqp_declare",
    "amqp_mandatory",
    "amqp_dead_letter_queue",
)


class HcFlow(models.Model):
    """Where a flow's events go on a broker backend, or which queue it consumes.

    Any flow type binds to a broker backend as it binds to an HTTP one: its
    handler builds and processes payloads, this binding only adds the
    exchange, routing key and queue.
    """

    _inherit = "hc.flow"

    backend_transport = fields.Selection(related="backend_id.transport")
    amqp_exchange = fields.Char(
        string="Exchange",
        tracking=True,
        help="Outbound: the exchange events are published to (empty: the "
        "default exchange, where the routing key names a queue). Inbound: the "
        "exchange the queue is bound to (empty: no binding, producers publish "
        "to the queue directly).",
    )
    amqp_exchange_type = fields.Selection(
        [(kind, kind.capitalize()) for kind in amqp.EXCHANGE_TYPES],
        string="Exchange type",
        default="topic",
        required=True,
    )
    amqp_routing_key = fields.Char(
        string="Routing key",
        tracking=True,
        help="Outbound: the routing key of the events (default: the flow type "
        "code, e.g. procurement.po_out). Inbound: the binding keys of the queue "
        "on the exchange, comma separated (e.g. supply.demand.#; default: the "
        "flow type code).",
    )
    amqp_queue = fields.Char(
        string="Queue",
        tracking=True,
        copy=False,
        help="Inbound: the queue consumed (default: odoo.<backend code>.<flow "
        "code>). Deliveries that cannot be stored go to <queue>.dead through "
        "the dead-letter exchange <queue>.dlx.",
    )
    amqp_declare = fields.Boolean(
        string="Declare on the broker",
        default=True,
        help="Declare the exchange (outbound), or the queue, its dead-letter "
        "exchange and queue and its bindings (inbound), all durable. Clear it "
        "when the broker's administrators provision them: the queue must then "
        "exist with its dead-letter exchange.",
    )
    amqp_mandatory = fields.Boolean(
        string="Refuse unroutable events",
        default=True,
        help="An event that no queue receives fails (and is retried) instead "
        "of being dropped by the broker.",
    )
    amqp_dead_letter_queue = fields.Char(
        string="Dead-letter queue", compute="_compute_amqp_dead_letter_queue"
    )

    # EXTENDS hc.flow
    @api.model
    def _hc_config_fields(self):
        return (*super()._hc_config_fields(), *CONFIG_FIELDS)

    # EXTENDS hc.flow
    @api.model
    def _hc_job_fields(self):
        return [
            *super()._hc_job_fields(),
            "amqp_exchange",
            "amqp_exchange_type",
            "amqp_routing_key",
            "amqp_queue",
            "amqp_declare",
            "amqp_mandatory",
        ]

    @api.depends("amqp_queue", "code", "backend_id.code", "direction")
    def _compute_amqp_dead_letter_queue(self):
        for flow in self:
            flow.amqp_dead_letter_queue = (
                flow._amqp_queue_spec().dead_letter_queue
                if flow.direction == "inbound" and flow.backend_id and flow.code
                else False
            )

    @api.constrains("backend_id", "flow_type_id", "amqp_queue", "active")
    def _check_amqp_binding(self):
        for flow in self.filtered(lambda f: f.backend_id.transport == "amqp"):
            if flow.direction != "inbound":
                continue
            if flow.trigger == "schedule":
                raise ValidationError(
                    _(
                        "Flow %s pulls batches on a schedule: a broker backend is "
                        "not polled. Bind an event or webhook flow type: its queue "
                        "is consumed as events arrive.",
                        flow.display_name,
                    )
                )
            queue = flow._amqp_queue_name()
            twins = flow.backend_id.flow_ids.filtered(
                lambda f, queue=queue, flow=flow: f != flow
                and f.active
                and f.direction == "inbound"
                and f._amqp_queue_name() == queue
            )
            if twins and flow.active:
                raise ValidationError(
                    _(
                        "Queue %(queue)s is already consumed by flow %(flow)s: "
                        "two flows on one queue would each get part of it.",
                        queue=queue,
                        flow=twins[0].display_name,
                    )
                )

    # ------------------------------------------------------------------ names

    def _amqp_routing_key(self):
        self.ensure_one()
        return self._job_settings().amqp_routing_key or self.flow_type_id.code

    def _amqp_queue_name(self):
        self.ensure_one()
        return self.amqp_queue or f"odoo.{self.backend_id.code}.{self.code}"

    def _amqp_queue_spec(self):
        """The queue this inbound flow consumes, as the consumer declares it."""
        self.ensure_one()
        keys = [k.strip() for k in (self._amqp_routing_key() or "").split(",")]
        return amqp.QueueSpec(
            queue=self._amqp_queue_name(),
            tag=self.id,
            exchange=self.amqp_exchange or "",
            exchange_type=self.amqp_exchange_type or "topic",
            binding_keys=tuple(k for k in keys if k) if self.amqp_exchange else (),
            declare=self.amqp_declare,
        )

    # ------------------------------------------------------------------ publish

    def _amqp_event(self, message, body, headers):
        """The event of ``message``: its payload, keys and headers.

        The delivery's headers that are not AMQP properties travel as headers
        (``X-HC-Message``, ``traceparent``, a handler's own).
        """
        self.ensure_one()
        extra = {
            name: value
            for name, value in (headers or {}).items()
            if name.lower() not in PROPERTY_HEADERS and value
        }
        return amqp.Event(
            exchange=self._job_settings().amqp_exchange or "",
            routing_key=self._amqp_routing_key(),
            body=body or b"",
            message_id=message.idempotency_key or message.name,
            correlation_id=message.correlation_id,
            content_type=message.content_type or self._content_type(),
            type=self.flow_type_id.code,
            app_id=APP_ID,
            headers={"X-HC-Message": message.name, **extra},
        )

    def _amqp_publish(self, message, body, headers):
        """Publish ``message`` and wait for the broker's confirm.

        Raises ``TransportError`` (retryable or not) when the broker did not
        take the event; the delivery then retries or fails it like an HTTP call.
        """
        self.ensure_one()
        cfg = self.backend_id._amqp_config()
        event = self._amqp_event(message, body, headers)
        settings = self._job_settings()
        declared = settings.amqp_exchange_type if settings.amqp_declare else None
        elapsed = amqp_publisher.publish(
            cfg, event, mandatory=settings.amqp_mandatory, exchange_type=declared
        )
        return transport.HttpResult(
            status=200,
            headers={"X-AMQP-Confirmed": "true"},
            body=b"",
            elapsed=elapsed,
            request_headers={
                "Broker": cfg.url(),
                "Exchange": event.exchange or "(default)",
                "Routing-Key": event.routing_key,
                "Message-Id": event.message_id or "",
                "Correlation-Id": event.correlation_id or "",
                "Content-Type": event.content_type or "",
                "Delivery-Mode": "persistent",
                **event.headers,
            },
        )
