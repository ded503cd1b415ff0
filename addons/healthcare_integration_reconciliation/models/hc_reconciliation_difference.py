# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..lib import reconcile as lib

USER_GROUP = "healthcare_integration_core.group_hc_user"
MANAGER_GROUP = "healthcare_integration_core.group_hc_manager"
KINDS = [
    (lib.MISSING_AT_PARTNER, "Missing at the partner"),
    (lib.MISSING_HERE, "Missing here"),
    (lib.AMOUNT_DIFFERS, "Amount differs"),
    (lib.COUNT_DIFFERS, "Count differs"),
]


class HcReconciliationDifference(models.Model):
    """A difference between what a flow exchanged and the partner's report: a
    business exception of the flow, for its business owner.

    Like a failed message, it is acknowledged (taken in charge) by an
    integration user, or replayed by a manager when we sent the document and
    the partner did not get it (the original message is replayed, with its
    idempotency key, so the partner cannot apply it twice). A new check of
    its period closes it when the difference is gone.
    """

    _name = "hc.reconciliation.difference"
    _description = "Integration Reconciliation Difference"
    _inherit = ["mail.thread"]
    _order = "day desc, id"

    period_id = fields.Many2one(
        "hc.reconciliation.period", required=True, ondelete="cascade", index=True
    )
    reconciliation_id = fields.Many2one(
        related="period_id.reconciliation_id", store=True, index=True
    )
    flow_id = fields.Many2one(related="period_id.flow_id", store=True, index=True)
    company_id = fields.Many2one(related="period_id.company_id", store=True, index=True)
    day = fields.Date(readonly=True, required=True)
    doc_type = fields.Char(string="Document type", readonly=True, required=True)
    kind = fields.Selection(KINDS, readonly=True, required=True, index=True)
    reference = fields.Char(readonly=True, index=True)
    our_count = fields.Integer(string="Count here", readonly=True)
    their_count = fields.Integer(string="Count at the partner", readonly=True)
    our_amount = fields.Float(string="Amount here", readonly=True)
    their_amount = fields.Float(string="Amount at the partner", readonly=True)
    message_id = fields.Many2one(
        "hc.message",
        readonly=True,
        ondelete="set null",
        help="The message that carried our document.",
    )
    res_model = fields.Char(string="Record model", readonly=True)
    res_id = fields.Many2oneReference(model_field="res_model", readonly=True)
    state = fields.Selection(
        [
            ("open", "Open"),
            ("acknowledged", "Acknowledged"),
            ("replayed", "Replayed"),
            ("closed", "Gone"),
        ],
        default="open",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )
    acknowledged_by_id = fields.Many2one("res.users", readonly=True)
    acknowledged_at = fields.Datetime(readonly=True)
    replay_id = fields.Many2one("hc.message", readonly=True, ondelete="set null")
    note = fields.Text(tracking=True)

    @api.depends("kind", "reference", "doc_type", "day")
    def _compute_display_name(self):
        kinds = dict(KINDS)
        for difference in self:
            difference.display_name = (
                f"{difference.day} {difference.doc_type} "
                f"{difference.reference or ''} ({kinds.get(difference.kind)})"
            )

    def _key(self):
        return (self.day, self.doc_type, self.kind, self.reference or "")

    # ------------------------------------------------------------------ recording

    @api.model
    def _record(self, period, found):
        """Keep the differences of ``period`` in step with those ``found``:
        new ones added (returned), gone ones closed, the rest kept as they are."""
        current = {d._key(): d for d in period.difference_ids if d.state != "closed"}
        found_keys = {difference.key for difference in found}
        gone = self.browse(
            [d.id for key, d in current.items() if key not in found_keys]
        )
        gone.write({"state": "closed"})
        values = [
            self._values(period, difference)
            for difference in found
            if difference.key not in current
        ]
        return self.create(values)

    @api.model
    def _values(self, period, difference):
        message_id, res_model, res_id = difference.origin or (False, False, False)
        return {
            "period_id": period.id,
            "day": difference.day,
            "doc_type": difference.doc_type,
            "kind": difference.kind,
            "reference": difference.reference,
            "our_count": difference.our_count,
            "their_count": difference.their_count,
            "our_amount": float(difference.our_amount or 0),
            "their_amount": float(difference.their_amount or 0),
            "message_id": message_id or False,
            "res_model": res_model or False,
            "res_id": res_id or False,
        }

    # ------------------------------------------------------------------ actions

    def action_acknowledge(self):
        """Take differences in charge (any integration user), as failed
        messages are acknowledged."""
        if not self.env.user.has_group(USER_GROUP):
            raise AccessError(_("Only integration users may acknowledge differences."))
        open_ones = self.filtered(lambda d: d.state == "open")
        open_ones.sudo().write(
            {
                "state": "acknowledged",
                "acknowledged_by_id": self.env.uid,
                "acknowledged_at": fields.Datetime.now(),
            }
        )
        for difference in open_ones:
            difference.sudo().message_post(
                body=_("Acknowledged by %s.", self.env.user.name)
            )
        if open_ones:
            self.env["hc.audit.log"].sudo()._log("acknowledge", open_ones)
        open_ones.period_id._on_differences_settled()
        return True

    def action_replay(self):
        """Send our document again (managers): replays the message that carried it."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(_("Only integration managers may replay."))
        for difference in self:
            if difference.state != "open":
                raise UserError(_("%s is not open.", difference.display_name))
            handler = difference.reconciliation_id._handler()
            replay = handler.replay_difference(difference)
            if not replay:
                raise UserError(
                    _(
                        "%s cannot be replayed: nothing we sent carries it; "
                        "acknowledge it and correct it at its source.",
                        difference.display_name,
                    )
                )
            difference.sudo().write({"state": "replayed", "replay_id": replay.id})
            difference.message_post(body=_("Replayed as %s.", replay.name))
        self.env["hc.audit.log"].sudo()._log("replay", self)
        self.period_id._on_differences_settled()
        return True

    def action_open_record(self):
        self.ensure_one()
        if not self.res_model or not self.res_id:
            raise UserError(_("No record is linked to this difference."))
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }
