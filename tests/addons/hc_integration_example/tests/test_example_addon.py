import json

from odoo.exceptions import ValidationError

from odoo.addons.healthcare_integration_core.tests.common import HcCase


class TestExampleAddon(HcCase):
    """A domain addon's flow types, bound in the UI, carried by the runtime."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact_out = cls.env["hc.flow"].create(
            {
                "flow_type_id": cls.env.ref(
                    "hc_integration_example.flow_type_contact_out"
                ).id,
                "backend_id": cls.backend.id,
                "max_attempts": 2,
                "backoff_base": 1,
                "backoff_max": 2,
            }
        )
        cls.contact_in = cls.env["hc.flow"].create(
            {
                "flow_type_id": cls.env.ref(
                    "hc_integration_example.flow_type_contact_in"
                ).id,
                "backend_id": cls.backend.id,
            }
        )
        cls.partner = cls.env["res.partner"].create(
            {"name": "Ward 3 store", "ref": "W3", "email": "w3@example.org"}
        )

    def test_binding_takes_the_type_defaults(self):
        self.assertEqual(self.contact_out.code, "example.contact_out")
        self.assertEqual(self.contact_out.endpoint, "/api/contacts")
        self.assertEqual(self.contact_out.direction, "outbound")
        self.assertEqual(self.contact_out.handler_model, "hc.handler.example.contact")

    def test_record_goes_out_through_its_binding(self):
        with self.jobs() as trap:
            [message] = self.partner._hc_send("example.contact_out")
            self.run_jobs(trap)
        self.assertEqual(message.state, "done")
        [request] = self.received("/api/contacts")
        self.assertEqual(
            json.loads(request["body"]),
            {"ref": "W3", "name": "Ward 3 store", "email": "w3@example.org"},
        )
        self.assertEqual(self.partner.hc_message_count, 1)
        self.assertEqual(self.partner.hc_last_state, "done")
        action = self.partner.action_view_hc_messages()
        self.assertEqual(self.env["hc.message"].search(action["domain"]), message)

    def test_no_binding_is_a_logged_no_op(self):
        self.contact_out.active = False
        self.assertFalse(self.partner._hc_send("example.contact_out"))
        self.assertFalse(
            self.env["hc.message"].search([("flow_id", "=", self.contact_out.id)])
        )

    def test_retry_die_and_replay(self):
        self.sim.fail_next("/api/contacts", count=1, status=503)
        with self.jobs() as trap:
            retried = self.partner._hc_send("example.contact_out", idempotency_key="k1")
            self.run_jobs(trap)
            self.assertEqual(retried.state, "done")
            self.assertEqual(retried.attempt_ids.mapped("outcome"), ["retry", "done"])
            self.sim.fail_next("/api/contacts", count=2, status=500)
            dead = self.partner._hc_send("example.contact_out", idempotency_key="k2")
            self.run_jobs(trap)
            self.assertEqual(dead.state, "dead")
            replay = dead._replay()
            self.run_jobs(trap)
        self.assertEqual(replay.state, "done")
        self.assertEqual(dead.superseded_by_id, replay)

    def test_comes_in_and_is_applied_once(self):
        body = json.dumps({"ref": "N1", "name": "North clinic"}).encode()
        with self.jobs() as trap:
            message = self.ingest(self.contact_in, body, "evt-1")
            again = self.ingest(self.contact_in, body, "evt-1")
            self.run_jobs(trap)
        self.assertEqual(again, message)
        self.assertEqual(message.state, "done")
        partner = message._linked_record()
        self.assertEqual((partner.ref, partner.name), ("N1", "North clinic"))

    def test_business_error_names_its_kind(self):
        with self.jobs() as trap:
            message = self.ingest(self.contact_in, b'{"name": "no ref"}', "evt-2")
            self.run_jobs(trap)
        self.assertEqual(message.state, "dead")
        self.assertEqual(
            (message.error_class, message.exception_kind), ("business", "missing_ref")
        )

    def test_misconfigured_types_are_refused_when_configured(self):
        types = self.env["hc.flow.type"]
        base = {"name": "Broken", "direction": "inbound", "trigger": "webhook"}
        with self.assertRaisesRegex(ValidationError, "not installed"):
            types.create({**base, "code": "x.missing", "handler_model": "hc.nope"})
        with self.assertRaisesRegex(ValidationError, "does not inherit hc.handler"):
            types.create({**base, "code": "x.partner", "handler_model": "res.partner"})
        with self.assertRaisesRegex(ValidationError, "handles inbound flows"):
            types.create(
                {
                    **base,
                    "code": "x.wrong_way",
                    "direction": "outbound",
                    "trigger": "event",
                    "handler_model": "hc.handler.crosswalk.check",
                }
            )
        with self.assertRaisesRegex(ValidationError, "handles inbound"):
            self.contact_out.flow_type_id.handler_model = "hc.handler.crosswalk.check"
