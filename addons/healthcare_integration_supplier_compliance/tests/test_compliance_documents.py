# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo.exceptions import ValidationError

from .common import ComplianceCase


class TestComplianceDocuments(ComplianceCase):
    """Dates checked, overlaps refused, states, reminders, audit."""

    def test_inconsistent_dates_are_refused_with_the_reason(self):
        # assertRaises (not ...Regex) rolls the refused record back
        with self.assertRaises(ValidationError) as caught:
            self.document(self.iso, "ISO-1", self.days(10), self.days(-10))
        self.assertIn("is before valid from", str(caught.exception))
        with self.assertRaises(ValidationError) as caught:
            self.env["hc.compliance.document"].create(
                {
                    "partner_id": self.supplier.id,
                    "type_id": self.iso.id,
                    "number": "ISO-2",
                    "issued_on": self.days(0),
                    "valid_until": self.days(-1),
                }
            )
        self.assertIn("before its issue date", str(caught.exception))

    def test_overlapping_documents_of_a_type_are_refused_a_renewal_is_not(self):
        current = self.document(self.iso, "ISO-1", self.days(-300), self.days(60))
        with self.assertRaises(ValidationError) as caught:
            self.document(self.iso, "ISO-2", self.days(30), self.days(1000))
        self.assertIn("overlaps ISO-1", str(caught.exception))
        renewal = self.document(self.iso, "ISO-2", self.days(61), self.days(1000))
        # another type, another supplier: no overlap
        self.document(self.insurance, "POL-1", self.days(-10), self.days(300))
        self.assertEqual((current.state, renewal.state), ("expiring", "not_yet_valid"))

    def test_states(self):
        expired = self.document(self.iso, "ISO-1", self.days(-400), self.days(-1))
        valid = self.document(self.insurance, "POL-1", self.days(-10), self.days(100))
        self.assertEqual((expired.state, valid.state), ("expired", "valid"))
        self.assertEqual(
            self.env["hc.compliance.document"].search(
                [("state", "=", "expired"), ("partner_id", "=", self.supplier.id)]
            ),
            expired,
        )

    def test_renewal_reminder_once_before_expiry(self):
        self.iso.responsible_id = self.buyer
        soon = self.document(self.iso, "ISO-1", self.days(-300), self.days(45))
        later = self.document(self.insurance, "POL-1", self.days(-10), self.days(200))
        documents = self.env["hc.compliance.document"]
        documents._cron_renewal_reminders()
        documents._cron_renewal_reminders()
        [activity] = soon.activity_ids
        self.assertEqual(activity.user_id, self.buyer)
        self.assertEqual(activity.date_deadline, self.days(45))
        self.assertIn("ISO-1", str(activity.note))
        self.assertFalse(later.activity_ids, "200 days out: not yet")
        # renewed before the reminder: no reminder for the old one
        other = self.env["res.partner"].create({"name": "Other", "is_company": True})
        old = self.document(self.iso, "ISO-9", self.days(-300), self.days(10), other)
        self.document(self.iso, "ISO-10", self.days(11), self.days(900), other)
        documents._cron_renewal_reminders()
        self.assertFalse(old.activity_ids)

    def test_changes_are_audited(self):
        document = self.document(self.iso, "ISO-1", self.days(-10), self.days(100))
        document.valid_until = self.days(200)
        entries = self.env["hc.audit.log"].search(
            [
                ("res_model", "=", "hc.compliance.document"),
                ("res_id", "=", document.id),
            ],
            order="id",
        )
        self.assertEqual(entries.mapped("action"), ["create", "write"])
        self.assertEqual(
            json.loads(entries[-1].changes)["after"]["valid_until"],
            str(self.days(200)),
        )
