from odoo import models

from odoo.addons.healthcare_integration_core.exceptions import HcBusinessError


class HcHandlerExampleContact(models.AbstractModel):
    """Contacts out to a partner system, and back in."""

    _name = "hc.handler.example.contact"
    _inherit = "hc.handler"
    _description = "Example handler: contacts"

    def build_payload(self, record, flow):
        return {"ref": record.ref, "name": record.name, "email": record.email}

    def process(self, message, document):
        if not document.get("ref"):
            raise HcBusinessError("A contact needs a ref", kind="missing_ref")
        partners = self.env["res.partner"].sudo()
        partner = partners.search([("ref", "=", document["ref"])], limit=1)
        values = {"name": document["name"], "email": document.get("email")}
        if partner:
            partner.write(values)
        else:
            partner = partners.create({"ref": document["ref"], **values})
        return partner
