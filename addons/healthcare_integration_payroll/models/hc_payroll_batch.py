# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from decimal import Decimal

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib import inputs as lib


class HcPayrollBatch(models.Model):
    """One batch of compensation inputs sent to a provider for a period.

    Version 1 is the cutoff; each later version is a delta (a correction)
    referencing it. The batch's name is its idempotency key (provider, period,
    version): it goes out once, whatever is clicked or replayed. The
    provider's acknowledgement (in its answer, or later on the acknowledgement
    flow) is reconciled against the lines; differences are listed for a
    person to resolve.
    """

    _name = "hc.payroll.batch"
    _description = "Compensation Inputs Batch"
    _inherit = ["mail.thread", "mail.activity.mixin", "hc.consumer.mixin"]
    _order = "period_id desc, version desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, index=True)
    period_id = fields.Many2one(
        "hc.payroll.period", required=True, readonly=True, ondelete="restrict"
    )
    provider_id = fields.Many2one(related="period_id.provider_id", store=True)
    company_id = fields.Many2one(related="period_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    version = fields.Integer(required=True, readonly=True)
    kind = fields.Selection(
        [("original", "Cutoff"), ("delta", "Correction (delta)")],
        required=True,
        readonly=True,
    )
    original_batch_id = fields.Many2one(
        "hc.payroll.batch", string="Corrects batch", readonly=True
    )
    state = fields.Selection(
        [
            ("sent", "Sent"),
            ("acknowledged", "Acknowledged"),
            ("difference", "Differences"),
            ("rejected", "Rejected"),
        ],
        default="sent",
        required=True,
        readonly=True,
        tracking=True,
    )
    flow_id = fields.Many2one("hc.flow", readonly=True, string="Sent through")
    sent_at = fields.Datetime(readonly=True)
    delivered_at = fields.Datetime(readonly=True)
    acknowledged_at = fields.Datetime(readonly=True)
    ack_reference = fields.Char(
        string="Provider reference",
        readonly=True,
        help="The provider's id of the batch.",
    )
    ack_note = fields.Char(string="Provider note", readonly=True)
    line_ids = fields.One2many("hc.payroll.batch.line", "batch_id", readonly=True)
    work_entry_ids = fields.One2many("hr.work.entry", "hc_payroll_batch_id")
    input_ids = fields.One2many("hc.payroll.input", "batch_id", readonly=True)
    difference_ids = fields.One2many("hc.payroll.difference", "batch_id", readonly=True)
    line_count = fields.Integer(compute="_compute_totals", store=True)
    employee_count = fields.Integer(compute="_compute_totals", store=True)
    total_quantity = fields.Float(
        string="Hours", compute="_compute_totals", store=True, digits=(16, 2)
    )
    total_amount = fields.Monetary(
        string="Amount", compute="_compute_totals", store=True
    )
    open_difference_count = fields.Integer(compute="_compute_open_difference_count")

    _sql_constraints = [
        ("name_unique", "unique(name)", "Batch names are unique."),
        (
            "version_unique",
            "unique(period_id, version)",
            "A period has one batch per version.",
        ),
    ]

    # what the batch form shows of the exchange (its statusbar follows live)
    _hc_live_fields = ("state", "delivered_at", "acknowledged_at")

    def write(self, vals):
        res = super().write(vals)
        if set(vals) & set(self._hc_live_fields):
            self.env["hc.live"]._notify(self)  # an open batch form reloads
        return res

    @api.depends("line_ids.quantity", "line_ids.amount", "line_ids.employee_id")
    def _compute_totals(self):
        for batch in self:
            batch.line_count = len(batch.line_ids)
            batch.employee_count = len(batch.line_ids.employee_id)
            batch.total_quantity = sum(batch.line_ids.mapped("quantity"))
            batch.total_amount = sum(batch.line_ids.mapped("amount"))

    def _compute_open_difference_count(self):
        for batch in self:
            batch.open_difference_count = len(
                batch.difference_ids.filtered(lambda d: d.state == "open")
            )

    # ------------------------------------------------------------------ creating

    @api.model
    def _create_for(self, period, entries, inputs):
        """The next batch of ``period``, sending and locking ``entries``, ``inputs``."""
        batches = self.sudo().search([("period_id", "=", period.id)], order="version")
        version = (batches[-1:].version or 0) + 1
        employees = entries.employee_id | inputs.employee_id
        self._check_sendable(period, employees)
        provider_code = period.sudo().provider_id.backend_id.code
        batch = self.sudo().create(
            {
                "name": f"{provider_code}/{period._code()}/v{version}",
                "period_id": period.id,
                "version": version,
                "kind": "original" if version == 1 else "delta",
                "original_batch_id": batches[:1].id or False,
                "line_ids": [
                    fields.Command.create(vals)
                    for vals in self._line_vals(entries, inputs)
                ],
            }
        )
        entries.sudo().write({"hc_payroll_batch_id": batch.id})
        inputs.sudo().write({"batch_id": batch.id, "state": "sent"})
        return batch.with_env(self.env)

    @api.model
    def _check_sendable(self, period, employees):
        """Every employee must be known to the provider (by HR-system id)."""
        hr_backend = period.sudo().provider_id.hr_backend_id
        unknown = employees.sudo().filtered(
            lambda e: not e.hc_hr_id or e.hc_hr_backend_id != hr_backend
        )
        if unknown:
            raise UserError(
                _(
                    "These employees have inputs in %(period)s but the provider "
                    "does not know them (no id of HR system %(hr)s): %(names)s",
                    period=period.name,
                    hr=hr_backend.name,
                    names=", ".join(unknown.mapped("name")),
                )
            )

    @api.model
    def _line_vals(self, entries, inputs):
        """One line per (employee, code): entries' hours, inputs' hours and amounts."""
        totals = defaultdict(lambda: {"quantity": 0.0, "amount": 0.0, "entries": 0})
        for entry in entries:
            key = (entry.employee_id, entry.work_entry_type_id.external_code)
            totals[key]["quantity"] += entry.duration
            totals[key]["entries"] += 1
        for record in inputs:
            key = (record.employee_id, record.code_id.code)
            totals[key]["quantity"] += record.quantity
            totals[key]["amount"] += record.amount
        return [
            {
                "employee_id": employee.id,
                "employee_ref": employee.sudo().hc_hr_id,
                "code": code,
                "quantity": values["quantity"],
                "amount": values["amount"],
                "work_entry_count": values["entries"],
            }
            for (employee, code), values in sorted(
                totals.items(), key=lambda item: (item[0][0].id, item[0][1])
            )
        ]

    # ------------------------------------------------------------------ payloads

    def _hc_header(self):
        self.ensure_one()
        period = self.period_id
        return lib.BatchHeader(
            name=self.name,
            version=self.version,
            kind=self.kind,
            original=self.original_batch_id.name or None,
            period_start=period.date_from.isoformat(),
            period_end=period.date_to.isoformat(),
            currency=self.currency_id.name,
            provider=self.provider_id.sudo().backend_id.code,
        )

    def _hc_lines(self):
        self.ensure_one()
        return [line._hc_input_line() for line in self.line_ids]

    def _hc_document(self):
        """The batch as JSON (data/schemas/inputs_batch.schema.json)."""
        return lib.batch_document(self._hc_header(), self._hc_lines())

    def _hc_csv(self):
        return lib.batch_csv(self._hc_header(), self._hc_lines())

    # ------------------------------------------------------------------ sending

    def _send(self, flow):
        """Queue the batch on ``flow``; the batch's name makes it go once."""
        self.ensure_one()
        messages = self._hc_send(flow.flow_type_id.code, idempotency_key=self.name)
        if not messages:
            raise UserError(
                _(
                    "Batch %s could not be queued: its provider has no active flow.",
                    self.name,
                )
            )
        self.sudo().write({"flow_id": flow.id, "sent_at": fields.Datetime.now()})
        return messages

    def action_send(self):
        """Queue the batch again; its key makes the runtime answer the first message."""
        for batch in self:
            batch._send(batch.flow_id or batch.provider_id._inputs_flow())
        return True

    def _open_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------ acknowledgement

    def _hc_reconcile(self, document):
        """Apply the provider's acknowledgement ``document``; returns the differences.

        A rejected batch is marked so; an accepted one is reconciled per
        employee and code against its lines. Differences replace those of an
        earlier acknowledgement, are listed on the batch, and the provider's
        business owner gets an activity naming the employees concerned.
        """
        self.ensure_one()
        batch = self.sudo()
        vals = {
            "acknowledged_at": fields.Datetime.now(),
            "ack_reference": str(document.get("provider_batch_id") or "") or False,
            "ack_note": str(document.get("reason") or "")[:255] or False,
        }
        batch.difference_ids.unlink()
        if document.get("status") == "rejected":
            batch.write({**vals, "state": "rejected"})
            batch._hc_alert(
                _("The provider rejected batch %(batch)s: %(reason)s")
                % {"batch": batch.name, "reason": vals["ack_note"] or "-"}
            )
            return []
        tolerance = Decimal(str(batch.provider_id.reconcile_tolerance or 0))
        differences = lib.reconcile(
            batch._hc_lines(), lib.ack_lines(document), tolerance
        )
        batch.write(
            {
                **vals,
                "state": "difference" if differences else "acknowledged",
                "difference_ids": [
                    fields.Command.create(batch._difference_vals(d))
                    for d in differences
                ],
            }
        )
        if differences:
            batch._hc_alert(
                _(
                    "The acknowledgement of %(batch)s differs from what was sent for "
                    "%(count)s line(s):",
                    batch=batch.name,
                    count=len(differences),
                ),
                [d.describe() for d in differences],
            )
        return differences

    def _difference_vals(self, difference):
        employees = self.line_ids.filtered(
            lambda line: line.employee_ref == difference.employee
        ).employee_id
        return {
            "employee_ref": difference.employee,
            "employee_id": employees[:1].id or False,
            "code": difference.code,
            "kind": difference.kind,
            "sent_quantity": float(difference.sent_quantity),
            "sent_amount": float(difference.sent_amount),
            "ack_quantity": float(difference.ack_quantity),
            "ack_amount": float(difference.ack_amount),
        }

    def _hc_alert(self, text, items=()):
        """Post ``text`` on the batch; an activity for the provider's business owner."""
        body = Markup("<p>%s</p>") % text
        if items:
            body += Markup("<ul>%s</ul>") % Markup().join(
                Markup("<li>%s</li>") % item for item in items
            )
        # a note and an activity, no e-mail: this may run as the Integration
        # Processor, which has no mailbox to send from
        self.message_post(body=body, subtype_xmlid="mail.mt_note")
        owner = self.provider_id.backend_id.business_owner_id
        if owner:
            self.with_context(mail_activity_quick_update=True).activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=owner.id,
                summary=_("Payroll batch %s to reconcile", self.name),
                note=body,
            )

    def _hc_on_resolved(self):
        """Once every difference is resolved, the batch counts as acknowledged."""
        for batch in self.filtered(lambda b: b.state == "difference"):
            if not batch.open_difference_count:
                batch.sudo().state = "acknowledged"
