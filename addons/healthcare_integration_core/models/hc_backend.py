# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError

JOB_FIELDS = (
    "name",
    "code",
    "active",
    "paused",
    "company_id",
    "environment",
    "transport",
    "base_url",
    "auth_type",
    "api_key_header",
    "username",
    "token_url",
    "oauth_scope",
    "verify_tls",
    "client_cert_pem",
    "connect_timeout",
    "read_timeout",
    "rate_limit_per_minute",
    "breaker_threshold",
    "breaker_cooldown",
)

# settings of a backend that configuration files carry (names as in the file)
CONFIG_FIELDS = (
    "name",
    "active",
    "company",
    "system_type",
    "environment",
    "business_owner",
    "technical_owner",
    "base_url",
    "health_path",
    "transport",
    "auth_type",
    "api_key_header",
    "username",
    "token_url",
    "oauth_scope",
    "verify_tls",
    "client_cert_pem",
    "connect_timeout",
    "read_timeout",
    "rate_limit_per_minute",
    "breaker_threshold",
    "breaker_cooldown",
    "inbound_auth",
    "signature_covers_key",
    "webhook_tolerance",
    "max_payload_kb",
    "file_host",
    "file_port",
    "file_username",
    "file_host_key",
    "file_root",
    "file_in_dir",
    "file_out_dir",
    "file_archive_dir",
)

SYSTEM_TYPES = [
    ("ehr", "EHR"),
    ("procurement", "Procurement platform"),
    ("supplier", "Supplier"),
    ("hr", "HR system"),
    ("payroll", "Payroll provider"),
    ("eam", "EAM / CMMS"),
    ("finance", "Finance"),
    ("broker", "Message broker"),
    ("other", "Other"),
]
AUTH_TYPES = [
    ("none", "None"),
    ("api_key", "API key"),
    ("basic", "HTTP basic"),
    ("bearer", "Bearer token"),
    ("oauth2", "OAuth2 client credentials"),
    ("hmac", "HMAC signature"),
]
# Secret fields shown write-only in the UI, and the slot each is stored in.
SECRET_FIELDS = {
    "credential_secret": "credential",
    "webhook_secret": "webhook",
    "client_key_pem": "tls_key",
    "ssh_key_pem": "ssh_key",
}


class HcBackend(models.Model):
    _name = "hc.backend"
    _description = "Integration Backend"
    _inherit = [
        "mail.thread",
        "hc.audit.mixin",
        "hc.message.counter.mixin",
        "hc.backend.transport",
        "hc.backend.file",
        "hc.backend.resilience",
    ]
    _hc_message_link = "backend_id"
    _order = "name"
    _hc_secret_fields = tuple(SECRET_FIELDS)

    name = fields.Char(required=True, tracking=True)
    code = fields.Char(
        required=True,
        tracking=True,
        help="Stable technical name, used in webhook URLs: /hc/webhook/<code>/...",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    system_type = fields.Selection(SYSTEM_TYPES, required=True, default="other")
    business_owner_id = fields.Many2one("res.users", tracking=True)
    technical_owner_id = fields.Many2one("res.users", tracking=True)
    environment = fields.Selection(
        [
            ("development", "Development"),
            ("test", "Test"),
            ("production", "Production"),
        ],
        required=True,
        default="test",
        tracking=True,
    )
    base_url = fields.Char(string="Base URL", tracking=True)
    health_path = fields.Char(
        default="/", help="Path called by the Test connection button."
    )
    auth_type = fields.Selection(
        AUTH_TYPES, required=True, default="none", tracking=True
    )
    api_key_header = fields.Char(default="X-API-Key")
    username = fields.Char(help="User name (basic) or client id (OAuth2).")
    token_url = fields.Char(string="Token URL")
    oauth_scope = fields.Char(string="Scope")
    credential_secret = fields.Char(
        string="Secret",
        compute="_compute_secret_fields",
        inverse="_inverse_credential_secret",
        help="Password, API key, bearer token, OAuth2 client secret or HMAC key, "
        "depending on the authentication. Write-only: it is stored encrypted.",
    )
    webhook_secret = fields.Char(
        compute="_compute_secret_fields",
        inverse="_inverse_webhook_secret",
        help="Key that signs (HMAC) or authenticates (API key) inbound webhooks. "
        "Write-only: it is stored encrypted.",
    )
    client_key_pem = fields.Char(
        string="Client key (PEM)",
        compute="_compute_secret_fields",
        inverse="_inverse_client_key_pem",
    )
    ssh_key_pem = fields.Char(
        string="SSH private key",
        compute="_compute_secret_fields",
        inverse="_inverse_ssh_key_pem",
        help="Private key (OpenSSH or PEM) for SFTP key authentication; without "
        "it the Secret is the SFTP password. Write-only: it is stored encrypted.",
    )
    credential_is_set = fields.Boolean(compute="_compute_secret_fields")
    ssh_key_is_set = fields.Boolean(compute="_compute_secret_fields")
    webhook_secret_is_set = fields.Boolean(compute="_compute_secret_fields")
    client_key_is_set = fields.Boolean(compute="_compute_secret_fields")
    verify_tls = fields.Boolean(string="Verify TLS", default=True)
    client_cert_pem = fields.Text(string="Client certificate (PEM)")
    connect_timeout = fields.Float(default=5.0)
    read_timeout = fields.Float(default=30.0)
    inbound_auth = fields.Selection(
        [("hmac", "HMAC signature"), ("api_key", "API key")],
        required=True,
        default="hmac",
    )
    signature_covers_key = fields.Boolean(
        string="Signatures cover the Idempotency-Key",
        help="Accept only 'sha256k=' signatures, HMAC-SHA256 of "
        "'<timestamp>.<Idempotency-Key>.<body>': a captured request cannot be "
        "re-sent under another key. Without it, 'sha256=' signatures of "
        "'<timestamp>.<body>' are accepted too.",
    )
    webhook_tolerance = fields.Integer(
        default=300, help="Accepted clock skew of X-HC-Timestamp, in seconds."
    )
    max_payload_kb = fields.Integer(default=2048, string="Max. inbound payload (KiB)")
    paused = fields.Boolean(
        tracking=True, help="Paused backends keep their work waiting until resumed."
    )
    flow_ids = fields.One2many("hc.flow", "backend_id")

    _sql_constraints = [
        ("code_unique", "unique(code)", "The backend code must be unique."),
    ]

    @api.constrains("code")
    def _check_code(self):
        for backend in self:
            if not backend.code.replace("_", "").replace("-", "").isalnum():
                raise ValidationError(
                    _("Backend codes use letters, digits, '-' and '_' only.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        backends = super().create(vals_list)
        backends._grant_processor_companies()
        return backends

    def write(self, vals):
        res = super().write(vals)
        if "company_id" in vals:
            self._grant_processor_companies()
        if "transport" in vals:
            self.with_context(active_test=False).flow_ids._sync_cron()
        return res

    def _grant_processor_companies(self):
        """Let the inbound processor work in the companies of the backends."""
        bot = self.env["hc.message"]._processing_user().sudo()
        missing = self.company_id - bot.company_ids
        if missing:
            bot.write({"company_ids": [Command.link(c.id) for c in missing]})

    # ------------------------------------------------------------------ secrets

    def _compute_secret_fields(self):
        secrets = (
            self.env["hc.backend.secret"]
            .sudo()
            .search_read([("backend_id", "in", self.ids)], ["backend_id", "slot"])
        )
        slots = {(s["backend_id"][0], s["slot"]) for s in secrets}
        for backend in self:
            backend.credential_secret = False
            backend.webhook_secret = False
            backend.client_key_pem = False
            backend.ssh_key_pem = False
            backend.ssh_key_is_set = (backend.id, "ssh_key") in slots
            backend.credential_is_set = (backend.id, "credential") in slots
            backend.webhook_secret_is_set = (backend.id, "webhook") in slots
            backend.client_key_is_set = (backend.id, "tls_key") in slots

    def _inverse_secret(self, field_name):
        slot = SECRET_FIELDS[field_name]
        for backend in self:
            value = backend[field_name]
            if value:
                self.env["hc.backend.secret"]._store(backend, slot, value)
                if slot == "credential":
                    self.env["hc.backend.secret"]._store(backend, "oauth_token", None)

    def _inverse_credential_secret(self):
        self._inverse_secret("credential_secret")

    def _inverse_webhook_secret(self):
        self._inverse_secret("webhook_secret")

    def _inverse_client_key_pem(self):
        self._inverse_secret("client_key_pem")

    def _inverse_ssh_key_pem(self):
        self._inverse_secret("ssh_key_pem")

    def _secret(self, slot):
        self.ensure_one()
        return self.env["hc.backend.secret"]._reveal(self, slot)

    def _secrets(self, *slots):
        """{slot: clear text} of several secrets, read in one query."""
        self.ensure_one()
        store = self.env["hc.backend.secret"]
        ciphertexts = store._ciphertexts(self)
        return {slot: store._reveal(self, slot, ciphertexts) for slot in slots}

    @api.model
    def _hc_job_fields(self):
        """Fields of a backend that a message's job reads up front, in one
        query (see ``hc.message._fetch_for_job``); a transport extends it::

            @api.model
            def _hc_job_fields(self):
                return super()._hc_job_fields() + ["x_queue_name"]
        """
        return list(JOB_FIELDS)

    def _job_settings(self):
        """This backend's job settings: what a job reads of it, the worker's
        copy (``hc.job.settings``); read from the record outside a job."""
        return self.env["hc.job.settings"]._of(self)

    @api.model
    def _hc_config_fields(self):
        """Settings of a backend that configuration files carry (export and
        import, ``hc.config.io``); a transport or an addon extends it::

            @api.model
            def _hc_config_fields(self):
                return (*super()._hc_config_fields(), "x_queue_name")
        """
        return CONFIG_FIELDS

    def _requires_signature(self, door):
        """Whether requests through ``door`` need a signature although their
        transport authenticated the sender (``hc.receive``); a transport
        extends it::

            def _requires_signature(self, door):
                if door == "broker" and self.x_signed:
                    return True
                return super()._requires_signature(door)
        """
        return False

    # ------------------------------------------------------------------ actions

    def action_test_connection(self):
        """Call the health path synchronously and record the exchange."""
        self.ensure_one()
        message = self.env["hc.message"].create(
            {
                "backend_id": self.id,
                "direction": "outbound",
                "name": _("Connection test"),
                "endpoint": self.health_path or "/",
                "http_method": "GET",
                "state": "running",
            }
        )
        self.env["hc.delivery"]._deliver_now(message)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Connection test"),
                "message": _("%(state)s: %(detail)s")
                % {
                    "state": dict(message._fields["state"].selection)[message.state],
                    "detail": message.error_text or _("HTTP %s", message.http_status),
                },
                "type": "success" if message.state == "done" else "danger",
                "sticky": message.state != "done",
            },
        }

    def action_rotate_secrets(self):
        """Re-encrypt every backend secret under the newest configured key."""
        if not self.env.user.has_group("base.group_system"):
            raise UserError(_("Only administrators rotate encryption keys."))
        count = self.env["hc.backend.secret"]._rotate_all()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Key rotation"),
                "message": _("%s secrets re-encrypted under the newest key.", count),
                "type": "success",
            },
        }

    def action_add_flow(self):
        """Bind an installed flow type to this backend (a new flow's form)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Add flow"),
            "res_model": "hc.flow",
            "view_mode": "form",
            "target": "new",
            "context": {"default_backend_id": self.id},
        }

    def action_pause(self):
        self.write({"paused": True})
        return True

    def action_resume(self):
        self.write({"paused": False})
        self.env["hc.message"]._wake_waiting([("backend_id", "in", self.ids)])
        return True
