# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.modules.neutralize import neutralize_database
from odoo.tests import TransactionCase, new_test_user

from .common import trap_received_jobs


class GovernanceCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Hospital B"})
        cls.backend = cls.env["hc.backend"].create(
            {
                "name": "Supplier A",
                "code": "gov_a",
                "base_url": "http://127.0.0.1:9",
                "auth_type": "basic",
                "username": "u",
                "credential_secret": "pw-a",
            }
        )
        cls.backend_b = cls.env["hc.backend"].create(
            {
                "name": "Supplier B",
                "code": "gov_b",
                "base_url": "http://127.0.0.1:9",
                "company_id": cls.company_b.id,
            }
        )
        cls.flow = cls.env["hc.flow"].create(
            {
                "flow_type_id": cls.env.ref(
                    "healthcare_integration_core.flow_type_send"
                ).id,
                "name": "Gov out",
                "code": "gov_out",
                "backend_id": cls.backend.id,
                "endpoint": "/x",
            }
        )
        cls.flow_b = cls.env["hc.flow"].create(
            {
                "flow_type_id": cls.env.ref(
                    "healthcare_integration_core.flow_type_send"
                ).id,
                "name": "Gov B",
                "code": "gov_b_out",
                "backend_id": cls.backend_b.id,
                "endpoint": "/x",
            }
        )
        cls.message = cls.env["hc.message"].create(
            {
                "flow_id": cls.flow.id,
                "backend_id": cls.backend.id,
                "direction": "outbound",
                "state": "dead",
                "request_payload": cls.env["hc.message"]._b64(b'{"patient": "P-1"}'),
            }
        )
        cls.message_b = cls.env["hc.message"].create(
            {
                "flow_id": cls.flow_b.id,
                "backend_id": cls.backend_b.id,
                "direction": "outbound",
                "state": "dead",
            }
        )
        group = "healthcare_integration_core.group_hc_"
        cls.user = new_test_user(
            cls.env, "hc_user", groups=f"base.group_user,{group}user"
        )
        cls.manager = new_test_user(
            cls.env,
            "hc_manager",
            groups=f"base.group_user,{group}manager",
            company_ids=[Command.set([cls.company_a.id, cls.company_b.id])],
        )
        cls.viewer = new_test_user(
            cls.env, "hc_viewer", groups=f"base.group_user,{group}payload_viewer"
        )


class TestAccess(GovernanceCase):
    def test_user_reads_messages_without_payloads(self):
        message = self.message.with_user(self.user)
        self.assertEqual(message.read(["state"])[0]["state"], "dead")
        with self.assertRaises(AccessError):
            message.read(["request_payload"])
        with self.assertRaises(AccessError):
            message.action_replay()
        with self.assertRaises(AccessError):
            self.backend.with_user(self.user).write({"name": "x"})
        with self.assertRaises(AccessError):
            self.env["hc.crosswalk"].with_user(self.user).create(
                {"backend_id": self.backend.id, "domain": "uom", "external_code": "EA"}
            )

    def test_user_acknowledges_failures(self):
        self.message.with_user(self.user).action_acknowledge()
        self.assertEqual(self.message.acknowledged_by_id, self.user)
        entry = self.env["hc.audit.log"].search(
            [("action", "=", "acknowledge"), ("res_id", "=", self.message.id)]
        )
        self.assertTrue(entry)
        # the code is kept, the screens read words
        self.assertEqual(entry.action_label, "Failure acknowledged")
        self.assertEqual(entry.display_name, "Failure acknowledged")
        with self.assertRaises(AccessError):
            self.message.with_user(self.user).write({"state": "done"})

    def test_payload_viewer_reads_payloads_and_is_audited(self):
        data = self.message.with_user(self.viewer).read(["request_preview"])[0]
        self.assertIn("P-1", data["request_preview"])
        entry = self.env["hc.audit.log"].search(
            [("action", "=", "payload_view"), ("res_id", "=", self.message.id)]
        )
        self.assertEqual(entry.user_id, self.viewer)
        # the form's live refresh a moment later is the same viewing
        self.message.with_user(self.viewer).read(["request_preview"])
        self.assertEqual(
            self.env["hc.audit.log"].search_count(
                [("action", "=", "payload_view"), ("res_id", "=", self.message.id)]
            ),
            1,
        )

    def test_payloads_are_not_downloadable(self):
        binary = self.env["ir.binary"].with_user(self.viewer)
        with self.assertRaises(AccessError):
            binary._record_to_stream(
                self.message.with_user(self.viewer), "request_payload"
            )

    def test_manager_configures_and_replays(self):
        backend = self.backend.with_user(self.manager)
        backend.write({"read_timeout": 12})
        self.env["hc.crosswalk"].with_user(self.manager).create(
            {"backend_id": self.backend.id, "domain": "uom", "external_code": "EA"}
        )
        action = self.message.with_user(self.manager).action_replay()
        self.assertEqual(action["res_model"], "hc.message")

    def test_nobody_reads_secrets(self):
        for user in (self.user, self.manager, self.viewer):
            backend = self.backend.with_user(user)
            self.assertFalse(
                backend.read(["credential_secret"])[0]["credential_secret"]
            )
            with self.assertRaises(AccessError):
                self.env["hc.backend.secret"].with_user(user).search_read([])
        exported = self.backend.export_data(["credential_secret"])["datas"]
        self.assertNotIn("pw-a", json.dumps(exported))

    def test_company_rules(self):
        in_a = self.env["hc.message"].with_user(self.user).search([])
        self.assertIn(self.message, in_a)
        self.assertNotIn(self.message_b, in_a)
        both = (
            self.env["hc.message"]
            .with_user(self.manager)
            .with_context(allowed_company_ids=[self.company_a.id, self.company_b.id])
            .search([])
        )
        self.assertIn(self.message_b, both)
        self.assertNotIn(
            self.backend_b, self.env["hc.backend"].with_user(self.user).search([])
        )

    def test_inbound_processor_is_least_privilege(self):
        bot = self.env.ref("healthcare_integration_core.user_integration_bot")
        self.assertFalse(bot._is_superuser())
        self.assertFalse(bot.has_group("base.group_system"))
        with self.assertRaises(AccessError):
            self.backend.with_user(bot).write({"name": "hijacked"})


class TestAudit(GovernanceCase):
    def test_changes_are_audited_with_secrets_masked(self):
        self.backend.write({"credential_secret": "pw-new", "read_timeout": 7})
        entry = self.env["hc.audit.log"].search(
            [
                ("res_model", "=", "hc.backend"),
                ("res_id", "=", self.backend.id),
                ("action", "=", "write"),
            ],
            limit=1,
        )
        changes = json.loads(entry.changes)
        self.assertEqual(changes["after"]["read_timeout"], 7)
        self.assertEqual(changes["after"]["credential_secret"], "***")
        self.assertNotIn("pw-new", entry.changes)

    def test_manual_actions_are_audited(self):
        self.message.action_cancel()
        self.assertTrue(
            self.env["hc.audit.log"].search(
                [("action", "=", "cancel"), ("res_id", "=", self.message.id)]
            )
        )

    def test_nobody_writes_or_deletes_entries(self):
        entry = self.env["hc.audit.log"].search([], limit=1)
        for env in (self.env, self.env(su=True)):
            with self.assertRaises(AccessError):
                entry.with_env(env).write({"action": "forged"})
            with self.assertRaises(AccessError):
                entry.with_env(env).unlink()
            with self.assertRaises(AccessError):
                env["hc.audit.log"].create({"action": "forged"})

    def test_chain_verifies_and_finds_a_tampered_row(self):
        self.backend.write({"read_timeout": 9})
        self.flow.write({"priority": 3})
        self.assertFalse(self.env["hc.audit.log"]._first_broken_entry())
        target = self.env["hc.audit.log"].search(
            [("res_model", "=", "hc.backend"), ("action", "=", "write")], limit=1
        )
        self.env.cr.execute(
            "UPDATE hc_audit_log SET changes = %s WHERE id = %s",
            ('{"after": {"read_timeout": 1}}', target.id),
        )
        self.assertEqual(self.env["hc.audit.log"]._first_broken_entry(), target)
        result = self.env["hc.audit.log"].action_verify_chain()
        self.assertIn(str(target.id), result["params"]["message"])


class TestRetention(GovernanceCase):
    def age(self, message, days):
        self.env.cr.execute(
            "UPDATE hc_message SET create_date = %s WHERE id = %s",
            (fields.Datetime.now() - timedelta(days=days), message.id),
        )
        message.invalidate_recordset()

    def test_retention_removes_exactly_what_policy_says(self):
        self.flow.write({"payload_retention_days": 30, "metadata_retention_days": 365})
        make = self.env["hc.message"].create
        vals = {
            "flow_id": self.flow.id,
            "backend_id": self.backend.id,
            "direction": "outbound",
            "request_payload": self.env["hc.message"]._b64(b"{}"),
        }
        fresh = make({**vals, "state": "done"})
        old_done = make({**vals, "state": "done"})
        old_pending = make({**vals, "state": "queued"})
        ancient = make({**vals, "state": "dead"})
        self.age(old_done, 40)
        self.age(old_pending, 40)
        self.age(ancient, 400)
        self.age(self.message, 10)
        purged, deleted = self.env["hc.maintenance"]._cron_retention()
        self.assertEqual((purged, deleted), (2, 1))
        self.assertFalse(ancient.exists())
        self.assertTrue(old_done.payload_purged)
        self.assertFalse(old_done.sudo().request_payload)
        self.assertTrue(old_pending.sudo().request_payload, "pending work is kept")
        self.assertTrue(fresh.sudo().request_payload)
        self.assertTrue(self.message.sudo().request_payload)
        entry = self.env["hc.audit.log"].search([("action", "=", "retention")], limit=1)
        self.assertEqual(
            json.loads(entry.changes), {"messages_deleted": 1, "payloads_purged": 2}
        )

    def test_redaction_before_storage(self):
        flow = self.env["hc.flow"].create(
            {
                "flow_type_id": self.env.ref(
                    "healthcare_integration_core.flow_type_receive"
                ).id,
                "name": "Demand in",
                "code": "demand_in",
                "backend_id": self.backend.id,
                "redaction_ids": [
                    Command.create({"path": "$.patient.name", "mode": "drop"}),
                    Command.create({"path": "$.patient.mrn", "mode": "mask"}),
                ],
            }
        )
        body = json.dumps({"patient": {"name": "Jane Doe", "mrn": "123"}, "item": "X"})
        ingested = self.env["hc.inbound"]._ingest(flow, body.encode(), "k1")
        message = self.env["hc.message"].browse(ingested.id)
        stored = json.loads(message._body())
        self.assertEqual(stored, {"patient": {"mrn": "***REDACTED***"}, "item": "X"})


class TestEnvironmentGuard(GovernanceCase):
    def test_neutralized_database_never_reaches_production(self):
        self.backend.environment = "production"
        self.env["ir.config_parameter"].sudo().set_param(
            "database.is_neutralized", True
        )
        message = self.flow._send({"order": 1})
        self.env["hc.delivery"]._deliver(message)
        self.assertEqual(message.state, "dead")
        self.assertIn("Blocked by environment", message.error_text)
        self.assertEqual(message.attempt_count, 1)

    def test_neutralize_stops_scheduled_syncs(self):
        flow = self.env["hc.flow"].create(
            {
                "flow_type_id": self.env.ref(
                    "healthcare_integration_core.flow_type_receive_pull"
                ).id,
                "name": "Batch",
                "code": "gov_batch",
                "backend_id": self.backend.id,
                "endpoint": "/feed",
            }
        )
        self.assertTrue(flow.cron_id.active)
        self.env.flush_all()
        neutralize_database(self.env.cr)
        flow.cron_id.invalidate_recordset()
        self.assertFalse(flow.cron_id.active)


class TestMultiCompanyProcessing(GovernanceCase):
    def test_inbound_of_another_company_is_processed(self):
        flow = self.env["hc.flow"].create(
            {
                "flow_type_id": self.env.ref(
                    "healthcare_integration_core.flow_type_receive"
                ).id,
                "name": "B in",
                "code": "gov_b_in",
                "backend_id": self.backend_b.id,
            }
        )
        bot = self.env.ref("healthcare_integration_core.user_integration_bot")
        self.assertIn(self.company_b, bot.company_ids)
        with trap_received_jobs(self.env) as trap:
            ingested = self.env["hc.inbound"]._ingest(flow, b"{}", "b-1")
            message = self.env["hc.message"].browse(ingested.id)
            [job] = trap.enqueued_jobs
            self.assertEqual(job.user_id, bot.id)
            trap.perform_enqueued_jobs()
        self.assertEqual(message.state, "done")
