"""OAuth2 bearer tokens: JWT access tokens checked against the issuer's JWKS.

Hospitals protect system-to-system APIs with access tokens from their
identity provider (SMART Backend Services: a client gets a signed JWT from
the token endpoint and sends it as ``Authorization: Bearer <jwt>``). A token
is accepted when its signature verifies with a key of the provider's JWKS
(asymmetric algorithms only), its issuer and audience are the configured
ones, it is within ``nbf``/``exp`` (with a small leeway), and its scopes
grant every required scope. SMART scopes are understood in their v1
(``system/SupplyRequest.write``) and v2 (``system/SupplyRequest.cu``)
forms, with wildcards::

    >>> grants("system/*.write", "system/SupplyRequest.write")
    True
    >>> grants("system/SupplyRequest.rs", "system/SupplyRequest.write")
    False

Errors never quote the token.
"""

from __future__ import annotations

import json
import threading

import jwt
from jwt import PyJWKClient, PyJWKSet
from jwt.exceptions import PyJWKClientError, PyJWKSetError, PyJWTError

# asymmetric only: a shared-secret (HS*) token could be minted by anyone
# holding the "public" JWKS
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "ES256", "ES384")
LEEWAY_SECONDS = 60
MAX_TOKEN_LENGTH = 8192
JWKS_CACHE_SECONDS = 300
# SMART v1 access names and the v2 letters they stand for
V1_ACCESS = {"read": set("rs"), "write": set("cud"), "*": set("cruds")}

_clients: dict[tuple[str, float], PyJWKClient] = {}
_clients_lock = threading.Lock()


class BearerError(ValueError):
    """A token that is not accepted; ``reason`` says why (never the token)."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def token_of(authorization):
    """The token of an ``Authorization: Bearer <token>`` header value."""
    scheme, _sep, token = (authorization or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise BearerError("Missing bearer token (Authorization: Bearer <token>)")
    token = token.strip()
    if len(token) > MAX_TOKEN_LENGTH:
        raise BearerError("Bearer token too long")
    return token


def _access(permission):
    if permission in V1_ACCESS:
        return V1_ACCESS[permission]
    letters = set(permission)
    return letters if letters <= set("cruds") else set()


def _parse_scope(scope):
    context, slash, rest = scope.partition("/")
    resource, dot, permission = rest.partition(".")
    if not slash or not dot:
        return None
    permission = permission.split("?", 1)[0]  # v2 granular scopes: ignore filter
    return context, resource, _access(permission)


def grants(granted, required):
    """Whether the scope ``granted`` covers the scope ``required``."""
    if granted == required:
        return True
    have, want = _parse_scope(granted), _parse_scope(required)
    if not have or not want:
        return False
    context_ok = have[0] == want[0]
    resource_ok = have[1] in ("*", want[1])
    return context_ok and resource_ok and bool(want[2]) and want[2] <= have[2]


def missing_scopes(token_scope, required):
    """The required scopes (space-separated) the token's scopes do not grant."""
    granted = (token_scope or "").split() if isinstance(token_scope, str) else []
    if isinstance(token_scope, list):
        granted = [str(s) for s in token_scope]
    return [
        wanted
        for wanted in (required or "").split()
        if not any(grants(have, wanted) for have in granted)
    ]


def signing_key(token, jwks_json=None, jwks_url=None, timeout=5.0):
    """The key of the JWKS that signed ``token``."""
    try:
        if jwks_json:
            header = jwt.get_unverified_header(token)
            keyset = PyJWKSet.from_dict(json.loads(jwks_json))
            kid = header.get("kid")
            keys = [k for k in keyset.keys if kid is None or k.key_id == kid]
            if not keys:
                raise BearerError("No key of the configured JWKS signed this token")
            return keys[0].key
        if jwks_url:
            return _client(jwks_url, timeout).get_signing_key_from_jwt(token).key
    except BearerError:
        raise
    except (PyJWKClientError, PyJWKSetError) as exc:
        raise BearerError(f"Signing key not found: {exc}") from None
    except (PyJWTError, ValueError) as exc:
        raise BearerError(f"Malformed token or JWKS ({type(exc).__name__})") from None
    raise BearerError("No JWKS configured for bearer tokens")


def _client(url, timeout):
    with _clients_lock:
        key = (url, timeout)
        if key not in _clients:
            _clients[key] = PyJWKClient(
                url, cache_keys=True, lifespan=JWKS_CACHE_SECONDS, timeout=timeout
            )
        return _clients[key]


def validate(
    token,
    issuer,
    audience,
    required_scope=None,
    jwks_json=None,
    jwks_url=None,
    leeway=LEEWAY_SECONDS,
):
    """The claims of an accepted token; ``BearerError`` otherwise."""
    if not issuer or not audience:
        raise BearerError("Bearer tokens need an issuer and an audience configured")
    key = signing_key(token, jwks_json=jwks_json, jwks_url=jwks_url)
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=list(ALGORITHMS),
            audience=audience,
            issuer=issuer,
            leeway=leeway,
            options={"require": ["exp", "iss", "aud"]},
        )
    except jwt.ExpiredSignatureError:
        raise BearerError("Bearer token expired") from None
    except jwt.ImmatureSignatureError:
        raise BearerError("Bearer token not valid yet (nbf/iat)") from None
    except jwt.InvalidAudienceError:
        raise BearerError("Bearer token for another audience") from None
    except jwt.InvalidIssuerError:
        raise BearerError("Bearer token from another issuer") from None
    except PyJWTError as exc:
        raise BearerError(f"Bearer token refused ({type(exc).__name__})") from None
    missing = missing_scopes(claims.get("scope") or claims.get("scp"), required_scope)
    if missing:
        raise BearerError(f"Bearer token lacks scope {' '.join(missing)}")
    return claims
