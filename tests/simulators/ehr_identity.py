"""The EHR simulator's identity provider (SMART Backend Services, ehr_simulator).

A token endpoint with its own RSA key issuing RS256 JWT access tokens to
clients that authenticate with a client assertion, and the EHR engine's own
client key for those assertions.
"""

import time
import uuid

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

IDP_CLIENT_ID = "ehr-engine"
IDP_CLIENT_SECRET = "ehr-engine-secret"  # the simulator's own client
TOKEN_LIFETIME = 300


class IdentityProvider:
    """A token endpoint issuing RS256 JWT access tokens (client credentials)."""

    def __init__(self, issuer):
        self.issuer = issuer
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = uuid.uuid4().hex[:16]
        # the EHR engine's own key (SMART Backend Services client assertions)
        self.client_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def client_assertion(self, token_url, lifetime=TOKEN_LIFETIME):
        """A client assertion JWT of the EHR engine, for ``token_url``."""
        now = int(time.time())
        claims = {
            "iss": IDP_CLIENT_ID,
            "sub": IDP_CLIENT_ID,
            "aud": token_url,
            "exp": now + lifetime,
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(claims, self.client_key, "RS384")

    def client_authenticated(self, assertion, token_url):
        try:
            jwt.decode(
                assertion,
                self.client_key.public_key(),
                algorithms=["RS384", "RS256"],
                audience=token_url,
                issuer=IDP_CLIENT_ID,
            )
        except jwt.PyJWTError:
            return False
        return True

    def jwks(self):
        public = RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        public.update(kid=self.kid, use="sig", alg="RS256")
        return {"keys": [public]}

    def token(self, audience, scope, lifetime=TOKEN_LIFETIME, **claims):
        now = int(time.time())
        payload = {
            "iss": self.issuer,
            "sub": IDP_CLIENT_ID,
            "aud": audience,
            "iat": now,
            "nbf": now,
            "exp": now + lifetime,
            "jti": uuid.uuid4().hex,
            "scope": scope,
            **claims,
        }
        return jwt.encode(payload, self.key, "RS256", headers={"kid": self.kid})
