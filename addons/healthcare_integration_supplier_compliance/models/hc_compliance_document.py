# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib import compliance as lib

STATES = [
    (lib.VALID, "Valid"),
    (lib.EXPIRING, "Expiring"),
    (lib.EXPIRED, "Expired"),
    (lib.NOT_YET_VALID, "Not yet valid"),
]


class HcComplianceDocument(models.Model):
    """One compliance document of a supplier: what, which number, how long.

    Entered by hand or synchronized from a compliance system (the flow type
    ``compliance.document_in``; ``backend_id`` and ``external_id`` then say
    where it came from). Every create, change and deletion is in the audit
    log.
    """

    _name = "hc.compliance.document"
    _description = "Supplier compliance document"
    _inherit = ["mail.thread", "mail.activity.mixin", "hc.audit.mixin"]
    _order = "partner_id, type_id, valid_from desc, id desc"
    _rec_name = "number"

    partner_id = fields.Many2one(
        "res.partner",
        string="Supplier",
        required=True,
        index=True,
        ondelete="cascade",
        domain=[("is_company", "=", True)],
        tracking=True,
    )
    type_id = fields.Many2one(
        "hc.compliance.document.type",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
    )
    number = fields.Char(required=True, tracking=True)
    issued_by = fields.Char(help="The body that issued it, e.g. a notified body.")
    issued_on = fields.Date(tracking=True)
    valid_from = fields.Date(tracking=True)
    valid_until = fields.Date(tracking=True, index=True)
    issuing_system = fields.Char(
        required=True,
        default=lambda self: _("Entered by hand"),
        help="Where the document was recorded: by hand, or the compliance "
        "system it was synchronized from.",
    )
    backend_id = fields.Many2one(
        "hc.backend", string="Synchronized from", readonly=True, index=True
    )
    external_id = fields.Char(readonly=True, index=True)
    company_id = fields.Many2one(related="type_id.company_id", store=True)
    state = fields.Selection(STATES, compute="_compute_state", search="_search_state")
    reminded_for = fields.Date(
        readonly=True,
        copy=False,
        help="The expiry date a renewal reminder was scheduled for.",
    )
    note = fields.Text()

    _sql_constraints = [
        (
            "external_unique",
            "unique(backend_id, external_id)",
            "A compliance system's document is recorded once.",
        ),
    ]

    def _hc_same_as(self, values):
        """Whether ``values`` (as written by a sync) would change nothing."""
        self.ensure_one()
        return all(
            (self[name].id if self._fields[name].type == "many2one" else self[name])
            == value
            for name, value in values.items()
        )

    def _period(self):
        return lib.Period(self.valid_from or None, self.valid_until or None)

    @api.depends("valid_from", "valid_until", "type_id.reminder_days")
    @api.depends_context("date")
    def _compute_state(self):
        today = fields.Date.context_today(self)
        for document in self:
            document.state = lib.state_on(
                document._period(), today, document.type_id.reminder_days
            )

    def _search_state(self, operator, value):
        if operator not in ("=", "in"):
            raise ValidationError(
                _("Search compliance documents by state with = or in.")
            )
        wanted = {value} if operator == "=" else set(value)
        documents = self.search([])
        return [("id", "in", documents.filtered(lambda d: d.state in wanted).ids)]

    @api.constrains("valid_from", "valid_until", "issued_on")
    def _check_dates(self):
        for document in self:
            problem = lib.date_problem(
                document.valid_from, document.valid_until, document.issued_on
            )
            if problem:
                raise ValidationError(
                    _(
                        "Compliance document %(number)s: %(problem)s.",
                        number=document.number,
                        problem=problem,
                    )
                )

    @api.constrains("partner_id", "type_id", "valid_from", "valid_until")
    def _check_overlap(self):
        for document in self:
            others = self.search(
                [
                    ("id", "!=", document.id),
                    ("partner_id", "=", document.partner_id.id),
                    ("type_id", "=", document.type_id.id),
                ]
            )
            clash = others.filtered(
                lambda o, d=document: o._period().overlaps(d._period())
            )
            if clash:
                raise ValidationError(
                    _(
                        "%(type)s %(number)s of %(supplier)s overlaps %(other)s "
                        "(%(start)s to %(end)s): a renewal starts after the "
                        "document it renews ends.",
                        type=document.type_id.name,
                        number=document.number,
                        supplier=document.partner_id.display_name,
                        other=clash[0].number,
                        start=clash[0].valid_from or "-",
                        end=clash[0].valid_until or "-",
                    )
                )

    # ------------------------------------------------------------------ reminders

    @api.model
    def _cron_renewal_reminders(self):
        """An activity for the type's responsible before a document expires.

        Once per expiry date: a renewed document (a new expiry) gets its own.
        Documents already renewed (a later one of the type exists) are skipped.
        """
        today = fields.Date.context_today(self)
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        for document in self.search([("valid_until", ">=", today)]):
            due = document.valid_until - timedelta(days=document.type_id.reminder_days)
            if due > today or document.reminded_for == document.valid_until:
                continue
            if document._renewed():
                continue
            document.activity_schedule(
                activity_type_id=activity_type.id,
                date_deadline=document.valid_until,
                summary=_("Renew %s", document.type_id.name),
                note=_(
                    "%(type)s %(number)s of %(supplier)s expires on %(date)s; "
                    "without a renewal, orders to this supplier will be blocked.",
                    type=document.type_id.name,
                    number=document.number,
                    supplier=document.partner_id.display_name,
                    date=document.valid_until,
                ),
                user_id=document.type_id.responsible_id.id,
            )
            document.reminded_for = document.valid_until

    def _renewed(self):
        self.ensure_one()
        return bool(
            self.search_count(
                [
                    ("partner_id", "=", self.partner_id.id),
                    ("type_id", "=", self.type_id.id),
                    ("valid_from", ">", self.valid_until),
                ]
            )
        )
