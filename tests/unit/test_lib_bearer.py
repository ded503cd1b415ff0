"""OAuth2 bearer tokens (lib/bearer.py): JWT checked against a JWKS."""

import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import RSAAlgorithm
from lib import bearer

ISSUER = "https://idp.hospital.example/realms/integration"
AUDIENCE = "https://erp.hospital.example/hc/fhir/ehr"


@pytest.fixture(scope="module")
def keys():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    public.update(kid="k1", use="sig", alg="RS256")
    return key, other, json.dumps({"keys": [public]})


def token(key, kid="k1", algorithm="RS256", **claims):
    now = int(time.time())
    payload = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "ehr-engine",
        "exp": now + 300,
        "iat": now,
        "scope": "system/SupplyRequest.write system/SupplyRequest.read",
    }
    payload.update(claims)
    payload = {k: v for k, v in payload.items() if v is not None}
    return jwt.encode(payload, key, algorithm=algorithm, headers={"kid": kid})


def check(raw, jwks, scope="system/SupplyRequest.write"):
    return bearer.validate(raw, ISSUER, AUDIENCE, scope, jwks_json=jwks)


def test_a_valid_token_gives_its_claims(keys):
    key, _other, jwks = keys
    assert check(token(key), jwks)["sub"] == "ehr-engine"


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"exp": int(time.time()) - 3600}, "expired"),
        ({"nbf": int(time.time()) + 3600}, "not valid yet"),
        ({"aud": "https://elsewhere.example"}, "another audience"),
        ({"iss": "https://evil.example"}, "another issuer"),
        ({"scope": "system/SupplyRequest.read"}, "lacks scope"),
        ({"exp": None}, "refused"),
    ],
)
def test_each_claim_is_checked(keys, claims, reason):
    key, _other, jwks = keys
    with pytest.raises(bearer.BearerError, match=reason):
        check(token(key, **claims), jwks)


def test_a_token_signed_by_another_key_is_refused(keys):
    _key, other, jwks = keys
    with pytest.raises(bearer.BearerError):
        check(token(other), jwks)
    with pytest.raises(bearer.BearerError, match="No key"):
        check(token(other, kid="unknown"), jwks)


def test_symmetric_and_unsigned_tokens_are_refused(keys):
    _key, _other, jwks = keys
    public = json.loads(jwks)["keys"][0]["n"]
    forged = jwt.encode({"iss": ISSUER, "aud": AUDIENCE}, public, algorithm="HS256")
    with pytest.raises(bearer.BearerError):
        check(forged, jwks)
    unsigned = jwt.encode({"iss": ISSUER, "aud": AUDIENCE}, None, algorithm="none")
    with pytest.raises(bearer.BearerError):
        check(unsigned, jwks)


def test_an_ec_key_works_too():
    key = ec.generate_private_key(ec.SECP256R1())
    public = jwt.algorithms.ECAlgorithm.to_jwk(key.public_key(), as_dict=True)
    public["kid"] = "ec1"
    jwks = json.dumps({"keys": [public]})
    assert check(token(key, kid="ec1", algorithm="ES256"), jwks)


@pytest.mark.parametrize(
    ("granted", "required", "expected"),
    [
        ("system/SupplyRequest.write", "system/SupplyRequest.write", True),
        ("system/*.write", "system/SupplyRequest.write", True),
        ("system/*.*", "system/ChargeItem.read", True),
        ("system/SupplyRequest.cud", "system/SupplyRequest.write", True),
        ("system/SupplyRequest.c", "system/SupplyRequest.c", True),
        ("system/SupplyRequest.rs", "system/SupplyRequest.write", False),
        ("user/SupplyRequest.write", "system/SupplyRequest.write", False),
        ("system/ChargeItem.write", "system/SupplyRequest.write", False),
        ("openid", "system/SupplyRequest.write", False),
    ],
)
def test_smart_scopes(granted, required, expected):
    assert bearer.grants(granted, required) is expected


def test_the_authorization_header():
    assert bearer.token_of("Bearer abc.def.ghi") == "abc.def.ghi"
    for value in (None, "", "Basic dXNlcg==", "Bearer "):
        with pytest.raises(bearer.BearerError, match="Missing"):
            bearer.token_of(value)
    with pytest.raises(bearer.BearerError, match="too long"):
        bearer.token_of("Bearer " + "a" * 9000)


def test_errors_never_quote_the_token(keys):
    key, _other, jwks = keys
    raw = token(key, aud="https://elsewhere.example")
    with pytest.raises(bearer.BearerError) as caught:
        check(raw, jwks)
    assert raw not in str(caught.value)
