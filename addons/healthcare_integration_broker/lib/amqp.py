"""Business events on a message broker (AMQP 0-9-1, RabbitMQ) with pika.

Broker settings (``BrokerConfig``), events and queues, connections, and what
a broker's failures mean (``classify``: a ``TransportError`` whose
``retryable`` flag says whether trying later may help). Publishing is in
``amqp_publisher``, consuming in ``amqp_consumer``; both declare queues the
same way (``declare_queue``).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import ssl
import time
from dataclasses import dataclass, field

import pika
from pika import exceptions as pika_errors

try:  # inside Odoo
    from odoo.addons.healthcare_integration_core.lib.transport import (
        TransportError,
        _pem_file,
    )
except ImportError:  # database-free use: the core's lib folder is on sys.path
    from lib.transport import TransportError, _pem_file  # type: ignore[no-redef]

_logger = logging.getLogger(__name__)
# pika logs every connection step at INFO and every failed attempt at ERROR,
# then raises: the transport reports those failures itself (retry, dead
# letter, consumer warnings). A level the user configured is kept.
if logging.getLogger("pika").level == logging.NOTSET:
    logging.getLogger("pika").setLevel(logging.CRITICAL)

PERSISTENT = 2
EXCHANGE_TYPES = ("topic", "direct", "fanout", "headers")
DEAD_LETTER_EXCHANGE_SUFFIX = ".dlx"
DEAD_LETTER_QUEUE_SUFFIX = ".dead"
# AMQP reply codes of a closed channel that retrying cannot fix
_CONFIG_REPLY_CODES = {
    403: "access refused",
    404: "not found",
    406: "precondition failed (declared with other arguments)",
}


@dataclass(frozen=True)
class BrokerConfig:
    """Where the broker is and how to log in; ``password`` is never shown."""

    host: str
    port: int = 5672
    virtual_host: str = "/"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    use_tls: bool = False
    verify_tls: bool = True
    ca_pem: str | None = None
    client_cert_pem: str | None = None
    client_key_pem: str | None = field(default=None, repr=False)
    connect_timeout: float = 5.0
    # seconds a blocked publisher (broker out of memory or disk) waits
    blocked_timeout: float = 30.0
    heartbeat: int = 30

    def key(self) -> str:
        """A fingerprint of every setting, secrets included (never shown)."""
        text = repr(
            (
                self.host,
                self.port,
                self.virtual_host,
                self.username,
                self.password,
                self.use_tls,
                self.verify_tls,
                self.ca_pem,
                self.client_cert_pem,
                self.client_key_pem,
                self.connect_timeout,
                self.blocked_timeout,
                self.heartbeat,
            )
        )
        return hashlib.sha256(text.encode()).hexdigest()

    def url(self) -> str:
        """amqp(s)://host:port/vhost, without credentials, for people to read."""
        scheme = "amqps" if self.use_tls else "amqp"
        vhost = "%2F" if self.virtual_host == "/" else self.virtual_host
        return f"{scheme}://{self.host}:{self.port}/{vhost}"


@dataclass
class Event:
    """One event to publish and its AMQP properties."""

    exchange: str
    routing_key: str
    body: bytes
    message_id: str | None = None
    correlation_id: str | None = None
    content_type: str | None = None
    type: str | None = None
    app_id: str | None = None
    headers: dict = field(default_factory=dict)
    timestamp: int | None = None

    def properties(self) -> pika.BasicProperties:
        return pika.BasicProperties(
            delivery_mode=PERSISTENT,
            message_id=self.message_id or None,
            correlation_id=self.correlation_id or None,
            content_type=self.content_type or None,
            type=self.type or None,
            app_id=self.app_id or None,
            headers=dict(self.headers) or None,
            timestamp=int(time.time()) if self.timestamp is None else self.timestamp,
        )


@dataclass(frozen=True)
class QueueSpec:
    """A queue to consume; ``tag`` is the caller's name for it (a flow id).

    With ``declare``, the queue is declared durable with a dead-letter
    exchange (fanout) and queue of its own, and bound to ``exchange`` with
    each of ``binding_keys``; without it, the queue must exist already.
    """

    queue: str
    tag: object = None
    exchange: str = ""
    exchange_type: str = "topic"
    binding_keys: tuple[str, ...] = ()
    declare: bool = True

    @property
    def dead_letter_exchange(self) -> str:
        return self.queue + DEAD_LETTER_EXCHANGE_SUFFIX

    @property
    def dead_letter_queue(self) -> str:
        return self.queue + DEAD_LETTER_QUEUE_SUFFIX


# ---------------------------------------------------------------- connections


def _ssl_options(cfg: BrokerConfig) -> pika.SSLOptions | None:
    if not cfg.use_tls:
        return None
    context = ssl.create_default_context(cadata=cfg.ca_pem or None)
    if not cfg.verify_tls:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if cfg.client_cert_pem:
        with contextlib.ExitStack() as stack:
            cert = stack.enter_context(_pem_file(cfg.client_cert_pem))
            key = (
                stack.enter_context(_pem_file(cfg.client_key_pem))
                if cfg.client_key_pem
                else None
            )
            context.load_cert_chain(cert, key)
    return pika.SSLOptions(context, server_hostname=cfg.host)


def _credentials(cfg: BrokerConfig):
    if cfg.username:
        return pika.PlainCredentials(cfg.username, cfg.password or "")
    if cfg.use_tls and cfg.client_cert_pem:
        return pika.credentials.ExternalCredentials()
    # pika would silently log in as guest/guest
    raise ValueError(
        "A broker backend needs a user name and password, or TLS with a client "
        "certificate (EXTERNAL authentication)"
    )


def connection_parameters(
    cfg: BrokerConfig, name: str = "odoo-hc"
) -> pika.ConnectionParameters:
    """pika's parameters for ``cfg``; ValueError for a configuration pika refuses."""
    return pika.ConnectionParameters(
        host=cfg.host,
        port=cfg.port,
        virtual_host=cfg.virtual_host or "/",
        credentials=_credentials(cfg),
        ssl_options=_ssl_options(cfg),
        heartbeat=cfg.heartbeat,
        blocked_connection_timeout=cfg.blocked_timeout,
        socket_timeout=cfg.connect_timeout,
        stack_timeout=cfg.connect_timeout * 3,
        connection_attempts=1,
        client_properties={"connection_name": name},
    )


def connect(cfg: BrokerConfig, name: str = "odoo-hc") -> pika.BlockingConnection:
    """An open connection to the broker; TransportError when there is none."""
    try:
        return pika.BlockingConnection(connection_parameters(cfg, name))
    except (pika_errors.AMQPError, OSError, ssl.SSLError) as exc:
        raise classify(exc, cfg) from None


def check_connection(cfg: BrokerConfig) -> float:
    """Open and close a connection and a channel; seconds taken."""
    started = time.monotonic()
    connection = connect(cfg, "odoo-hc connection test")
    try:
        connection.channel().close()
    except pika_errors.AMQPError as exc:
        raise classify(exc, cfg) from None
    finally:
        close_quietly(connection)
    return time.monotonic() - started


def close_quietly(connection) -> None:
    if connection is not None and connection.is_open:
        with contextlib.suppress(pika_errors.AMQPError, OSError):
            connection.close()


def _reply_text(exc) -> tuple[int | None, str]:
    code = getattr(exc, "reply_code", None)
    text = getattr(exc, "reply_text", None)
    if code is None and exc.args and isinstance(exc.args[0], int):
        code, text = exc.args[0], exc.args[1] if len(exc.args) > 1 else ""
    return code, str(text or "")


def classify(exc: BaseException, cfg: BrokerConfig | None = None) -> TransportError:
    """The ``TransportError`` of a pika or socket failure, with a readable reason."""
    where = f"broker {cfg.url()}" if cfg else "broker"
    name = type(exc).__name__
    if isinstance(
        exc,
        (pika_errors.ProbableAuthenticationError, pika_errors.AuthenticationError),
    ):
        return TransportError(
            f"{where} refused the login (user {cfg.username if cfg else '?'}): "
            "check the user name and the secret",
            retryable=False,
        )
    if isinstance(exc, pika_errors.ProbableAccessDeniedError):
        return TransportError(
            f"{where}: access to the virtual host refused for this user",
            retryable=False,
        )
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None
    if isinstance(exc, ssl.SSLError) or isinstance(inner, ssl.SSLError):
        return TransportError(
            f"{where}: TLS error ({name}): check the CA, certificates and TLS port",
            retryable=False,
        )
    if isinstance(exc, pika_errors.UnroutableError):
        return TransportError(
            f"{where} could not route the event: no queue is bound to its exchange "
            "with its routing key",
            retryable=True,
        )
    if isinstance(exc, pika_errors.NackError):
        return TransportError(f"{where} refused the event (nack)", retryable=True)
    if isinstance(exc, pika_errors.ChannelClosedByBroker):
        code, text = _reply_text(exc)
        if code == 406 and "inequivalent arg" in text:
            # typically a classic queue an earlier release declared
            return TransportError(
                f"{where}: {text}: the queue exists with other arguments; the "
                "suite declares quorum queues: drain the queue and delete it so "
                "that the consumer declares it again, or clear Declare on the "
                "broker on the flow (readme/DEPLOY.md, RabbitMQ)",
                retryable=False,
            )
        if code in _CONFIG_REPLY_CODES:
            return TransportError(
                f"{where}: {_CONFIG_REPLY_CODES[code]}: {text}", retryable=False
            )
        return TransportError(f"{where} closed the channel: {code} {text}")
    if isinstance(exc, pika_errors.ConnectionClosedByBroker):
        code, text = _reply_text(exc)
        return TransportError(f"{where} closed the connection: {code} {text}")
    if isinstance(exc, (pika_errors.AMQPConnectionError, OSError)):
        detail = _connection_detail(exc)
        return TransportError(f"{where} unreachable ({detail})", retryable=True)
    return TransportError(f"{where}: unexpected error ({name})", retryable=True)


def _connection_detail(exc: BaseException) -> str:
    inner = exc.args[0] if exc.args else None
    detail = repr(inner) if isinstance(inner, BaseException) else str(exc)
    return (detail or type(exc).__name__)[:200]


# ---------------------------------------------------------------- topology


def queue_arguments(spec: QueueSpec) -> dict:
    """The arguments ``declare_queue`` gives ``spec``'s queue: a quorum queue
    (replicated on the broker's nodes), whose rejected events go to its
    dead-letter exchange at least once (the broker keeps an event until the
    dead-letter queue has it; that strategy needs ``reject-publish``: a full
    queue refuses new events, which a publisher with confirms sees as a nack).
    """
    return {
        "x-queue-type": "quorum",
        "x-dead-letter-exchange": spec.dead_letter_exchange,
        "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish",
    }


def declare_queue(channel, spec: QueueSpec) -> None:
    """Declare ``spec``'s queue, its dead-letter exchange and queue, its bindings.

    Both queues are quorum queues (``queue_arguments``). A queue of that name
    declared by an earlier release as a classic queue closes the channel with
    406 PRECONDITION_FAILED (``classify`` says how to move it).
    Without ``spec.declare``, only check that the queue exists (a missing
    queue closes the channel with 404).
    """
    if not spec.declare:
        channel.queue_declare(spec.queue, passive=True)
        return
    channel.exchange_declare(
        spec.dead_letter_exchange, exchange_type="fanout", durable=True
    )
    channel.queue_declare(
        spec.dead_letter_queue, durable=True, arguments={"x-queue-type": "quorum"}
    )
    channel.queue_bind(spec.dead_letter_queue, spec.dead_letter_exchange)
    channel.queue_declare(spec.queue, durable=True, arguments=queue_arguments(spec))
    if spec.exchange:
        channel.exchange_declare(
            spec.exchange, exchange_type=spec.exchange_type, durable=True
        )
        for key in spec.binding_keys or ("",):
            channel.queue_bind(spec.queue, spec.exchange, routing_key=key)


def delete_queue(channel, spec: QueueSpec, exchange: bool = False) -> None:
    """Remove what ``declare_queue`` declared (tests and benchmarks)."""
    channel.queue_delete(spec.queue)
    channel.queue_delete(spec.dead_letter_queue)
    channel.exchange_delete(spec.dead_letter_exchange)
    if exchange and spec.exchange:
        channel.exchange_delete(spec.exchange)
