# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

import requests

from odoo.tests import HttpCase, tagged

from .common import EhrHttpFixtures, supply_request

FHIR_JSON = "application/fhir+json"
SCOPE = "system/SupplyRequest.write system/SupplyRequest.read"


@tagged("post_install", "-at_install")
class TestFhirBearer(EhrHttpFixtures, HttpCase):
    """OAuth2 bearer tokens (SMART Backend Services) on the FHIR endpoint."""

    def setUp(self):
        super().setUp()
        self.audience = self.sim.fhir_url()
        self.backend.write(
            {
                "inbound_auth": "bearer",
                "bearer_issuer": self.sim.issuer,
                "bearer_audience": self.audience,
                "bearer_jwks": json.dumps(self.sim.idp.jwks()),
                "bearer_scope": "system/SupplyRequest.write",
                "bearer_token_url": self.sim.token_url,
            }
        )

    def call(self, method, path, token=None, resource=None):
        self.env.flush_all()
        headers = {"Content-Type": FHIR_JSON}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(resource).encode() if resource else b""
        return requests.request(
            method, self.sim.fhir_url(path), data=data, headers=headers, timeout=30
        )

    def token(self, **claims):
        return self.sim.idp.token(claims.pop("aud", self.audience), SCOPE, **claims)

    def assert_refused(self, response, reason):
        self.assertEqual(response.status_code, 401, response.text)
        self.assertTrue(response.headers["WWW-Authenticate"].startswith("Bearer"))
        outcome = response.json()
        self.assertEqual(outcome["issue"][0]["code"], "security")
        self.assertIn(reason, outcome["issue"][0]["diagnostics"])

    def test_a_valid_token_creates_and_reads(self):
        token = self.token()
        created = self.call("POST", "/SupplyRequest", token, supply_request())
        self.assertEqual(created.status_code, 201, created.text)
        rid = created.json()["id"]
        read = self.call("GET", f"/SupplyRequest/{rid}", token)
        self.assertEqual(read.status_code, 200)
        same_bytes = supply_request(id="sr-b-1")
        posted = self.call("POST", "/SupplyRequest", token, same_bytes)
        put = self.call("PUT", "/SupplyRequest/sr-b-1", token, same_bytes)
        self.assertEqual(
            (posted.status_code, put.status_code),
            (201, 201),
            "the same bytes by two interactions are two requests",
        )
        self.assertEqual(put.json()["id"], "sr-b-1")
        again = self.call("PUT", "/SupplyRequest/sr-b-1", token, same_bytes)
        self.assertEqual(
            (again.status_code, again.json()["meta"]["versionId"]), (200, "1")
        )
        for message in self.env["hc.message"].search(
            [("backend_id", "=", self.backend.id)]
        ):
            self.assertNotIn(token, message._body().decode(), "never stored")

    def test_the_capability_statement_announces_smart(self):
        statement = self.call("GET", "/metadata").json()
        security = statement["rest"][0]["security"]
        self.assertEqual(security["service"][0]["coding"][0]["code"], "SMART-on-FHIR")
        uris = security["extension"][0]["extension"]
        self.assertIn({"url": "token", "valueUri": self.sim.token_url}, uris)

    def test_each_bad_token_is_refused_and_nothing_stored(self):
        body = supply_request()
        self.assert_refused(self.call("POST", "/SupplyRequest", None, body), "Missing")
        cases = {
            "expired": self.token(exp=1, iat=0, nbf=0),
            "another audience": self.token(aud="https://elsewhere.example/fhir"),
            "another issuer": self.token(iss="https://evil.example"),
            "lacks scope": self.sim.idp.token(self.audience, "system/ChargeItem.write"),
        }
        for reason, token in cases.items():
            with self.subTest(reason):
                self.assert_refused(
                    self.call("POST", "/SupplyRequest", token, body), reason
                )
        self.assert_refused(self.call("GET", "/SupplyRequest/x", None), "Missing")
        self.assertFalse(
            self.env["hc.message"].search([("backend_id", "=", self.backend.id)])
        )
        refusals = self.env["hc.webhook.refusal"].search(
            [("backend_code", "=", self.backend.code)]
        )
        self.assertTrue(refusals, "refusals are counted")
