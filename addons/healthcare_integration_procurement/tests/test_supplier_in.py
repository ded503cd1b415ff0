# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from .common import ProcurementCase


def supplier(**values):
    record = {
        "supplier_id": "SUP-9001",
        "name": "Cardinal Surgical BV",
        "vat": "NL 8530.55.289.B01",
        "gln": "8712345000004",
        "street": "Havenweg 12",
        "city": "Utrecht",
        "zip": "3542 AB",
        "country": "NL",
        "email": "orders@cardinal.example",
        "payment_term": "NET30",
        "bank_accounts": [{"acc_number": "NL91ABNA0417164300", "bic": "ABNANL2A"}],
        "addresses": [
            {
                "id": "SUP-9001-DC",
                "type": "delivery",
                "name": "Cardinal DC Tilburg",
                "gln": "8712345000011",
                "city": "Tilburg",
                "country": "NL",
            }
        ],
    }
    record.update(values)
    return record


class TestSupplierIn(ProcurementCase):
    """Supplier master: VAT, then GLN, then crosswalk; conflicts are exceptions."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.flow_in = cls.flows[("json", "supplier_in")]
        cls.env["hc.crosswalk"].create(
            {
                "backend_id": cls.backend_json.id,
                "domain": "payment_term",
                "external_code": "NET30",
                "record_ref": "account.payment.term,"
                f"{cls.env.ref('account.account_payment_term_30days').id}",
            }
        )

    def partners(self, **domain):
        return self.env["res.partner"].search([(k, "=", v) for k, v in domain.items()])

    def test_new_supplier_with_addresses_banks_and_terms(self):
        message = self.receive_payload(self.flow_in, supplier())
        self.assertEqual(message.state, "done", message.error_text)
        partner = message._linked_record()
        self.assertEqual(partner.name, "Cardinal Surgical BV")
        self.assertEqual(partner.global_location_number, "8712345000004")
        self.assertEqual(partner.country_id.code, "NL")
        self.assertEqual(
            partner.property_supplier_payment_term_id,
            self.env.ref("account.account_payment_term_30days"),
        )
        self.assertEqual(partner.bank_ids.acc_number, "NL91ABNA0417164300")
        self.assertEqual(partner.bank_ids.bank_id.bic, "ABNANL2A")
        [delivery] = partner.child_ids
        self.assertEqual((delivery.type, delivery.ref), ("delivery", "SUP-9001-DC"))
        self.assertEqual(partner.hc_supplier_sync_backend_id, self.backend_json)
        crosswalk = self.env["hc.crosswalk"]._resolve_many(
            self.backend_json, "supplier", ["SUP-9001"]
        )
        self.assertEqual(crosswalk["SUP-9001"].record_ref, partner)
        # sent again: the same partner, no duplicate child or bank account
        again = self.receive_payload(self.flow_in, supplier(), key="again")
        self.assertEqual(again._linked_record(), partner)
        self.assertEqual(len(partner.child_ids), 1)
        self.assertEqual(len(partner.bank_ids), 1)

    def test_matched_by_vat_the_platform_owns_the_fields_it_sends(self):
        existing = self.env["res.partner"].create(
            {
                "name": "Cardinal (old name)",
                "vat": "NL853055289B01",
                "comment": "Odoo's own note",
                "email": "old@cardinal.example",
            }
        )
        message = self.receive_payload(self.flow_in, supplier(gln=None))
        self.assertEqual(message._linked_record(), existing)
        self.assertEqual(existing.name, "Cardinal Surgical BV")
        self.assertIn(
            "Odoo's own note", existing.comment, "fields not sent stay Odoo's"
        )
        # a local edit of a field the platform sends is overwritten, visibly
        existing.email = "local-edit@cardinal.example"
        self.receive_payload(self.flow_in, supplier(gln=None), key="next-sync")
        self.assertEqual(existing.email, "orders@cardinal.example")
        chatter = existing.message_ids.mapped("body")
        self.assertTrue(
            any(
                "local-edit@cardinal.example" in body
                and "orders@cardinal.example" in body
                for body in chatter
            ),
            "the overwrite is visible in the chatter",
        )
        self.assertEqual(len(self.partners(vat="NL853055289B01", parent_id=False)), 1)

    def test_matched_by_gln_then_crosswalk_never_by_name(self):
        by_gln = self.env["res.partner"].create(
            {"name": "Cardinal NL", "global_location_number": "8712345000004"}
        )
        message = self.receive_payload(self.flow_in, supplier(vat=None))
        self.assertEqual(message._linked_record(), by_gln)
        namesake = self.env["res.partner"].create({"name": "Medline Namesake"})
        message = self.receive_payload(
            self.flow_in,
            supplier(
                supplier_id="SUP-7",
                name="Medline Namesake",
                vat=None,
                gln=None,
                addresses=[],
                bank_accounts=[],
            ),
        )
        created = message._linked_record()
        self.assertNotEqual(created, namesake, "never matched by name alone")
        # the crosswalk written for SUP-7 matches it next time
        message = self.receive_payload(
            self.flow_in,
            supplier(
                supplier_id="SUP-7", name="Medline Namesake BV", vat=None, gln=None
            ),
            key="sup7-again",
        )
        self.assertEqual(message._linked_record(), created)

    def test_two_partners_with_the_vat_is_a_conflict(self):
        first = self.env["res.partner"].create(
            {"name": "Cardinal A", "vat": "NL853055289B01"}
        )
        second = self.env["res.partner"].create(
            {"name": "Cardinal B", "vat": "nl 853055289 b01"}
        )
        message = self.receive_payload(self.flow_in, supplier())
        self.assertEqual(
            (message.state, message.exception_kind), ("dead", "supplier_conflict")
        )
        self.assertIn("Cardinal A", message.error_text)
        self.assertIn("Cardinal B", message.error_text)
        for partner in first | second:
            self.assertTrue(
                partner.activity_ids.filtered(lambda a: a.user_id == self.owner),
                "the procurement owner gets an activity on each partner",
            )
        self.assertFalse(
            self.partners(name="Cardinal Surgical BV"), "no merge, no new partner"
        )

    def test_gln_of_a_partner_with_another_vat_is_a_conflict(self):
        other = self.env["res.partner"].create(
            {
                "name": "Other company",
                "vat": "BE0403091220",
                "global_location_number": "8712345000004",
            }
        )
        message = self.receive_payload(self.flow_in, supplier())
        self.assertEqual(message.exception_kind, "supplier_conflict")
        self.assertIn("BE0403091220", message.error_text)
        self.assertEqual(other.name, "Other company")

    def test_batch_pull_lists_conflicts_as_issues(self):
        self.env["res.partner"].create({"name": "Dup 1", "vat": "FR40303265045"})
        self.env["res.partner"].create({"name": "Dup 2", "vat": "FR40303265045"})
        self.sim.set_feed(
            "suppliers",
            [
                dict(supplier(), updated_at="2026-03-01T10:00:00"),
                {
                    "supplier_id": "SUP-2",
                    "name": "Dupe SA",
                    "vat": "FR40303265045",
                    "updated_at": "2026-03-01T10:00:01",
                },
                {
                    "supplier_id": "SUP-3",
                    "name": "Third",
                    "updated_at": "2026-03-01T10:00:02",
                },
            ],
            page_size=2,
        )
        flow = self.flows[("json", "supplier_pull")]
        flow.endpoint = "/feeds/suppliers"
        with self.jobs() as trap:
            run = flow._run_batch()
            self.run_jobs(trap)
        self.assertEqual(run.state, "done", run.error_text)
        self.assertEqual((run.count_created, run.count_failed), (2, 1))
        self.assertEqual(run.issue_ids.mapped("kind"), ["supplier_conflict"])
        self.assertEqual(run.issue_ids.code, "SUP-2")
        self.assertEqual(flow.watermark, "2026-03-01T10:00:02")

    def test_screen_keeps_only_the_fields_used(self):
        message = self.receive_payload(
            self.flow_in,
            supplier(contact_birthdate="1970-01-01", internal_rating="B-"),
        )
        stored = json.loads(message._body())
        self.assertNotIn("contact_birthdate", stored)
        self.assertNotIn("internal_rating", stored)
        self.assertEqual(stored["supplier_id"], "SUP-9001")
