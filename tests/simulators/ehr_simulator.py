"""An EHR's FHIR R4 server on HTTP, for tests and the demo (healthcare_integration_ehr).

It is the partner simulator (scripted answers, recorded requests, signed
webhooks, control API under ``/_sim/``) with a small FHIR store behind it:
``PUT /fhir/<type>/<id>`` and ``POST /fhir/<type>`` store the resource and
answer it back with an id, a version and, for Location and DeviceDefinition,
an identifier in the EHR's own code system (what Odoo keeps in its
crosswalks). It sends SupplyRequests to Odoo like an EHR would::

    python tests/simulators/ehr_simulator.py --port 8082 --name ehr \
        --webhook-secret demo-webhook-secret

then ``POST /_sim/send_supply_request {"item": "KIT-HIP-01", "quantity": 2}``
or the buttons of ``GET /_sim/ehr``.

It is also the hospital's identity provider, with its own RSA key: ``POST
/idp/token`` (client credentials: ``client_id``, ``client_secret``, ``scope``)
answers a signed JWT access token, ``GET /idp/jwks.json`` the public key. Odoo's
backend checks the tokens against that JWKS (``inbound_auth = bearer``); the
simulator's own calls carry such a token once ``use_bearer(audience)`` is set.
"""

import copy
import html
import itertools
import json
import os
import re
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import partner_simulator as ps
import requests
from ehr_identity import (
    IDP_CLIENT_ID,
    IDP_CLIENT_SECRET,
    TOKEN_LIFETIME,
    IdentityProvider,
)

# bin/start runs this simulator for the demo EHR backend on this port
DEMO_PORT = 8082
# the story buttons (bin/start prints this page)
DEMO_PAGE = "/_sim/ehr"
FHIR_TYPE = "application/fhir+json"
FHIR_PATH = re.compile(
    r"^/fhir/(?P<type>[A-Z][A-Za-z]+)(?:/(?P<id>[A-Za-z0-9\-.]{1,64}))?$"
)
EHR_SYSTEMS = {
    "Location": "urn:ehr:sim:location",
    "DeviceDefinition": "urn:ehr:sim:item",
}
DEMO_BACKEND = "demo_ehr"
# the audience of the demo backend's bearer tokens (its "Token audience")
DEMO_AUDIENCE = "urn:hc:fhir:demo_ehr"
IDP_PREFIX = "/idp"


class FhirStore:
    """Resources the EHR holds, by (type, id), with their versions."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counter = itertools.count(1)
        self.resources = {}

    def reset(self):
        with self.lock:
            self.resources = {}

    def write(self, rtype, rid, resource):
        with self.lock:
            created = rid is None or (rtype, rid) not in self.resources
            rid = rid or f"ehr-{next(self.counter)}"
            previous = self.resources.get((rtype, rid))
            version = int(previous["meta"]["versionId"]) + 1 if previous else 1
            stored = copy.deepcopy(resource)
            stored["id"] = rid
            stored["meta"] = {
                "versionId": str(version),
                "lastUpdated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            }
            system = EHR_SYSTEMS.get(rtype)
            if system:
                identifiers = [
                    i
                    for i in stored.get("identifier") or []
                    if i.get("system") != system
                ]
                identifiers.append({"system": system, "value": f"EHR-{rid}"})
                stored["identifier"] = identifiers
            self.resources[(rtype, rid)] = stored
            return stored, created

    def get(self, rtype, rid):
        with self.lock:
            return copy.deepcopy(self.resources.get((rtype, rid)))


class EhrHandler(ps.Handler):
    def route(self, url, body):
        if url.path == f"{IDP_PREFIX}/jwks.json" and self.command == "GET":
            return self.reply(200, self.sim.idp.jwks())
        if url.path == f"{IDP_PREFIX}/token":
            return self.idp_token(body)
        return super().route(url, body)

    def idp_token(self, body):
        if self.command != "POST":
            return self.reply(405, {"error": "invalid_request"}, {"Allow": "POST"})
        form = ps.query_dict(body.decode("utf-8", errors="replace"))
        if ps.first_value(form, "grant_type") != "client_credentials":
            return self.reply(400, {"error": "unsupported_grant_type"})
        assertion = ps.first_value(form, "client_assertion")
        client_id, client_secret = self.basic_credentials()
        if client_id is None:
            client_id = ps.first_value(form, "client_id")
            client_secret = ps.first_value(form, "client_secret")
        if assertion:
            known = self.sim.idp.client_authenticated(assertion, self.sim.token_url)
        else:
            known = (client_id, client_secret) == (IDP_CLIENT_ID, IDP_CLIENT_SECRET)
        if not known:
            return self.reply(401, {"error": "invalid_client"})
        scope = ps.first_value(form, "scope") or "system/*.write system/*.read"
        audience = ps.first_value(form, "audience") or self.sim.fhir_url()
        token = self.sim.idp.token(audience, scope)
        answer = {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": TOKEN_LIFETIME,
            "scope": scope,
        }
        return self.reply(200, answer, {"Cache-Control": "no-store"})

    def regular(self, url, number, status=None, headers=None):
        match = FHIR_PATH.match(url.path)
        if (
            match
            and self.command in ("PUT", "POST")
            and not self.state.mode_for(url.path)
            and (status is None or status < 400)
        ):
            return self.fhir_write(match, headers)
        if match and self.command == "GET" and match["id"]:
            found = self.sim.store.get(match["type"], match["id"])
            if found:
                return self.reply(200, found, headers, FHIR_TYPE)
            return self.reply(404, outcome("not-found", "no such resource"), headers)
        return super().regular(url, number, status, headers)

    def fhir_write(self, match, headers):
        try:
            resource = json.loads(self.record["body"] or "{}")
        except ValueError:
            return self.reply(400, outcome("structure", "not JSON"), headers, FHIR_TYPE)
        if resource.get("resourceType") != match["type"]:
            return self.reply(
                400, outcome("invalid", "resourceType does not match the URL"), headers
            )
        rid = match["id"] if self.command == "PUT" else None
        stored, created = self.sim.store.write(match["type"], rid, resource)
        extra = dict(headers or {})
        extra["Location"] = (
            f"/fhir/{match['type']}/{stored['id']}/_history/{stored['meta']['versionId']}"
        )
        return self.reply(201 if created else 200, stored, extra, FHIR_TYPE)

    def control_post(self, route, data):
        if route == f"{ps.CONTROL_PREFIX}/send_supply_request":
            return self.sim.send_supply_request(**data)
        result = super().control_post(route, data)
        if route == f"{ps.CONTROL_PREFIX}/reset":
            self.sim.store.reset()
        return result

    def control_get(self, route, query):
        if route == f"{ps.CONTROL_PREFIX}/ehr":
            return self.reply(
                200, ehr_page(self.sim), content_type="text/html; charset=utf-8"
            )
        return super().control_get(route, query)

    def control_form(self, body):
        form = ps.query_dict(body.decode("utf-8", errors="replace"))
        if ps.first_value(form, "action") != "send_supply_request":
            return super().control_form(body)
        result = self.sim.send_supply_request(
            item=ps.first_value(form, "item") or "KIT-HIP-01",
            quantity=float(ps.first_value(form, "quantity") or 1),
            priority=ps.first_value(form, "priority") or "routine",
        )
        self.sim.last_sent = result
        return self.reply(
            303, b"", {"Location": f"{ps.CONTROL_PREFIX}/ehr"}, "text/plain"
        )


def outcome(code, text):
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": text}],
    }


def supply_request(
    item,
    quantity,
    ward="ward-3a",
    priority="routine",
    rid=None,
    version=1,
    status="active",
    needed=None,
):
    """A SupplyRequest as the EHR sends it (after the HL7 example "simple")."""
    rid = rid or f"sr-{uuid.uuid4().hex[:12]}"
    return {
        "resourceType": "SupplyRequest",
        "id": rid,
        "meta": {"versionId": str(version)},
        "identifier": [{"system": "urn:ehr:sim:supply-request", "value": rid}],
        "status": status,
        "category": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/supply-kind",
                    "code": "central",
                }
            ]
        },
        "priority": priority,
        "itemCodeableConcept": {
            "coding": [{"system": "urn:ehr:sim:item", "code": item}]
        },
        "quantity": {
            "value": quantity,
            "system": "http://unitsofmeasure.org",
            "code": "1",
        },
        "occurrenceDateTime": needed
        or time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 86400)),
        "authoredOn": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "requester": {"reference": "Practitioner/example"},
        "deliverTo": {"reference": f"Location/{ward}"},
    }


class EhrSimulator(ps.PartnerSimulator):
    """The partner simulator with a FHIR store and an EHR's outgoing calls."""

    def __init__(
        self,
        host="127.0.0.1",
        port=0,
        name="ehr",
        webhook_secret=None,
        odoo_url=None,
        backend=DEMO_BACKEND,
    ):
        self.name = name
        self.webhook_secret = webhook_secret
        self.state = ps.SimulatorState(name)
        self.store = FhirStore()
        self.odoo_url = odoo_url or os.environ.get(
            "HC_ODOO_URL", "http://127.0.0.1:8069"
        )
        self.backend = backend
        self.last_sent = None
        self.httpd = ps.SimulatorServer((host, port), EhrHandler, self)
        self._thread = None
        self.idp = IdentityProvider(f"{self.url}{IDP_PREFIX}")
        self.bearer_audience = None

    @property
    def issuer(self):
        return self.idp.issuer

    @property
    def jwks_url(self):
        return f"{self.url}{IDP_PREFIX}/jwks.json"

    @property
    def token_url(self):
        return f"{self.url}{IDP_PREFIX}/token"

    def use_bearer(self, audience):
        """The EHR's calls carry tokens of its identity provider for ``audience``."""
        self.bearer_audience = audience

    def fetch_token(self, scope="system/*.write system/*.read", audience=None):
        """An access token from the simulator's own token endpoint, over HTTP."""
        response = requests.post(
            self.token_url,
            data={
                "grant_type": "client_credentials",
                "client_id": IDP_CLIENT_ID,
                "client_secret": IDP_CLIENT_SECRET,
                "scope": scope,
                "audience": audience or self.bearer_audience or self.fhir_url(),
            },
            timeout=10,
        )
        response.raise_for_status()
        return response.json()["access_token"]

    def reset(self):
        super().reset()
        self.store.reset()

    def fhir_url(self, path=""):
        return f"{self.odoo_url.rstrip('/')}/hc/fhir/{self.backend}{path}"

    def post_fhir(self, path, resource, **kwargs):
        """POST a resource to Odoo's FHIR endpoint, signed; (status, answer)."""
        headers = {"Content-Type": FHIR_TYPE, **(kwargs.pop("headers", None) or {})}
        if self.bearer_audience and "Authorization" not in headers:
            headers["Authorization"] = f"Bearer {self.fetch_token()}"
            kwargs.setdefault("secret", "")
        return self.call_webhook(
            self.fhir_url(path), resource, headers=headers, **kwargs
        )

    def send_supply_request(
        self,
        item="KIT-HIP-01",
        quantity=1,
        priority="routine",
        ward="ward-3a",
        **_ignored,
    ):
        resource = supply_request(item, quantity, ward=ward, priority=priority)
        status, answer = self.post_fhir("/SupplyRequest", resource)
        return {"status": status, "answer": answer, "id": resource["id"]}


def ehr_page(sim):
    sent = html.escape(json.dumps(sim.last_sent, indent=1)) if sim.last_sent else ""
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>EHR simulator</title>
<style>body{{font-family:sans-serif;margin:2em}}</style></head>
<body><h1>EHR simulator: {html.escape(sim.name)}</h1>
<p>Sends to <code>{html.escape(sim.fhir_url())}</code>.</p>
<form method="post" action="{ps.CONTROL_PREFIX}/ui">
<input type="hidden" name="action" value="send_supply_request">
<label>Item <input name="item" value="KIT-HIP-01"></label>
<label>Quantity <input name="quantity" value="1" size="4"></label>
<label>Priority <select name="priority"><option>routine</option><option>urgent</option>
<option>asap</option><option>stat</option></select></label>
<button>Send a SupplyRequest</button></form>
<pre>{sent}</pre>
<p><a href="{ps.CONTROL_PREFIX}/">Calls received (SupplyDelivery, availability)</a>
</p>
</body></html>"""


def make_simulator(args):
    sim = EhrSimulator(args.host, args.port, args.name, args.webhook_secret)
    sim.use_bearer(DEMO_AUDIENCE)
    return sim


def main(argv=None):
    args = ps.parse_args(argv, port=DEMO_PORT, description=__doc__.splitlines()[0])
    return ps.run_program(make_simulator, "EHR simulator", args, "ehr-sim")


if __name__ == "__main__":
    sys.exit(main())
