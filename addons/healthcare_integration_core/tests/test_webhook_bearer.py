# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""OAuth2 bearer tokens (JWT against the provider's JWKS) on the webhook route."""

import json
import time

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged

from .common import SimulatorMixin

ISSUER = "https://idp.hospital.example/realms/integration"
SCOPE = "system/SupplyRequest.write"


@tagged("post_install", "-at_install")
class TestWebhookBearer(SimulatorMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        public = RSAAlgorithm.to_jwk(cls.key.public_key(), as_dict=True)
        public.update(kid="idp-1", use="sig", alg="RS256")
        cls.sim = cls.start_simulator(name="webhook-bearer")
        cls.backend = cls.env["hc.backend"].create(
            {
                "name": "EHR with tokens",
                "code": "ehr_jwt",
                "base_url": cls.sim.url,
                "inbound_auth": "bearer",
                "bearer_issuer": ISSUER,
                "bearer_audience": "hc-webhooks",
                "bearer_jwks": json.dumps({"keys": [public]}),
                "bearer_scope": SCOPE,
            }
        )
        cls.flow = cls.env["hc.flow"].create(
            {
                "flow_type_id": cls.env.ref(
                    "healthcare_integration_core.flow_type_receive"
                ).id,
                "name": "Demand",
                "code": "demand",
                "backend_id": cls.backend.id,
            }
        )

    def token(self, key=None, **claims):
        now = int(time.time())
        payload = {
            "iss": ISSUER,
            "aud": "hc-webhooks",
            "sub": "ehr-engine",
            "iat": now,
            "exp": now + 300,
            "scope": SCOPE,
            **claims,
        }
        return jwt.encode(
            payload, key or self.key, algorithm="RS256", headers={"kid": "idp-1"}
        )

    def post(self, body, token=None, method="POST"):
        self.env.flush_all()
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return requests.request(
            method,
            f"{self.base_url()}/hc/webhook/ehr_jwt/demand",
            data=body,
            headers=headers,
            timeout=10,
        )

    def messages(self):
        return self.env["hc.message"].search([("flow_id", "=", self.flow.id)])

    def test_a_valid_token_is_accepted_without_a_webhook_secret(self):
        response = self.post(b'{"order": "J-1"}', self.token())
        self.assertEqual(response.status_code, 202, response.text)
        self.assertEqual(len(self.messages()), 1)

    def test_bad_tokens_are_refused_and_nothing_stored(self):
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        cases = {
            "Missing bearer token": None,
            "expired": self.token(exp=int(time.time()) - 3600),
            "not valid yet": self.token(nbf=int(time.time()) + 3600),
            "another audience": self.token(aud="someone-else"),
            "another issuer": self.token(iss="https://evil.example"),
            "lacks scope": self.token(scope="system/SupplyRequest.read"),
            "Bearer token refused": self.token(key=other),
        }
        for reason, token in cases.items():
            with self.subTest(reason):
                response = self.post(b'{"order": "J-2"}', token)
                self.assertEqual(response.status_code, 401, response.text)
                self.assertIn(reason, response.text)
                if token:
                    self.assertNotIn(token, response.text)
        self.assertFalse(self.messages())

    def test_settings_are_checked(self):
        with self.assertRaises(ValidationError):
            self.backend.copy({"code": "ehr_jwt2", "bearer_jwks": "[]"})
        with self.assertRaises(ValidationError):
            self.backend.copy(
                {"code": "ehr_jwt3", "bearer_jwks": False, "bearer_jwks_url": False}
            )
