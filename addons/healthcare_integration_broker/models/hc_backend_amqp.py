# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.healthcare_integration_core.lib import transport

from ..lib import amqp

AMQP = "amqp"
AMQP_AUTH_TYPES = ("basic", "none")


# broker settings that configuration files carry
CONFIG_FIELDS = (
    "amqp_host",
    "amqp_port",
    "amqp_virtual_host",
    "amqp_use_tls",
    "amqp_ca_pem",
    "amqp_heartbeat",
    "amqp_prefetch",
    "amqp_require_signature",
)


class HcBackend(models.Model):
    """Message broker transport: events published to and consumed from RabbitMQ.

    An outbound message on a broker backend is published to its flow's
    exchange as a persistent event and is delivered once the broker confirmed
    it; a broker that is down is retried like an HTTP partner (backoff,
    breaker, dead letter). Inbound flows on it consume a queue each, through
    the ``odoo hc-consumer`` process (see ``hc.amqp.inbound``).

    The broker login is the backend's user name and Secret (authentication
    *HTTP basic*), or a TLS client certificate (authentication *None*, TLS on:
    EXTERNAL); TLS uses the backend's Verify TLS, client certificate and key.
    """

    _inherit = "hc.backend"

    transport = fields.Selection(
        selection_add=[(AMQP, "Message broker (AMQP)")],
        ondelete={AMQP: "set default"},
    )
    amqp_host = fields.Char(string="Broker host", tracking=True)
    amqp_port = fields.Integer(
        string="Broker port", default=5672, help="5672, or 5671 with TLS."
    )
    amqp_virtual_host = fields.Char(string="Virtual host", default="/", tracking=True)
    amqp_use_tls = fields.Boolean(string="TLS (AMQPS)", tracking=True)
    amqp_ca_pem = fields.Text(
        string="Broker CA (PEM)",
        help="Certificate authority of the broker's certificate, when it is not "
        "a public one (e.g. the hospital's own CA).",
    )
    amqp_heartbeat = fields.Integer(
        string="Heartbeat (s)",
        default=30,
        help="Seconds between heartbeats: a silent broker is declared lost after "
        "two of them.",
    )
    amqp_prefetch = fields.Integer(
        string="Prefetch",
        default=200,
        help="Deliveries a consumer holds unacknowledged at once; it stores and "
        "commits them in batches of up to half this number.",
    )
    amqp_require_signature = fields.Boolean(
        string="Require signed events",
        help="Each consumed event must carry the X-HC-Timestamp and X-HC-Signature "
        "headers a webhook carries (HMAC-SHA256 of '<timestamp>.<body>' with the "
        "webhook secret); others are dead-lettered. Signatures do not expire "
        "(events may wait in a queue); a replayed one is stored once.",
    )
    amqp_url = fields.Char(
        string="Broker URL", compute="_compute_amqp_url", help="Without credentials."
    )

    @api.depends("amqp_host", "amqp_port", "amqp_virtual_host", "amqp_use_tls")
    def _compute_amqp_url(self):
        for backend in self:
            backend.amqp_url = (
                amqp.BrokerConfig(
                    host=backend.amqp_host,
                    port=backend.amqp_port or 5672,
                    virtual_host=backend.amqp_virtual_host or "/",
                    use_tls=backend.amqp_use_tls,
                ).url()
                if backend.transport == AMQP and backend.amqp_host
                else False
            )

    # EXTENDS hc.backend
    @api.model
    def _hc_job_fields(self):
        return [
            *super()._hc_job_fields(),
            "amqp_host",
            "amqp_port",
            "amqp_virtual_host",
            "amqp_use_tls",
            "amqp_ca_pem",
            "amqp_heartbeat",
        ]

    @api.constrains("transport", "amqp_host", "auth_type", "amqp_port")
    def _check_amqp_transport(self):
        for backend in self.filtered(lambda b: b.transport == AMQP):
            if not backend.amqp_host:
                raise ValidationError(_("A broker backend needs the broker's host."))
            if not 0 < backend.amqp_port < 65536:
                raise ValidationError(_("The broker port is between 1 and 65535."))
            if backend.auth_type not in AMQP_AUTH_TYPES:
                raise ValidationError(
                    _(
                        "A broker backend logs in with a user name and password "
                        "(authentication: HTTP basic) or a TLS client certificate "
                        "(authentication: None, with TLS)."
                    )
                )

    @api.onchange("transport")
    def _onchange_transport_amqp(self):
        if self.transport == AMQP:
            self.system_type = "broker"
            if self.auth_type not in AMQP_AUTH_TYPES:
                self.auth_type = "basic"

    @api.onchange("amqp_use_tls")
    def _onchange_amqp_use_tls(self):
        if self.amqp_use_tls and self.amqp_port == 5672:
            self.amqp_port = 5671
        elif not self.amqp_use_tls and self.amqp_port == 5671:
            self.amqp_port = 5672

    # EXTENDS hc.backend
    @api.model
    def _hc_config_fields(self):
        return (*super()._hc_config_fields(), *CONFIG_FIELDS)

    # EXTENDS hc.backend
    def _requires_signature(self, door):
        if door == "broker" and self.amqp_require_signature:
            return True
        return super()._requires_signature(door)

    def _is_broker_transport(self):
        self.ensure_one()
        return self._job_settings().transport == AMQP

    def _amqp_config(self):
        """The lib's BrokerConfig of this backend, secrets decrypted."""
        self.ensure_one()
        settings = self._job_settings()
        basic = settings.auth_type == "basic"
        return amqp.BrokerConfig(
            host=settings.amqp_host,
            port=settings.amqp_port or 5672,
            virtual_host=settings.amqp_virtual_host or "/",
            username=settings.username if basic else None,
            password=self._secret("credential") if basic else None,
            use_tls=settings.amqp_use_tls,
            verify_tls=settings.verify_tls,
            ca_pem=settings.amqp_ca_pem or None,
            client_cert_pem=settings.client_cert_pem or None,
            client_key_pem=self._secret("tls_key"),
            connect_timeout=settings.connect_timeout or 5.0,
            blocked_timeout=settings.read_timeout or 30.0,
            heartbeat=settings.amqp_heartbeat or 30,
        )

    # EXTENDS hc.backend
    def _transport_send(self, method, path, body, headers, message=None):
        if self._job_settings().transport != AMQP:
            return super()._transport_send(method, path, body, headers, message)
        self._check_environment()
        if message is None:
            raise UserError(
                _(
                    "Backend %s is a message broker: nothing is fetched from it. "
                    "Inbound flows on it consume a queue (odoo hc-consumer).",
                    self.display_name,
                )
            )
        if not message.flow_id:
            return self._amqp_connection_test()
        return message.flow_id._amqp_publish(message, body, headers)

    def _amqp_connection_test(self):
        """Log in to the broker and open a channel (Test connection)."""
        cfg = self._amqp_config()
        elapsed = amqp.check_connection(cfg)
        return transport.HttpResult(
            status=200,
            headers={},
            body=b"",
            elapsed=elapsed,
            request_headers={"Broker": cfg.url(), "User": cfg.username or "EXTERNAL"},
        )
