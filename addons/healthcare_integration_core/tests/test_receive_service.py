# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The one receive service, through its doors: methods, structure limits,
replayed signatures, key-covering signatures, exact refusal counts."""

import json
import time

import requests

from odoo.tests import HttpCase, TransactionCase, tagged

from odoo.addons.healthcare_integration_core.lib import signing
from odoo.addons.healthcare_integration_core.lib.receive import (
    ACCEPTED,
    DUPLICATE,
    REFUSED,
    InboundRequest,
)

from .common import committed_refusals

SECRET = "rcv-secret"


def signed(body, headers=None, key=None, secret=SECRET):
    sent = {"Content-Type": "application/json"}
    sent.update(signing.signed_headers(secret, body, idempotency_key=key))
    sent.update(headers or {})
    return sent


class ReceiveCase:
    @classmethod
    def make_flows(cls):
        cls.backend = cls.env["hc.backend"].create(
            {
                "name": "EHR receive",
                "code": "ehr_rcv",
                "base_url": "http://127.0.0.1:9",
                "webhook_secret": SECRET,
            }
        )
        receive = cls.env.ref("healthcare_integration_core.flow_type_receive")
        cls.flow = cls.env["hc.flow"].create(
            {
                "flow_type_id": receive.id,
                "name": "Demand",
                "code": "demand",
                "backend_id": cls.backend.id,
            }
        )
        xml_type = receive.copy({"code": "test.receive_xml", "payload_format": "xml"})
        cls.xml_flow = cls.env["hc.flow"].create(
            {
                "flow_type_id": xml_type.id,
                "name": "Demand XML",
                "code": "demand_xml",
                "backend_id": cls.backend.id,
            }
        )

    def receive_signed(self, number, key=None):
        """What the webhook route does for one request signed for the
        ``demand`` flow, its body numbered ``number``; the receipt."""
        body = json.dumps({"item": "GLOVE-M", "n": number}).encode()
        headers = {"Content-Type": "application/json"}
        headers.update(
            signing.signed_headers(SECRET, body, idempotency_key=key or f"k-{number}")
        )
        flow = self.env["hc.receive"]._addressed_flow("ehr_rcv", "demand")
        request = InboundRequest(
            door="webhook",
            backend_code="ehr_rcv",
            headers=headers,
            body=body,
            content_length=len(body),
            label="demand",
        )
        return flow.env["hc.receive"]._receive(request, flow)

    def messages(self, flow=None):
        return self.env["hc.message"].search([("flow_id", "=", (flow or self.flow).id)])

    def refusals(self, reason_code):
        return self.env["hc.webhook.refusal"].search(
            [("backend_code", "=", "ehr_rcv"), ("reason_code", "=", reason_code)]
        )


@tagged("post_install", "-at_install")
class TestReceiveOverHttp(ReceiveCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_flows()

    def url(self, flow="demand"):
        return f"{self.base_url()}/hc/webhook/ehr_rcv/{flow}"

    def send(self, body, headers, method="POST", flow="demand"):
        self.env.flush_all()
        response = requests.request(
            method, self.url(flow), data=body, headers=headers, timeout=10
        )
        json_answer = "json" in response.headers.get("Content-Type", "")
        return response.status_code, response.json() if json_answer else None

    def test_options_with_a_signed_body_applies_nothing(self):
        body = b'{"event": "ward-3 demand"}'
        for method in ("OPTIONS", "PUT", "DELETE"):
            status, _answer = self.send(body, signed(body), method=method)
            self.assertEqual(status, 405, method)
        self.assertFalse(self.messages(), "no method but POST stores anything")
        # OPTIONS reaches the route (werkzeug routes it to POST routes) and is
        # refused by the service; PUT and DELETE by Odoo's routing itself
        self.assertEqual(sum(self.refusals("bad_method").mapped("count")), 1)

    def test_deeply_nested_json_is_refused_with_a_reason(self):
        body = b'{"a": ' + b"[" * 500 + b"]" * 500 + b"}"
        status, answer = self.send(body, signed(body))
        self.assertEqual(status, 400)
        self.assertIn("nested deeper", answer["error"])
        self.assertFalse(self.messages())
        self.assertTrue(self.refusals("too_deep"))

    def test_xml_with_a_dtd_is_refused(self):
        body = (
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;">]><d>&b;</d>'
        )
        headers = signed(body, {"Content-Type": "application/xml"})
        status, answer = self.send(body, headers, flow="demand_xml")
        self.assertEqual(status, 400)
        self.assertIn("DTD", answer["error"])
        self.assertFalse(self.messages(self.xml_flow))

    def test_a_resigned_retry_cannot_be_replayed_under_another_key(self):
        body = b'{"event": "ward-4 demand"}'
        status, first = self.send(body, signed(body, {"Idempotency-Key": "evt-1"}))
        self.assertEqual(status, 202)
        time.sleep(1)  # the partner's retry: same key, signed again
        retry = signed(body, {"Idempotency-Key": "evt-1"})
        status, answer = self.send(body, retry)
        self.assertEqual((status, answer["id"]), (200, first["id"]))
        for key in (None, "evt-2"):
            captured = {k: v for k, v in retry.items() if k != "Idempotency-Key"}
            if key:
                captured["Idempotency-Key"] = key
            status, answer = self.send(body, captured)
            self.assertEqual(status, 200, f"captured retry re-sent with key {key}")
            self.assertEqual(answer["id"], first["id"])
        self.assertEqual(len(self.messages()), 1, "processed once")

    def test_key_covering_signatures(self):
        self.backend.signature_covers_key = True
        body = b'{"event": "ward-5 demand"}'
        status, answer = self.send(body, signed(body, {"Idempotency-Key": "k-1"}))
        self.assertEqual(status, 401, "a signature of the body only is refused")
        self.assertIn("Idempotency-Key", answer["error"])
        headers = signed(body, key="k-1")
        status, first = self.send(body, headers)
        self.assertEqual(status, 202)
        headers["Idempotency-Key"] = "k-2"
        status, answer = self.send(body, headers)
        self.assertEqual(status, 401, "the key is bound to its signature")
        self.assertEqual(len(self.messages()), 1)

    def test_a_body_without_a_length_is_refused_unread(self):
        sent = []

        def chunks():
            for _n in range(64):
                sent.append(1)
                yield b"x" * 4096

        self.env.flush_all()
        try:
            response = requests.post(
                self.url(),
                data=chunks(),
                headers={"Content-Type": "application/json"},
                timeout=10,
            )
            status = response.status_code
        except requests.ConnectionError:
            status = 411  # answered and closed before the upload ended
        self.assertEqual(status, 411)
        self.assertFalse(self.messages())


@tagged("post_install", "-at_install")
class TestReceiveService(ReceiveCase, TransactionCase):
    """The service as a door without HTTP (broker, files) calls it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_flows()

    def receive(self, body, **values):
        request = InboundRequest(door="file", body=body, **values)
        return self.env["hc.receive"]._receive(request, self.flow)

    def test_transport_authenticated_doors_skip_signatures_not_limits(self):
        receipt = self.receive(b'{"n": 1}', authenticated_by_transport=True)
        self.assertEqual(receipt.outcome, ACCEPTED)
        self.assertEqual(receipt.status, 202)
        again = self.receive(b'{"n": 1}', authenticated_by_transport=True)
        self.assertEqual(again.outcome, DUPLICATE)
        self.assertEqual(again.message.id, receipt.message.id)
        deep = self.receive(b"[" * 300 + b"]" * 300, authenticated_by_transport=True)
        self.assertEqual((deep.outcome, deep.status), (REFUSED, 400))

    def test_an_unauthenticated_door_needs_credentials(self):
        receipt = self.receive(
            b'{"n": 2}', headers={"Content-Type": "application/json"}
        )
        self.assertEqual((receipt.outcome, receipt.status), (REFUSED, 401))
        self.assertEqual(receipt.reason_code, "unauthenticated")

    def test_no_flow_is_a_404_counted_under_the_address(self):
        request = InboundRequest(
            door="webhook", backend_code="nope", label="x", body=b""
        )
        receipt = self.env["hc.receive"]._receive(request, self.env["hc.flow"])
        self.assertEqual((receipt.outcome, receipt.status), (REFUSED, 404))
        [(code, flow_code, count, examples)] = committed_refusals(self, "nope")
        self.assertEqual((code, flow_code, count), ("unknown_flow", "x", 1))
        self.assertEqual(json.loads(examples)[0]["from"], "webhook")
