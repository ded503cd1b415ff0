# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from dataclasses import dataclass, field

import psycopg2

from odoo import api, fields, models

from odoo.addons.healthcare_integration_core.lib import inbound, signing
from odoo.addons.healthcare_integration_core.lib.receive import (
    INVALID,
    REFUSED,
    InboundRequest,
)

from ..lib.amqp_consumer import ACK, REJECT

_logger = logging.getLogger(__name__)

# queued events may wait long before they are consumed: a signature does not
# expire; a replayed one is absorbed as a duplicate by its digest
SIGNATURE_NO_EXPIRY = 10**10
REFUSAL_STATUS = {
    "unknown_flow": 404,
    "too_large": 413,
    "bad_content_type": 415,
    "unauthenticated": 401,
    "unstorable": 422,
}


class Refusal(Exception):
    def __init__(self, code, reason, status=None):
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.status = status or REFUSAL_STATUS.get(code)


@dataclass
class Stored:
    """What became of a batch: an outcome per delivery, and the refusals."""

    outcomes: list = field(default_factory=list)
    refusals: list = field(default_factory=list)

    def refuse(self, flow, delivery, refusal):
        self.outcomes.append(REJECT)
        self.refusals.append(
            (
                flow.backend_id.code if flow else "?",
                flow.code if flow else delivery.queue,
                delivery.message_id,
                delivery.queue,
                refusal,
            )
        )

    @property
    def unstorable(self):
        return sum(
            1 for *_rest, refusal in self.refusals if refusal.code == "unstorable"
        )


def is_systemic(exc):
    """Whether a failure to store is the database's or the code's, not the event's.

    Bad data (a value PostgreSQL refuses, a constraint) is the event's fault;
    any other database error (connection, serialization, a column the code
    expects but the database lacks until the module is updated) would fail
    every event alike.
    """
    return isinstance(exc, psycopg2.Error) and not isinstance(
        exc, (psycopg2.DataError, psycopg2.IntegrityError)
    )


def header_text(headers, name):
    """A delivery header as text (AMQP tables may carry bytes), or None."""
    value = (headers or {}).get(name)
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    return str(value) if value is not None else None


class HcAmqpInbound(models.AbstractModel):
    """Events consumed from a broker, stored as inbound messages.

    The consumer process (``odoo hc-consumer``) calls ``_store_deliveries``
    with a batch of deliveries in a transaction of its own, commits, and only
    then acknowledges them to the broker. Each delivery is stored the way a
    webhook is (``hc.inbound._ingest``, as the Integration Processor in the
    flow's company): idempotent by its ``message_id`` (or its payload's
    SHA-256), validated, screened and redacted. A delivery that is refused or
    cannot be stored is rejected to the queue's dead-letter exchange and
    counted in *Refused requests*; a refused payload is also recorded as a
    failed message, as a webhook answered 422 is.
    """

    _name = "hc.amqp.inbound"
    _description = "Integration Broker Consumption"

    # ------------------------------------------------------------------ plan

    @api.model
    def _consumer_flows(self, selectors=()):
        """The inbound flows consumed from broker backends.

        ``selectors`` restrict them: ``<backend code>`` or ``<backend
        code>/<flow code>``. Read as superuser: a consumer serves every company
        of its database; each delivery is then stored in its flow's company.
        """
        flows = (
            self.env["hc.flow"]
            .sudo()
            .search(
                [
                    ("backend_id.transport", "=", "amqp"),
                    ("backend_id.active", "=", True),
                    ("direction", "=", "inbound"),
                    ("trigger", "!=", "schedule"),
                ],
                order="backend_id, id",
            )
        )
        if not selectors:
            return flows
        wanted = {s.strip() for s in selectors if s and s.strip()}
        return flows.filtered(
            lambda f: f.backend_id.code in wanted
            or f"{f.backend_id.code}/{f.code}" in wanted
        )

    @api.model
    def _consumer_plan(self, selectors=()):
        """{backend code: (BrokerConfig, prefetch, (QueueSpec, ...))}."""
        plan = {}
        flows = self._consumer_flows(selectors)
        for backend in flows.backend_id:
            specs = tuple(
                flow._amqp_queue_spec()
                for flow in flows.filtered(lambda f, b=backend: f.backend_id == b)
            )
            plan[backend.code] = (
                backend._amqp_config(),
                backend.amqp_prefetch or 200,
                specs,
            )
        return plan

    # ------------------------------------------------------------------ storing

    @api.model
    def _store_deliveries(self, deliveries):
        """Store a batch of deliveries in the current transaction; a ``Stored``.

        The batch is stored in one savepoint; when a delivery fails in a way
        no check foresaw, the batch is stored again one savepoint per delivery,
        so that only that one is rejected (poison). Failures of the database
        itself (lost connection, serialization conflict, a schema the code does
        not match) are not the event's fault: they propagate, the caller rolls
        back and acknowledges nothing, and the broker delivers the batch again.
        The refusals are to be recorded once the transaction committed
        (``_record_refusals``): two consumers counting in one transaction
        each would conflict on the counts.
        """
        flows = self.env["hc.flow"].sudo().browse({d.tag for d in deliveries})
        by_id = {flow.id: flow for flow in flows.exists()}
        try:
            with self.env.cr.savepoint():
                return self._store_batch(by_id, deliveries, isolated=False)
        except Exception as exc:
            if is_systemic(exc):
                raise
            _logger.info("a delivery of the batch failed (%s); one by one", exc)
        return self._store_batch(by_id, deliveries, isolated=True)

    @api.model
    def _store_batch(self, flows_by_id, deliveries, isolated):
        stored = Stored()
        for delivery in deliveries:
            flow = flows_by_id.get(delivery.tag)
            try:
                receipt = self._receive_delivery(flow, delivery, isolated)
            except Refusal as refusal:
                stored.refuse(flow, delivery, refusal)
                continue
            if receipt.outcome == REFUSED:
                refusal = Refusal(receipt.reason_code, receipt.reason, receipt.status)
                stored.refuse(flow, delivery, refusal)
            elif receipt.outcome == INVALID:
                reason = "; ".join(receipt.message.errors)[:250]
                stored.refuse(flow, delivery, Refusal("invalid", reason))
            else:
                stored.outcomes.append(ACK)
        return stored

    @api.model
    def _receive_delivery(self, flow, delivery, isolated):
        """Hand one delivery to the receive service (``hc.receive``).

        The broker authenticated the publisher; signatures, when the backend
        requires them, do not expire (events wait in queues). Refusals are
        counted once the batch committed (``_record_refusals``).
        """
        # no chatter note nor follower per event: thousands an hour
        service = self.env["hc.receive"].with_context(tracking_disable=True)
        request = self._inbound_request(flow, delivery)
        if not isolated:
            return service._receive(request, flow)
        try:
            with self.env.cr.savepoint():
                return service._receive(request, flow)
        except Exception as exc:
            if is_systemic(exc):
                raise
            reason = f"cannot be stored: {type(exc).__name__}: {exc}"[:250]
            raise Refusal("unstorable", reason) from exc

    @api.model
    def _inbound_request(self, flow, delivery):
        traceparent = header_text(delivery.headers, "traceparent")
        if traceparent and len(traceparent) > inbound.HEADER_LIMITS["traceparent"]:
            traceparent = None  # not a W3C traceparent: a new trace starts
        headers = {
            name: header_text(delivery.headers, name)
            for name in (signing.TIMESTAMP_HEADER, signing.SIGNATURE_HEADER)
            if header_text(delivery.headers, name) is not None
        }
        if delivery.content_type:
            headers["Content-Type"] = delivery.content_type
        return InboundRequest(
            door="broker",
            backend_code=flow.backend_id.code if flow else None,
            headers=headers,
            body=delivery.body,
            authenticated_by_transport=True,
            signature_tolerance=SIGNATURE_NO_EXPIRY,
            idempotency_key=delivery.message_id or None,
            correlation_id=delivery.correlation_id or None,
            traceparent=traceparent,
            remote_addr=f"amqp queue {delivery.queue}",
            count_refusals=False,
        )

    @api.model
    def _record_refusals(self, refusals):
        """Log the dead-lettered deliveries and count them in Refused requests.

        ``refusals`` are ``Stored.refusals``: (backend code, flow code, message
        id, queue, Refusal); never a body.
        """
        for backend_code, flow_code, message_id, queue, refusal in refusals:
            _logger.warning(
                "broker %s/%s: event %s dead-lettered: %s",
                backend_code,
                flow_code,
                message_id or "(no message id)",
                refusal.reason,
            )
            if not refusal.status:
                continue  # on record as a failed message already
            self.env["hc.webhook.refusal"].sudo()._refuse(
                backend_code,
                flow_code,
                refusal.code,
                refusal.status,
                refusal.reason,
                {
                    "at": fields.Datetime.to_string(fields.Datetime.now()),
                    "from": f"amqp queue {queue}",
                    "message_id": message_id,
                },
            )
