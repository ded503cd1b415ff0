# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models

from ..lib import compliance as lib


class ResPartner(models.Model):
    _inherit = "res.partner"

    hc_compliance_document_ids = fields.One2many(
        "hc.compliance.document", "partner_id", string="Compliance documents"
    )
    hc_compliance_count = fields.Integer(compute="_compute_hc_compliance_count")
    hc_onboarding_state = fields.Selection(
        [
            ("pending", "Waiting for approval"),
            ("approved", "Approved"),
            ("refused", "Refused"),
        ],
        string="Onboarding",
        readonly=True,
        tracking=True,
        help="Set for suppliers from a sourcing platform that requires onboarding "
        "(its backend's Suppliers need onboarding); decided by a compliance approver.",
    )
    hc_onboarding_note = fields.Text(string="Onboarding decision", readonly=True)
    hc_compliance_required = fields.Boolean(
        string="Compliance checked",
        tracking=True,
        help="Orders to this supplier need its mandatory compliance documents "
        "to be valid (suppliers onboarded through the compliance process).",
    )

    def _compute_hc_compliance_count(self):
        counts = dict(
            self.env["hc.compliance.document"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.hc_compliance_count = counts.get(partner, 0)

    def _hc_compliance_problems(self, company, day):
        """What keeps this supplier from being ordered from on ``day``.

        A list of sentences, one per mandatory type with no valid document
        (naming the expired or not yet valid one when there is one); empty
        when the supplier may be ordered from.
        """
        self.ensure_one()
        supplier = self.commercial_partner_id
        if not supplier.hc_compliance_required:
            return []
        problems = []
        if supplier.hc_onboarding_state in ("pending", "refused"):
            state = dict(self._fields["hc_onboarding_state"].selection)
            problems.append(
                _("Onboarding: %s", state[supplier.hc_onboarding_state].lower())
            )
        types = self.env["hc.compliance.document.type"].search(
            [("mandatory", "=", True), ("company_id", "in", [company.id, False])]
        )
        documents = (
            self.env["hc.compliance.document"]
            .sudo()
            .search([("partner_id", "=", supplier.id), ("type_id", "in", types.ids)])
        )
        missing = lib.missing_types(
            types.ids, [(d.type_id.id, d._period()) for d in documents], day
        )
        for type_ in types.browse(missing):
            latest = documents.filtered(lambda d, t=type_: d.type_id == t)[:1]
            if not latest:
                problems.append(_("%s: missing", type_.name))
            elif latest.valid_until and latest.valid_until < day:
                problems.append(
                    _(
                        "%(type)s %(number)s: expired on %(date)s",
                        type=type_.name,
                        number=latest.number,
                        date=latest.valid_until,
                    )
                )
            else:
                problems.append(
                    _(
                        "%(type)s %(number)s: valid from %(date)s only",
                        type=type_.name,
                        number=latest.number,
                        date=latest.valid_from,
                    )
                )
        return problems

    def action_hc_onboarding_decide(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "hc.compliance.onboarding",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    def action_view_hc_compliance_documents(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "healthcare_integration_supplier_compliance.hc_compliance_document_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action
