# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from dataclasses import dataclass, field

import psycopg2

from odoo import api, fields, models

from ..lib import formats, inbound, signing
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
    def __init__(self, code, reason):
        super().__init__(reason)
        self.code = code
        self.reason = reason


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
                self._screen_delivery(flow, delivery)
                digest = self._check_signature(flow, delivery)
                ingested = self._ingest_delivery(flow, delivery, digest, isolated)
            except Refusal as refusal:
                stored.refuse(flow, delivery, refusal)
            else:
                if ingested.errors:
                    stored.refuse(
                        flow,
                        delivery,
                        Refusal("invalid", "; ".join(ingested.errors)[:250]),
                    )
                else:
                    stored.outcomes.append(ACK)
        return stored

    @api.model
    def _ingest_delivery(self, flow, delivery, digest, isolated):
        """Store one delivery as the Integration Processor, in its flow's company."""
        env = self.env(
            user=self.env["hc.message"]._processing_user().id,
            context=dict(
                self.env.context,
                allowed_company_ids=flow.company_id.ids,
                # no chatter note nor follower per event: thousands an hour
                tracking_disable=True,
            ),
        )
        values = self._ingest_values(delivery, digest)
        if not isolated:
            return env["hc.inbound"]._ingest(
                flow.with_env(env), delivery.body, **values
            )
        try:
            with self.env.cr.savepoint():
                return env["hc.inbound"]._ingest(
                    flow.with_env(env), delivery.body, **values
                )
        except Exception as exc:
            if is_systemic(exc):
                raise
            reason = f"cannot be stored: {type(exc).__name__}: {exc}"[:250]
            raise Refusal("unstorable", reason) from exc

    @api.model
    def _ingest_values(self, delivery, digest):
        traceparent = header_text(delivery.headers, "traceparent")
        if traceparent and len(traceparent) > inbound.HEADER_LIMITS["traceparent"]:
            traceparent = None  # not a W3C traceparent: a new trace starts
        return {
            "idempotency_key": delivery.message_id or None,
            "correlation_id": delivery.correlation_id or None,
            "signature_digest": digest,
            "traceparent": traceparent,
        }

    @api.model
    def _screen_delivery(self, flow, delivery):
        """Refuse what no flow takes, what is too large or of another format."""
        if not flow or not flow.active:
            raise Refusal("unknown_flow", "no active inbound flow consumes this queue")
        limit = (flow.backend_id.max_payload_kb or 2048) * 1024
        if len(delivery.body) > limit:
            raise Refusal(
                "too_large",
                f"Payload of {len(delivery.body)} bytes exceeds {limit} bytes",
            )
        if delivery.content_type and not formats.accepts(
            flow.payload_format, delivery.content_type
        ):
            raise Refusal(
                "bad_content_type",
                f"Content type {formats.mimetype(delivery.content_type)} not "
                f"accepted for {flow.payload_format} payloads",
            )

    @api.model
    def _check_signature(self, flow, delivery):
        """The digest of an event's accepted signature, when the backend wants one."""
        backend = flow.backend_id
        if not backend.amqp_require_signature:
            return None
        secret = backend.sudo()._secret("webhook")
        if not secret:
            raise Refusal("unauthenticated", "No webhook secret to check signatures")
        signature = header_text(delivery.headers, signing.SIGNATURE_HEADER)
        try:
            signing.verify_signature(
                secret,
                header_text(delivery.headers, signing.TIMESTAMP_HEADER),
                signature,
                delivery.body,
                tolerance=SIGNATURE_NO_EXPIRY,
            )
        except signing.SignatureError as exc:
            raise Refusal("unauthenticated", exc.reason) from None
        return inbound.signature_digest(signature)

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
            if refusal.code not in REFUSAL_STATUS:
                continue  # on record as a failed message already
            self.env["hc.webhook.refusal"].sudo()._refuse(
                backend_code,
                flow_code,
                refusal.code,
                REFUSAL_STATUS[refusal.code],
                refusal.reason,
                {
                    "at": fields.Datetime.to_string(fields.Datetime.now()),
                    "from": f"amqp queue {queue}",
                    "message_id": message_id,
                },
            )
