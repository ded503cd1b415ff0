# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import json

import yaml

from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user
from odoo.tools import mute_logger

SCHEMA = json.dumps(
    {
        "type": "object",
        "required": ["order"],
        "properties": {"order": {"type": "string"}},
    },
    indent=2,
)


class TestConfigAsCode(TransactionCase):
    """Export to YAML, import with a dry run first, secrets never carried."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.io = cls.env["hc.config.io"]
        cls.owner = new_test_user(cls.env, "cfg_owner", groups="base.group_user")
        cls.partner = cls.env["res.partner"].create({"name": "Cfg Medline Industries"})
        cls.backend = cls.env["hc.backend"].create(
            {
                "name": "Cfg supplier",
                "code": "cfg_src",
                "base_url": "https://supplier.example.org/api",
                "auth_type": "oauth2",
                "username": "hospital-client",
                "token_url": "https://supplier.example.org/oauth/token",
                "credential_secret": "client-secret-never-exported",
                "webhook_secret": "hook-secret-never-exported",
                "business_owner_id": cls.owner.id,
                "read_timeout": 12.5,
            }
        )
        cls.flow = cls.env["hc.flow"].create(
            {
                "flow_type_id": cls.env.ref(
                    "healthcare_integration_core.flow_type_send"
                ).id,
                "name": "Cfg orders out",
                "code": "orders_out",
                "backend_id": cls.backend.id,
                "endpoint": "/orders",
                "max_attempts": 7,
                "sla_minutes": 15,
                "schema_type": "json",
                "schema": SCHEMA,
            }
        )
        cls.env["hc.flow"].create(
            {
                "flow_type_id": cls.env.ref(
                    "healthcare_integration_core.flow_type_receive"
                ).id,
                "name": "Cfg events in",
                "code": "events_in",
                "backend_id": cls.backend.id,
                "redaction_ids": [
                    (0, 0, {"path": "$.patient.name", "mode": "mask"}),
                    (0, 0, {"path": "$.patient.birthDate", "mode": "drop"}),
                ],
            }
        )
        crosswalks = cls.env["hc.crosswalk"]
        crosswalks.create(
            {
                "backend_id": cls.backend.id,
                "domain": "uom",
                "external_code": "BX",
                "external_label": "Box",
                "odoo_value": "Units",
            }
        )
        crosswalks.create(
            {
                "backend_id": cls.backend.id,
                "domain": "supplier",
                "external_code": "SUP-000",
                "record_ref": f"res.partner,{cls.env.ref('base.main_partner').id}",
            }
        )
        crosswalks.create(
            {
                "backend_id": cls.backend.id,
                "domain": "supplier",
                "external_code": "SUP-001",
                "record_ref": f"res.partner,{cls.partner.id}",
            }
        )

    def export(self):
        return self.io._export_config(self.backend)

    def as_other_database(self, text):
        """The file as if exported from another database: another backend code."""
        return text.replace("cfg_src", "cfg_dst")

    def dst(self):
        return (
            self.env["hc.backend"]
            .with_context(active_test=False)
            .search([("code", "=", "cfg_dst")])
        )

    def test_export_is_stable_sorted_and_secret_free(self):
        text = self.export()
        self.assertEqual(text, self.export())
        self.assertNotIn("never-exported", text)
        document = yaml.safe_load(text)
        backend = document["backends"]["cfg_src"]
        self.assertEqual(
            backend["secrets"],
            {"credential": True, "webhook": True, "tls_key": False, "ssh_key": False},
        )
        self.assertEqual(backend["business_owner"], "cfg_owner")
        self.assertEqual(backend["read_timeout"], 12.5)
        self.assertEqual(list(backend["flows"]), ["events_in", "orders_out"])
        flow = backend["flows"]["orders_out"]
        self.assertEqual(flow["flow_type"], "core.send")
        self.assertEqual(flow["schema"], SCHEMA)
        self.assertEqual(
            backend["flows"]["events_in"]["redactions"],
            [
                {"path": "$.patient.name", "mode": "mask"},
                {"path": "$.patient.birthDate", "mode": "drop"},
            ],
        )
        # records by external id when they have one, else by name
        self.assertEqual(
            backend["crosswalks"]["supplier"]["SUP-000"]["record"],
            {"model": "res.partner", "xmlid": "base.main_partner"},
        )
        self.assertEqual(
            backend["crosswalks"]["supplier"]["SUP-001"]["record"],
            {"model": "res.partner", "name": "Cfg Medline Industries"},
        )
        # multi-line texts stay readable (block scalars), keys are sorted
        self.assertIn("schema: |-\n", text)
        settings = [
            line.split(":")[0]
            for line in text.splitlines()
            if line.startswith("    ") and line[4] != " "
        ]
        self.assertEqual(settings, sorted(settings))

    def test_round_trip_into_another_database(self):
        text = self.as_other_database(self.export())
        preview = self.io._import_config(text, dry_run=True)
        self.assertFalse(preview["applied"])
        self.assertEqual(
            preview["changes"],
            [
                "+ backend cfg_dst",
                "+ flow cfg_dst/events_in",
                "+ flow cfg_dst/orders_out",
                "+ crosswalk cfg_dst/supplier/SUP-000",
                "+ crosswalk cfg_dst/supplier/SUP-001",
                "+ crosswalk cfg_dst/uom/BX",
            ],
        )
        self.assertEqual(
            preview["missing_secrets"],
            [
                "Set the credential of backend cfg_dst",
                "Set the webhook of backend cfg_dst",
            ],
        )
        self.assertFalse(self.dst(), "a dry run writes nothing")
        result = self.io._import_config(text, dry_run=False)
        self.assertTrue(result["applied"])
        backend = self.dst()
        self.assertEqual(len(backend.flow_ids), 2)
        self.assertFalse(backend.credential_is_set)
        # the imported configuration exports as the file did (but its secrets)
        exported = yaml.safe_load(self.io._export_config(backend))["backends"]
        source = yaml.safe_load(text)["backends"]["cfg_dst"]
        source["secrets"] = dict.fromkeys(source["secrets"], False)
        self.assertEqual(exported["cfg_dst"], source)
        # imported again: nothing left to change
        self.assertEqual(self.io._import_config(text)["changes"], [])
        audit = self.env["hc.audit.log"].search(
            [("action", "in", ("config_import", "config_import_preview"))]
        )
        self.assertEqual(
            audit.mapped("action").count("config_import"), 1, audit.mapped("action")
        )
        self.assertTrue(
            self.env["hc.audit.log"].search(
                [
                    ("action", "=", "create"),
                    ("res_model", "=", "hc.backend"),
                    ("res_id", "=", backend.id),
                ]
            )
        )

    def test_dry_run_shows_the_differences_then_apply_writes_them(self):
        document = yaml.safe_load(self.export())
        backend = document["backends"]["cfg_src"]
        backend["base_url"] = "https://supplier-prod.example.org/api"
        backend["flows"]["orders_out"]["max_attempts"] = 9
        backend["flows"]["events_in"]["redactions"] = [
            {"path": "$.patient", "mode": "drop"}
        ]
        backend["crosswalks"]["uom"]["BX"]["label"] = "Box of 10"
        backend["crosswalks"]["uom"]["CS"] = {
            "label": "Case",
            "odoo_value": "CS",
            "record": None,
            "active": True,
        }
        del backend["crosswalks"]["supplier"]
        text = yaml.safe_dump(document)
        preview = self.io._import_config(text, dry_run=True, prune=True)
        self.assertEqual(
            preview["changes"],
            [
                "~ backend cfg_src: base_url: https://supplier.example.org/api -> "
                "https://supplier-prod.example.org/api",
                "~ flow cfg_src/events_in: redactions: [{mode: mask, path: "
                "$.patient.name}, {mode: drop, path: $.patient.birthDate}] -> "
                "[{mode: drop, path: $.patient}]",
                "~ flow cfg_src/orders_out: max_attempts: 7 -> 9",
                "~ crosswalk cfg_src/uom/BX: label: Box -> Box of 10",
                "+ crosswalk cfg_src/uom/CS",
                "- crosswalk cfg_src/supplier/SUP-000 (archived: not in the file)",
                "- crosswalk cfg_src/supplier/SUP-001 (archived: not in the file)",
            ],
        )
        self.assertEqual(self.backend.base_url, "https://supplier.example.org/api")
        self.io._import_config(text, dry_run=False, prune=True)
        self.assertEqual(self.backend.base_url, "https://supplier-prod.example.org/api")
        self.assertEqual(self.flow.max_attempts, 9)
        events = self.backend.flow_ids.filtered(lambda f: f.code == "events_in")
        self.assertEqual(events.redaction_ids.mapped("path"), ["$.patient"])
        crosswalks = (
            self.env["hc.crosswalk"]
            .with_context(active_test=False)
            .search([("backend_id", "=", self.backend.id)])
        )
        self.assertEqual(
            sorted((c.external_code, c.active) for c in crosswalks),
            [("BX", True), ("CS", True), ("SUP-000", False), ("SUP-001", False)],
        )

    def test_secret_values_are_refused(self):
        base = self.as_other_database(self.export())
        for bad in (
            base.replace("  cfg_dst:\n", "  cfg_dst:\n    credential_secret: s3cr3t\n"),
            base.replace("credential: true", "credential: s3cr3t"),
            base.replace(
                "client_cert_pem: null",
                'client_cert_pem: "-----BEGIN PRIVATE KEY-----\\nMIIE\\n-----END '
                'PRIVATE KEY-----"',
            ),
        ):
            self.assertNotEqual(bad, base)
            with self.assertRaisesRegex(UserError, "secret|private key"):
                self.io._import_config(bad, dry_run=False)
        self.assertFalse(self.dst())

    def test_wrong_files_are_refused_with_every_problem(self):
        text = self.as_other_database(self.export())
        text = text.replace("flow_type: core.send", "flow_type: core.no_such_type")
        text = text.replace("business_owner: cfg_owner", "business_owner: nobody")
        text = text.replace("max_attempts: 7", "max_attempts: seven")
        text = text.replace("auth_type: oauth2", "auth_type: kerberos")
        with self.assertRaises(UserError) as caught:
            self.io._import_config(text, dry_run=True)
        message = str(caught.exception)
        for expected in ("core.no_such_type", "nobody", "seven", "kerberos"):
            self.assertIn(expected, message)
        for not_config in (
            "not: [yaml",
            "backends: {}",
            "healthcare_integration_config: 2",
        ):
            with self.assertRaises(UserError):
                self.io._import_config(not_config)

    def test_all_or_nothing(self):
        document = yaml.safe_load(self.as_other_database(self.export()))
        # passes the file checks, refused by the flow's own constraint
        document["backends"]["cfg_dst"]["flows"]["orders_out"]["channel"] = "hc"
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaisesRegex(UserError, "nothing changed"),
        ):
            self.io._import_config(yaml.safe_dump(document), dry_run=False)
        self.assertFalse(self.dst())

    def test_only_managers(self):
        user = new_test_user(
            self.env,
            "cfg_user",
            groups="base.group_user,healthcare_integration_core.group_hc_user",
        )
        with self.assertRaises(AccessError):
            self.io.with_user(user)._export_config()
        with self.assertRaises(AccessError):
            self.io.with_user(user)._import_config(self.export())

    def test_wizard_exports_then_imports_after_a_preview(self):
        exported = self.env["hc.config.transfer"].create({"mode": "export"})
        exported.backend_ids = self.backend
        exported.action_export()
        self.assertTrue(exported.file_name.endswith(".yaml"))
        text = base64.b64decode(exported.config_file).decode()
        self.assertEqual(text, self.export())

        wizard = self.env["hc.config.transfer"].create(
            {
                "mode": "import",
                "config_file": base64.b64encode(self.as_other_database(text).encode()),
            }
        )
        with self.assertRaises(UserError):
            wizard.action_apply()
        wizard.action_preview()
        self.assertEqual(wizard.state, "previewed")
        self.assertIn("+ backend cfg_dst", wizard.preview)
        self.assertIn("Set the credential of backend cfg_dst", wizard.preview)
        self.assertFalse(self.dst())
        # the file changed after the preview: preview again first
        wizard.config_file = base64.b64encode(text.encode())
        with self.assertRaises(UserError):
            wizard.action_apply()
        wizard.config_file = base64.b64encode(self.as_other_database(text).encode())
        wizard.action_apply()
        self.assertEqual(wizard.state, "done")
        self.assertTrue(self.dst())
