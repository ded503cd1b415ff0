# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from .common import ComplianceCase


class TestComplianceSync(ComplianceCase):
    """Documents from the compliance system: upserts, refusals, replays."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.backend = cls.env["hc.backend"].create(
            {
                "name": "Test compliance system",
                "code": "t_compliance",
                "system_type": "other",
                "base_url": "http://127.0.0.1:9",
                "auth_type": "none",
                "business_owner_id": cls.env.ref("base.user_admin").id,
            }
        )
        cls.flow = cls.env["hc.flow"].create(
            {
                "flow_type_id": cls.env.ref(
                    "healthcare_integration_supplier_compliance.flow_type_document_in"
                ).id,
                "backend_id": cls.backend.id,
                "max_attempts": 1,
            }
        )

    def payload(self, **values):
        document = {
            "id": "CMP-1",
            "supplier": {"vat": "NL 8530.55.289.B01"},
            "type": "ISO13485",
            "number": "MD 612345",
            "issued_by": "BSI",
            "valid_from": str(self.days(-30)),
            "valid_until": str(self.days(700)),
        }
        document.update(values)
        return document

    def test_synchronized_document_and_second_copy(self):
        message = self.receive_payload(self.flow, self.payload())
        self.assertEqual(message.state, "done", message.error_text)
        document = message._linked_record()
        self.assertEqual(
            (document.partner_id, document.type_id, document.number),
            (self.supplier, self.iso, "MD 612345"),
        )
        self.assertEqual(
            (document.issuing_system, document.backend_id, document.external_id),
            ("Test compliance system", self.backend, "CMP-1"),
        )
        write_date = document.write_date
        again = self.receive_payload(self.flow, self.payload(), key="again")
        self.assertEqual(again._linked_record(), document)
        self.assertEqual(
            document.write_date, write_date, "a second copy changes nothing"
        )
        renewed = self.receive_payload(
            self.flow, self.payload(valid_until=str(self.days(900))), key="extended"
        )
        self.assertEqual(renewed.state, "done", renewed.error_text)
        self.assertEqual(document.valid_until, self.days(900))

    def test_inconsistent_or_overlapping_dates_fail_with_the_reason(self):
        message = self.receive_payload(
            self.flow, self.payload(valid_until=str(self.days(-60)))
        )
        self.assertEqual(
            (message.state, message.exception_kind), ("dead", "inconsistent_dates")
        )
        self.assertIn("is before valid from", message.error_text)
        self.document(self.iso, "ISO-HAND", self.days(-100), self.days(100))
        message = self.receive_payload(self.flow, self.payload(), key="overlap")
        self.assertEqual(message.exception_kind, "inconsistent_dates")
        self.assertIn("overlaps ISO-HAND", message.error_text)
        self.assertFalse(
            self.env["hc.compliance.document"].search([("external_id", "=", "CMP-1")])
        )

    def test_unknown_supplier_and_type_replayed_once_fixed(self):
        message = self.receive_payload(
            self.flow, self.payload(supplier={"code": "EXT-77"})
        )
        self.assertEqual(message.exception_kind, "unknown_supplier")
        self.assertIn("code EXT-77", message.error_text)
        self.env["hc.crosswalk"].create(
            {
                "backend_id": self.backend.id,
                "domain": "supplier",
                "external_code": "EXT-77",
                "record_ref": f"res.partner,{self.supplier.id}",
            }
        )
        with self.jobs() as trap:
            replay = message._replay()
            self.run_jobs(trap)
        self.assertEqual(replay.state, "done", replay.error_text)
        unknown_type = self.receive_payload(
            self.flow, self.payload(id="CMP-2", type="GMP"), key="gmp"
        )
        self.assertEqual(unknown_type.exception_kind, "unknown_document_type")
