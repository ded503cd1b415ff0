# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import _, models

from odoo.addons.healthcare_integration_core.exceptions import HcBusinessError

from ..lib import eam


class HcHandlerAssetInbound(models.AbstractModel):
    """What the EAM/CMMS handlers share: screening and finding the equipment.

    Inherit it for another EAM event and implement ``process``::

        class HcHandlerAssetMeterReading(models.AbstractModel):
            _name = "hc.handler.asset.meter"
            _inherit = "hc.handler.asset.inbound"

            def process(self, message, document):
                equipment = self._find_equipment(message, document)
                ...
                return equipment
    """

    _name = "hc.handler.asset.inbound"
    _inherit = "hc.handler"
    _description = "EAM/CMMS events in (common)"
    _hc_directions = ("inbound",)

    def screen_payload(self, flow, body):
        """Drop patient keys (``eam.PATIENT_KEYS``) anywhere in the document.

        A body that is not JSON raises ``ValueError``: it is then not kept.
        """
        document = json.loads(body)
        screened, removed = eam.screen_patient_data(document)
        if not removed:
            return body
        return json.dumps(screened, ensure_ascii=False, sort_keys=True).encode()

    def _invalid(self, error):
        return HcBusinessError(
            _("The EAM document cannot be applied: %s", error), kind="invalid_document"
        )

    def _find_equipment(self, message, document):
        """The equipment a document is about: by EAM asset id, then by serial.

        Found by serial with an asset id not yet mapped, the mapping is learnt
        (crosswalk). Not found at all, the message is a business exception
        ``unknown_equipment`` until someone maps or registers it and replays.
        """
        try:
            asset_id, serial = eam.equipment_keys(document)
        except eam.EamDocumentError as error:
            raise self._invalid(error) from None
        backend = message.backend_id
        equipments = self.env["maintenance.equipment"].with_context(hc_from_eam=True)
        # the processor reads crosswalks; learning a mapping is bookkeeping
        crosswalks = self.env["hc.crosswalk"].sudo()
        equipment = equipments.browse()
        entry = crosswalks.browse()
        if asset_id:
            entry = crosswalks._resolve_many(backend, "equipment", [asset_id]).get(
                asset_id, entry
            )
            if entry.record_ref and entry.record_ref._name == equipments._name:
                equipment = equipments.browse(entry.record_ref.id).exists()
        if not equipment and serial:
            equipment = equipments.search(
                [
                    ("serial_no", "=", serial),
                    ("company_id", "in", [message.company_id.id, False]),
                ],
                limit=1,
            )
            if equipment and asset_id and not entry:
                crosswalks.create(
                    {
                        "backend_id": backend.id,
                        "domain": "equipment",
                        "external_code": asset_id,
                        "external_label": equipment.display_name,
                        "record_ref": f"maintenance.equipment,{equipment.id}",
                    }
                )
        if not equipment:
            raise HcBusinessError(
                _(
                    "No equipment matches EAM asset %(asset)s, serial %(serial)s. "
                    "Map the asset id (crosswalk domain 'EAM equipment') or "
                    "register the equipment, then replay the message.",
                    asset=asset_id or "-",
                    serial=serial or "-",
                ),
                kind="unknown_equipment",
            )
        return equipment
