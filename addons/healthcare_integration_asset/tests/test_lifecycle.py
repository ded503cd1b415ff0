# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from .common import AssetCase


class TestLifecycle(AssetCase):
    """Commissioning, warranty and service contracts from the EAM."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        receipt = cls.receive(cls, cls.order(cls, quantity=1).picking_ids, ["LC-1"])
        cls.pump = receipt.hc_equipment_ids
        cls.map_eam(cls, cls.pump, "EAM-8001")
        cls.env["hc.crosswalk"].create(
            {
                "backend_id": cls.eam.id,
                "domain": "supplier",
                "external_code": "V-INFSYS",
                "record_ref": f"res.partner,{cls.vendor.id}",
            }
        )

    def lifecycle(self, event, **values):
        return self.event(
            "lifecycle_in",
            self.simulators.lifecycle(event, asset_id="EAM-8001", **values),
        )

    def test_commissioning_starts_depreciation_and_is_not_echoed(self):
        outbound = self.env["hc.message"].search(
            [("flow_id", "=", self.flows["equipment_out"].id)]
        )
        with self.jobs() as trap:
            message = self.lifecycle("in_service", in_service_date="2026-02-10")
            self.run_jobs(trap)
        self.assertEqual(message.state, "done", message.error_text)
        self.assertEqual(self.pump.hc_in_service_date, date(2026, 2, 10))
        asset = self.pump.hc_asset_id
        self.assertEqual(asset.state, "draft", "finance confirms it at month-end")
        self.assertEqual(asset.date_start, date(2026, 2, 10))
        first = asset.depreciation_line_ids.filtered(
            lambda line: line.type == "depreciate"
        ).sorted("line_date")[:1]
        self.assertEqual(first.line_date, date(2026, 2, 28))
        self.assertEqual(
            self.env["hc.message"].search(
                [("flow_id", "=", self.flows["equipment_out"].id)]
            ),
            outbound,
            "a change that came from the EAM does not go back to it",
        )

    def test_warranty_and_service_contract_from_the_eam(self):
        contract = {
            "contract_id": "SC-2026-14",
            "vendor": "V-INFSYS",
            "coverage": "parts",
            "start": "2026-01-01",
            "end": "2026-12-31",
            "yearly_cost": 1200,
        }
        with self.jobs() as trap:
            warranty = self.lifecycle("warranty", warranty_end="2028-06-30")
            first = self.lifecycle("contract", contract=contract)
            renewed = self.lifecycle(
                "contract",
                contract={**contract, "end": "2027-12-31", "yearly_cost": 1300},
            )
            unmapped = self.lifecycle(
                "contract",
                contract={**contract, "contract_id": "SC-9", "vendor": "V-NEW"},
            )
            self.run_jobs(trap)
        self.assertEqual(
            [m.state for m in (warranty, first, renewed)], ["done", "done", "done"]
        )
        self.assertEqual(self.pump.warranty_date, date(2028, 6, 30))
        self.assertRecordValues(
            self.pump.hc_contract_ids,
            [
                {
                    "name": "SC-2026-14",
                    "partner_id": self.vendor.id,
                    "coverage": "parts",
                    "date_start": date(2026, 1, 1),
                    "date_end": date(2027, 12, 31),
                    "yearly_cost": 1300.0,
                }
            ],
        )
        self.assertEqual((unmapped.state, unmapped.exception_kind), ("dead", "mapping"))
        self.assertIn("V-NEW", unmapped.error_text)

    def test_registered_event_gives_the_eam_id_later(self):
        with self.jobs() as trap:
            receipt = self.receive(self.order(quantity=1).picking_ids, ["LC-2"])
            trap.enqueued_jobs.clear()
            message = self.event(
                "lifecycle_in",
                self.simulators.lifecycle(
                    "registered", serial="LC-2", asset_id="EAM-8002"
                ),
            )
            self.run_jobs(trap)
        self.assertEqual(message.state, "done", message.error_text)
        self.assertEqual(receipt.hc_equipment_ids.hc_eam_ref, "EAM-8002")
