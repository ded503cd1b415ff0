# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models
from odoo.tools import plaintext2html

from odoo.addons.healthcare_integration_core.exceptions import HcBusinessError

from ..lib import eam


class HcHandlerAssetWorkOrder(models.AbstractModel):
    """Work orders and maintenance events of the EAM/CMMS (``asset.work_order_in``).

    One maintenance request per EAM work order (``work_order_id``), created or
    updated on the equipment it names; a closed work order moves the request
    to the first done stage, a cancelled one archives it. An event older than
    the last one applied (``updated_at``) changes nothing.
    """

    _name = "hc.handler.asset.work_order"
    _inherit = "hc.handler.asset.inbound"
    _description = "EAM/CMMS work orders in"

    def process(self, message, document):
        try:
            values = eam.work_order(document)
        except eam.EamDocumentError as error:
            raise self._invalid(error) from None
        equipment = self._find_equipment(message, document)
        # the processor has no address to send assignment e-mails from, and
        # notifications of followers leave with the mail queue, not now
        requests = self.env["maintenance.request"].with_context(
            mail_activity_quick_update=True, mail_notify_force_send=False
        )
        request = requests.search(
            [
                ("hc_eam_ref", "=", values["reference"]),
                ("company_id", "=", equipment.company_id.id),
            ],
            limit=1,
        )
        last = request.hc_eam_updated_at
        if request and last and values["updated_at"] and values["updated_at"] < last:
            return request
        vals = self._request_values(equipment, values, request)
        if request:
            request.write(vals)
        else:
            request = requests.create(vals)
        if values["status"] == "closed":
            # the stage change dates the closing today; the EAM knows better
            request.close_date = values["closed_on"]
        return request

    def _request_values(self, equipment, values, request):
        company = equipment.company_id
        rate = self._rate(values, company)
        vals = {
            "name": values["title"],
            "equipment_id": equipment.id,
            "company_id": company.id,
            "maintenance_type": values["maintenance_type"],
            "duration": values["duration"],
            "hc_eam_ref": values["reference"],
            "hc_eam_updated_at": values["updated_at"] or fields.Datetime.now(),
            "hc_labour_cost": values["labour_cost"] * rate,
            "hc_parts_cost": values["parts_cost"] * rate,
            "archive": values["status"] == "cancelled",
        }
        if values["requested_on"]:
            vals["request_date"] = values["requested_on"]
        if values["scheduled_at"]:
            vals["schedule_date"] = values["scheduled_at"]
        if values["notes"]:
            vals["description"] = plaintext2html(values["notes"])
        stage = self._stage(values["status"], request)
        if stage:
            vals["stage_id"] = stage.id
        return vals

    def _rate(self, values, company):
        code = values["currency"]
        if not code or code == company.currency_id.name:
            return 1.0
        currency = self.env["res.currency"].search(
            [("name", "=", code), ("active", "in", (True, False))], limit=1
        )
        if not currency:
            raise HcBusinessError(
                _("Unknown currency %s in the work order.", code),
                kind="invalid_document",
            )
        day = values["closed_on"] or fields.Date.context_today(self)
        return currency._get_conversion_rate(
            currency, company.currency_id, company, day
        )

    def _stage(self, status, request):
        stages = self.env["maintenance.stage"]
        if status == "closed":
            return stages.search([("done", "=", True)], order="sequence, id", limit=1)
        if status == "cancelled":
            return stages
        open_stages = stages.search([("done", "=", False)], order="sequence, id")
        if status == "in_progress":
            return open_stages[1:2] or open_stages[:1]
        if request and not request.stage_id.done:
            return stages  # an open work order keeps the stage people gave it
        return open_stages[:1]
