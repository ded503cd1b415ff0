# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import _, api, fields, models

ACTIVITY_TYPE = "healthcare_integration_asset.mail_activity_type_hc_expiry"


class HcAssetExpiry(models.AbstractModel):
    """The daily check of warranties and service contracts about to end."""

    _name = "hc.asset.expiry"
    _description = "Equipment Warranty and Contract Expiry Check"

    @api.model
    def _cron_notify(self):
        """Per company, an activity for the biomedical owner of each equipment
        whose warranty or service contract ends within the notice period.

        Runs daily. Each end date is announced once (a new date, e.g. after an
        extension, is announced again), even after its activity is done.
        """
        for company in self.env["res.company"].search([]):
            self.with_company(company)._notify_company(company)

    @api.model
    def _notify_company(self, company):
        today = fields.Date.context_today(self)
        end = today + timedelta(days=company.hc_asset_expiry_notice_days)
        equipments = self.env["maintenance.equipment"].search(
            [
                ("company_id", "=", company.id),
                ("scrap_date", "=", False),
                ("warranty_date", ">=", today),
                ("warranty_date", "<=", end),
            ]
        )
        for equipment in equipments.filtered(
            lambda e: e.hc_warranty_announced != e.warranty_date
        ):
            self._announce(
                equipment,
                equipment.warranty_date,
                _("Warranty ends on %s", equipment.warranty_date),
            )
            equipment.sudo().hc_warranty_announced = equipment.warranty_date
        contracts = self.env["hc.asset.service.contract"].search(
            [
                ("company_id", "=", company.id),
                ("equipment_id.scrap_date", "=", False),
                ("date_end", ">=", today),
                ("date_end", "<=", end),
            ]
        )
        for contract in contracts.filtered(lambda c: c.end_announced != c.date_end):
            self._announce(
                contract.equipment_id,
                contract.date_end,
                _(
                    "Service contract %(name)s ends on %(day)s",
                    name=contract.name,
                    day=contract.date_end,
                ),
            )
            contract.sudo().end_announced = contract.date_end

    @api.model
    def _announce(self, equipment, deadline, summary):
        return equipment.activity_schedule(
            act_type_xmlid=ACTIVITY_TYPE,
            date_deadline=deadline,
            summary=summary,
            user_id=equipment._hc_biomedical_owner().id,
        )
