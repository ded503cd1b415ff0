# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from pathlib import Path

from odoo import fields
from odoo.tests import tagged

from odoo.addons.healthcare_integration_core.tests.common import (
    HcCase,
    SftpServerMixin,
)


@tagged("post_install", "-at_install")
class TestControlFile(SftpServerMixin, HcCase):
    """The partner's control report as a file on its SFTP server (a real
    OpenSSH server), JSON or CSV."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sshd = cls.start_sftp_server()
        cls.sftp = cls.env["hc.backend"].create(
            cls.sftp_backend_values(cls.sshd, "sftp_control")
        )
        cls.today = fields.Date.today()
        cls.reconciliation = cls.env["hc.reconciliation"].create(
            {
                "name": "Orders with the partner's control file",
                "flow_id": cls.flow_out.id,
                "source": "file",
                "control_backend_id": cls.sftp.id,
                "first_day": cls.today,
                "lag_days": 0,
            }
        )

    def drop(self, name, body):
        path = Path(self.sshd.path("in", "control", name))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
        self.addCleanup(path.unlink, missing_ok=True)

    def deliver(self, *keys):
        with self.jobs() as trap:
            messages = [self.send({"order": key}, idempotency_key=key) for key in keys]
            self.run_jobs(trap)
        return messages

    def check(self):
        return self.reconciliation._reconcile_day(self.today)

    def test_json_control_file(self):
        first, second = self.deliver("PO-1", "PO-2")
        period = self.check()
        self.assertEqual(period.state, "failed", "no file yet")
        self.assertIn(f"control/control_{self.today}.json", period.error_text)
        documents = [{"type": "core.send", "reference": first.correlation_id}]
        self.drop(
            f"control_{self.today}.json", json.dumps({"documents": documents}).encode()
        )
        self.check()
        self.assertEqual(period.state, "differences")
        [missing] = period.difference_ids
        self.assertEqual(missing.kind, "missing_at_partner")
        self.assertEqual(missing.message_id, second)
        # the file stays where the partner put it: a corrected one is read
        # at the next check
        self.assertTrue(Path(self.sshd.path("in", "control")).exists())
        documents.append({"type": "core.send", "reference": second.correlation_id})
        self.drop(
            f"control_{self.today}.json", json.dumps({"documents": documents}).encode()
        )
        period.action_check_again()
        self.assertEqual(period.state, "matched")

    def test_csv_control_file(self):
        self.reconciliation.control_file_pattern = "control/orders_{date}.csv"
        first, second = self.deliver("PO-1", "PO-2")
        self.drop(
            f"orders_{self.today}.csv",
            f"type,reference,amount\ncore.send,{first.correlation_id},\n"
            f"core.send,{second.correlation_id},\ncore.send,PO-9,40.00\n".encode(),
        )
        period = self.check()
        self.assertEqual(period.state, "differences")
        [unknown] = period.difference_ids
        self.assertEqual((unknown.kind, unknown.reference), ("missing_here", "PO-9"))
        self.assertEqual(unknown.their_amount, 40.0)
        # totals only
        self.drop(f"orders_{self.today}.csv", b"type,count\ncore.send,2\n")
        period.action_check_again()
        self.assertEqual(period.state, "matched")
        self.drop(f"orders_{self.today}.csv", b"type,count\ncore.send,two\n")
        period.action_check_again()
        self.assertEqual(period.state, "failed")
        self.assertIn("count is a whole number", period.error_text)

    def test_an_api_backend_has_no_file(self):
        self.reconciliation.control_backend_id = self.backend
        period = self.check()
        self.assertEqual(period.state, "failed")
        self.assertIn("exchanges no files", period.error_text)
