"""Consuming a broker's queues into Odoo, acknowledging only what is stored.

A ``Consumer`` hands deliveries to a ``store`` callback in batches and
acknowledges each one only after ``store`` returned (the caller commits inside
it); what ``store`` rejects goes to the queue's dead-letter exchange. Whatever
was received but not acknowledged when the connection drops or the process
dies is delivered again by the broker, so ``store`` must be idempotent (by
``message_id``)::

    >>> spec = QueueSpec("odoo.ehr.demand", tag=7, exchange="hc.events",
    ...                  binding_keys=("supply.demand.#",))
    >>> Consumer(cfg, [spec], store=lambda batch: [ACK] * len(batch)).run()
    ... # doctest: +SKIP
"""

from __future__ import annotations

import logging
import random
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from pika import exceptions as pika_errors

from .amqp import (
    BrokerConfig,
    QueueSpec,
    classify,
    close_quietly,
    connect,
    declare_queue,
)

try:  # inside Odoo
    from odoo.addons.healthcare_integration_core.lib.transport import TransportError
except ImportError:  # database-free use: the core's lib folder is on sys.path
    from lib.transport import TransportError  # type: ignore[no-redef]

_logger = logging.getLogger(__name__)

ACK = "ack"
REJECT = "reject"


@dataclass
class Delivery:
    """A received event, as ``store`` sees it."""

    tag: object
    delivery_tag: int
    body: bytes
    queue: str = ""
    message_id: str | None = None
    correlation_id: str | None = None
    content_type: str | None = None
    headers: dict = field(default_factory=dict)
    redelivered: bool = False
    routing_key: str = ""


class StoreUnavailable(Exception):
    """``store`` could not store a batch now (database down); nothing is acked."""


def backoff(failures: int, base: float = 1.0, cap: float = 30.0) -> float:
    """Seconds before reconnecting after ``failures`` failures in a row (jittered)."""
    delay = min(cap, base * 2 ** max(failures - 1, 0))
    return delay * random.uniform(0.8, 1.0)


class Consumer:
    """Consume queues from one broker into ``store``, acknowledging late.

    ``store(deliveries)`` returns one of ``ACK`` (stored, or already stored)
    or ``REJECT`` (cannot be stored: dead-lettered) per delivery, after it
    made them durable; it raises ``StoreUnavailable`` (or anything else) when
    the batch could not be stored at all, and the connection is then closed so
    that the broker delivers the batch again. A lost connection is reopened
    with backoff; ``stop()`` (from a signal handler or another thread) ends
    ``run()`` after the batch in hand is stored and acknowledged.
    """

    def __init__(
        self,
        cfg: BrokerConfig,
        specs: Sequence[QueueSpec],
        store: Callable[[list[Delivery]], Sequence[str]],
        prefetch: int = 200,
        batch_size: int = 100,
        max_wait: float = 0.2,
        name: str = "odoo-hc consumer",
        stop_event: threading.Event | None = None,
        max_backoff: float = 30.0,
    ):
        self.cfg = cfg
        self.specs = list(specs)
        self.store = store
        self.prefetch = max(prefetch, 1)
        self.batch_size = max(min(batch_size, self.prefetch), 1)
        self.max_wait = max_wait
        self.name = name
        self.stop_event = stop_event or threading.Event()
        self.max_backoff = max_backoff
        self.connection = None
        self.channel = None
        self.buffer: list[Delivery] = []
        self.first_buffered_at = 0.0
        self.failures = 0
        self.store_failing = False
        self.stats = {"acked": 0, "rejected": 0, "reconnects": 0, "batches": 0}

    # ------------------------------------------------------------ lifecycle

    def stop(self) -> None:
        self.stop_event.set()

    @property
    def stopping(self) -> bool:
        return self.stop_event.is_set()

    def run(self) -> None:
        """Consume until ``stop()``; reconnect with backoff after failures."""
        while not self.stopping:
            try:
                self._open()
                if not self.store_failing:
                    self.failures = 0
                self._consume()
            except (pika_errors.AMQPError, OSError, ssl.SSLError) as exc:
                self._failed(classify(exc, self.cfg).reason)
            except TransportError as exc:
                self._failed(exc.reason)
            except StoreUnavailable as exc:
                # backoff grows until a batch is stored, connecting or not
                self.store_failing = True
                self._failed(f"deliveries not stored, left to the broker: {exc}")
            finally:
                self._close()
        _logger.info("%s stopped (%s)", self.name, self.stats)

    def _failed(self, reason: str) -> None:
        self.failures += 1
        self.stats["reconnects"] += 1
        wait = backoff(self.failures, cap=self.max_backoff)
        _logger.warning("%s: %s; reconnecting in %.1f s", self.name, reason, wait)
        self.stop_event.wait(wait)

    def _open(self) -> None:
        self.connection = connect(self.cfg, self.name)
        self.channel = self.connection.channel()
        self.channel.basic_qos(prefetch_count=self.prefetch)
        for spec in self.specs:
            declare_queue(self.channel, spec)
        for spec in self.specs:
            self.channel.basic_consume(
                spec.queue, on_message_callback=self._receiver(spec)
            )
        _logger.info(
            "%s consuming %s on %s",
            self.name,
            ", ".join(s.queue for s in self.specs),
            self.cfg.url(),
        )

    def _close(self) -> None:
        # what is buffered but not acknowledged is redelivered by the broker
        self.buffer = []
        close_quietly(self.connection)
        self.connection = self.channel = None

    def _receiver(self, spec: QueueSpec):
        def on_message(_channel, method, properties, body):
            if not self.buffer:
                self.first_buffered_at = time.monotonic()
            self.buffer.append(
                Delivery(
                    tag=spec.tag,
                    delivery_tag=method.delivery_tag,
                    body=body,
                    queue=spec.queue,
                    message_id=properties.message_id,
                    correlation_id=properties.correlation_id,
                    content_type=properties.content_type,
                    headers=dict(properties.headers or {}),
                    redelivered=bool(method.redelivered),
                    routing_key=method.routing_key or "",
                )
            )

        return on_message

    # ------------------------------------------------------------ the loop

    def _consume(self) -> None:
        while not self.stopping:
            self.connection.process_data_events(time_limit=self._time_limit())
            if self._batch_due():
                self._flush()
        for consumer_tag in list(self.channel.consumer_tags):
            self.channel.basic_cancel(consumer_tag)
        self._flush()

    def _time_limit(self) -> float:
        if not self.buffer:
            return self.max_wait
        waited = time.monotonic() - self.first_buffered_at
        return max(0.0, min(self.max_wait, self.max_wait - waited))

    def _batch_due(self) -> bool:
        return bool(self.buffer) and (
            len(self.buffer) >= self.batch_size
            or time.monotonic() - self.first_buffered_at >= self.max_wait
        )

    def _flush(self) -> None:
        """Store the buffered deliveries, then acknowledge or reject each."""
        batch, self.buffer = self.buffer, []
        if not batch:
            return
        try:
            outcomes = list(self.store(batch))
        except StoreUnavailable:
            raise
        except Exception as exc:  # nothing is acked: the broker redelivers
            _logger.exception("%s: storing a batch failed", self.name)
            raise StoreUnavailable(type(exc).__name__) from exc
        if len(outcomes) != len(batch):
            raise StoreUnavailable("store returned a wrong number of outcomes")
        self._settle(batch, outcomes)
        self.stats["batches"] += 1
        self.store_failing = False

    def _settle(self, batch: Iterable[Delivery], outcomes: Sequence[str]) -> None:
        for delivery, outcome in zip(batch, outcomes, strict=True):
            if outcome == REJECT:
                self.channel.basic_nack(delivery.delivery_tag, requeue=False)
                self.stats["rejected"] += 1
            else:
                self.channel.basic_ack(delivery.delivery_tag)
                self.stats["acked"] += 1
