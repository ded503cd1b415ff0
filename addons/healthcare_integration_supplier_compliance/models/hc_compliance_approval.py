# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError

APPROVER_GROUP = (
    "healthcare_integration_supplier_compliance.group_hc_compliance_approver"
)


class HcComplianceApproval(models.AbstractModel):
    """A compliance approver's decision, in the audit chain and the chatter.

    Every compliance decision (a block overridden, a supplier's onboarding
    approved or refused) goes through ``_record``::

        self.env["hc.compliance.approval"]._record(
            "compliance_override", order, {"reason": reason, ...}, note
        )
    """

    _name = "hc.compliance.approval"
    _description = "Supplier compliance decisions"

    @api.model
    def _check_approver(self):
        if not self.env.user.has_group(APPROVER_GROUP):
            raise AccessError(
                _("Only a supplier compliance approver may take this decision.")
            )

    @api.model
    def _record(self, action, record, changes, note):
        """Write who, when, what and why to the audit log; note it on ``record``."""
        now = fields.Datetime.now()
        self.env["hc.audit.log"].sudo()._log(
            action,
            record,
            {**changes, "by": self.env.user.name, "at": fields.Datetime.to_string(now)},
        )
        # the approver may not edit the record (a supplier): the note is theirs
        record.sudo().message_post(
            body=note,
            subtype_xmlid="mail.mt_note",
            author_id=self.env.user.partner_id.id,
        )
        return now
