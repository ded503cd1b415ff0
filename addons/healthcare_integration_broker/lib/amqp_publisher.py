"""Publishing business events to a message broker (AMQP 0-9-1, RabbitMQ).

Publishing is persistent (delivery mode 2) and waits for the broker's
publisher confirm: ``publish`` returns only once the broker has taken
responsibility for the event, and raises ``TransportError`` otherwise (its
``retryable`` flag says whether trying later may help). Connections are kept
per thread and reused while they are fresh::

    >>> cfg = BrokerConfig(host="127.0.0.1", username="guest", password="guest")
    >>> publish(cfg, Event("hc.events", "supply.demand", b"{}"))  # doctest: +SKIP
"""

from __future__ import annotations

import os
import threading
import time

from pika import exceptions as pika_errors

from .amqp import BrokerConfig, Event, classify, close_quietly, connect

# a cached publisher connection older than this (idle) is not reused: the
# broker may have dropped it for missed heartbeats
PUBLISHER_MAX_IDLE = 20.0
# errors of a connection that died (replaced once when it was a reused one)
_CONNECTION_ERRORS = (
    pika_errors.AMQPConnectionError,
    pika_errors.ConnectionClosed,
    pika_errors.StreamLostError,
    pika_errors.ConnectionWrongStateError,
    pika_errors.ChannelWrongStateError,
    OSError,
)


class Publisher:
    """One connection with a confirm-mode channel; for one thread only."""

    def __init__(self, cfg: BrokerConfig, name: str | None = None):
        self.cfg = cfg
        self.connection = connect(cfg, name or f"odoo-hc publisher pid {os.getpid()}")
        try:
            self.channel = self.connection.channel()
            self.channel.confirm_delivery()
        except pika_errors.AMQPError as exc:
            close_quietly(self.connection)
            raise classify(exc, cfg) from None
        self.declared: set[str] = set()
        self.last_used = time.monotonic()

    def is_fresh(self) -> bool:
        return (
            self.connection.is_open
            and self.channel.is_open
            and time.monotonic() - self.last_used < PUBLISHER_MAX_IDLE
        )

    def publish(
        self, event: Event, mandatory: bool = True, exchange_type: str | None = None
    ) -> None:
        """Publish and wait for the confirm; pika exceptions propagate."""
        if event.exchange and exchange_type and event.exchange not in self.declared:
            self.channel.exchange_declare(
                event.exchange, exchange_type=exchange_type, durable=True
            )
            self.declared.add(event.exchange)
        self.channel.basic_publish(
            event.exchange,
            event.routing_key,
            event.body,
            properties=event.properties(),
            mandatory=mandatory,
        )
        self.last_used = time.monotonic()

    def close(self) -> None:
        close_quietly(self.connection)


_local = threading.local()


def _cached_publishers() -> dict[str, Publisher]:
    # a forked worker must not share its parent's sockets
    if getattr(_local, "pid", None) != os.getpid():
        _local.pid = os.getpid()
        _local.publishers = {}
    return _local.publishers


def _publisher(cfg: BrokerConfig) -> tuple[Publisher, bool]:
    """This thread's publisher for ``cfg`` and whether it was just opened."""
    publishers = _cached_publishers()
    key = cfg.key()
    cached = publishers.get(key)
    if cached is not None and cached.is_fresh():
        return cached, False
    if cached is not None:
        cached.close()
    publishers[key] = Publisher(cfg)
    return publishers[key], True


def _discard(cfg: BrokerConfig) -> None:
    cached = _cached_publishers().pop(cfg.key(), None)
    if cached is not None:
        cached.close()


def close_publishers() -> None:
    """Close this thread's cached publisher connections."""
    for publisher in _cached_publishers().values():
        publisher.close()
    _cached_publishers().clear()


def publish(
    cfg: BrokerConfig,
    event: Event,
    mandatory: bool = True,
    exchange_type: str | None = None,
) -> float:
    """Publish ``event`` persistently and wait for the confirm; seconds taken.

    ``mandatory`` makes an event no queue receives a (retryable) failure
    rather than a silent drop; ``exchange_type`` declares the exchange (durable)
    first. A reused connection that turns out dead is replaced once: the
    event may then reach the broker twice, which its ``message_id`` lets
    consumers absorb. Raises ``TransportError``.
    """
    started = time.monotonic()
    while True:
        publisher, fresh = _publisher(cfg)
        try:
            publisher.publish(event, mandatory=mandatory, exchange_type=exchange_type)
            return time.monotonic() - started
        except (pika_errors.UnroutableError, pika_errors.NackError) as exc:
            raise classify(exc, cfg) from None
        except _CONNECTION_ERRORS as exc:
            _discard(cfg)
            if fresh:
                raise classify(exc, cfg) from None
        except pika_errors.AMQPError as exc:
            _discard(cfg)
            raise classify(exc, cfg) from None
