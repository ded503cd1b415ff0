# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import os
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user
from odoo.tools import config

from odoo.addons.healthcare_integration_core.lib import crypto


class TestSecrets(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.backend = cls.env["hc.backend"].create(
            {
                "name": "Payroll",
                "code": "payroll_secret_test",
                "base_url": "http://127.0.0.1:9",
                "auth_type": "bearer",
                "credential_secret": "s3cr3t-token-value",
            }
        )

    def test_secret_is_encrypted_at_rest(self):
        self.env.flush_all()
        self.env.cr.execute("SELECT ciphertext FROM hc_backend_secret")
        stored = " ".join(row[0] for row in self.env.cr.fetchall())
        self.assertNotIn("s3cr3t-token-value", stored)
        self.env.cr.execute(
            "SELECT count(*) FROM hc_backend b WHERE row_to_json(b)::text LIKE %s",
            ("%s3cr3t%",),
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)
        self.assertEqual(self.backend._secret("credential"), "s3cr3t-token-value")

    def test_secret_is_write_only(self):
        self.assertFalse(self.backend.credential_secret)
        self.assertTrue(self.backend.credential_is_set)
        data = self.backend.read(["credential_secret"])[0]
        self.assertFalse(data["credential_secret"])

    def test_no_user_reads_ciphertexts(self):
        manager = new_test_user(
            self.env,
            "hc_mgr_secret",
            groups="base.group_user,healthcare_integration_core.group_hc_manager",
        )
        with self.assertRaises(AccessError):
            self.env["hc.backend.secret"].with_user(manager).search([])

    def test_rotation(self):
        secrets = self.env["hc.backend.secret"].sudo()
        old_keys = os.environ.get("HC_SECRET_KEYS") or config.get("hc_secret_keys")
        new_key = crypto.generate_key()
        with patch.dict(os.environ, {"HC_SECRET_KEYS": f"{new_key},{old_keys}"}):
            # still readable under the older key until rotated
            self.assertEqual(self.backend._secret("credential"), "s3cr3t-token-value")
            self.assertEqual(secrets._rotate_all(), secrets.search_count([]))
        with patch.dict(os.environ, {"HC_SECRET_KEYS": new_key}):
            self.assertEqual(self.backend._secret("credential"), "s3cr3t-token-value")
        with patch.dict(os.environ, {"HC_SECRET_KEYS": old_keys}):
            with self.assertRaisesRegex(UserError, "cannot be decrypted"):
                self.backend._secret("credential")

    def test_storing_without_a_key_is_refused(self):
        with (
            patch.dict(os.environ, {"HC_SECRET_KEYS": ""}),
            patch.dict(config.options, {"hc_secret_keys": ""}),
        ):
            with self.assertRaisesRegex(UserError, "No encryption key"):
                self.backend.credential_secret = "another"

    def test_production_backend_blocked_outside_production(self):
        self.backend.environment = "production"
        with self.assertRaisesRegex(UserError, "Blocked by environment"):
            self.backend._check_environment()
