"""Outbound HTTP with requests: authentication, TLS material and timeouts."""

from __future__ import annotations

import base64
import contextlib
import os
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import urlsplit

import requests

from . import schema, signing

AUTH_NONE = "none"
AUTH_API_KEY = "api_key"
AUTH_BASIC = "basic"
AUTH_BEARER = "bearer"
AUTH_OAUTH2 = "oauth2"
AUTH_HMAC = "hmac"
AUTH_TYPES = (AUTH_NONE, AUTH_API_KEY, AUTH_BASIC, AUTH_BEARER, AUTH_OAUTH2, AUTH_HMAC)

DEFAULT_TOKEN_LIFETIME = 3600.0
_MAX_REASON_LENGTH = 200


@dataclass
class TransportConfig:
    base_url: str
    auth_type: str = AUTH_NONE
    api_key_header: str = "X-API-Key"
    username: str | None = None
    # Password, API key, bearer token, OAuth2 client secret or HMAC key,
    # depending on auth_type.
    secret: str | None = None
    client_id: str | None = None
    token_url: str | None = None
    scope: str | None = None
    verify_tls: bool = True
    ca_bundle_pem: str | None = None
    client_cert_pem: str | None = None
    client_key_pem: str | None = None
    connect_timeout: float = 5.0
    read_timeout: float = 30.0


@dataclass
class HttpResult:
    status: int
    headers: dict
    body: bytes
    elapsed: float
    # What was sent, credentials included: mask before storing.
    request_headers: dict


class TransportError(Exception):
    """A non-HTTP transport (files, broker) failed; ``retryable`` if trying
    again later may help (the partner is down) rather than not (refused)."""

    def __init__(self, reason: str, retryable: bool = True):
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


@dataclass
class Page:
    """One page of a batch pull: its items, where the next starts, how far it got."""

    items: list
    next_cursor: str | None = None
    watermark: str | None = None


@dataclass
class Reply:
    """A partner's answer as handlers see it; ``document`` is decoded on demand."""

    status: int
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    payload_format: str = "json"

    @cached_property
    def document(self) -> object:
        if not self.body:
            return None
        return schema.decode_payload(self.payload_format, self.body)


class TokenError(Exception):
    """No OAuth2 access token could be obtained."""

    def __init__(self, reason: str, status: int | None = None):
        super().__init__(f"OAuth2 token request failed: {reason}")
        self.reason = reason
        self.status = status


def build_url(base_url: str, path: str) -> str:
    if not path:
        return base_url
    parts = urlsplit(path)
    if parts.scheme and parts.netloc:
        return path
    return f"{base_url.rstrip('/')}/{path.lstrip('/')}"


@contextlib.contextmanager
def _pem_file(pem: str) -> Iterator[str]:
    """Temporary file readable by the owner only, removed on exit."""
    path = None
    try:
        with tempfile.NamedTemporaryFile(
            "w", suffix=".pem", prefix="hc-", delete=False, encoding="utf-8"
        ) as handle:
            path = handle.name
            os.chmod(path, 0o600)
            handle.write(pem)
        yield path
    finally:
        if path:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)


@contextlib.contextmanager
def _tls_options(cfg: TransportConfig) -> Iterator[dict]:
    """``verify`` and ``cert`` arguments for requests, backed by temp PEM files."""
    with contextlib.ExitStack() as stack:
        options: dict = {"verify": cfg.verify_tls}
        if cfg.verify_tls and cfg.ca_bundle_pem:
            options["verify"] = stack.enter_context(_pem_file(cfg.ca_bundle_pem))
        if cfg.client_cert_pem:
            cert = stack.enter_context(_pem_file(cfg.client_cert_pem))
            if cfg.client_key_pem:
                key = stack.enter_context(_pem_file(cfg.client_key_pem))
                options["cert"] = (cert, key)
            else:
                options["cert"] = cert
        yield options


POOLED_SESSIONS_MAX = 32
_pooled = threading.local()


def pooled_session(cfg: TransportConfig) -> requests.Session | None:
    """This thread's keep-alive session for ``cfg``'s partner, or None.

    Calls to one base URL reuse their connections, which saves a handshake
    and a new ``Session`` per call. A backend with its own CA bundle or client
    certificate gets None (a session per call): requests 2.31 keys its
    connection pools by host only, so a connection opened with one backend's
    certificate could serve another's. The session keeps no cookies, so no
    state passes from one call (or one backend) to the next. It reads the
    proxy environment (``HTTPS_PROXY``, ``NO_PROXY``...) for its base URL once,
    when it is made, instead of on every call, and never a ``.netrc`` file
    (credentials come from the backend's secrets), e.g.::

        send(cfg, "POST", "/orders", body, session=pooled_session(cfg))
    """
    if cfg.ca_bundle_pem or cfg.client_cert_pem:
        return None
    sessions = _pooled.__dict__.setdefault("sessions", {})
    key = (cfg.base_url, cfg.verify_tls)
    session = sessions.get(key)
    if session is None:
        if len(sessions) >= POOLED_SESSIONS_MAX:
            close_pooled_sessions()
        session = requests.Session()
        session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        session.proxies = requests.utils.get_environ_proxies(cfg.base_url)
        session.trust_env = False
        sessions[key] = session
    return session


def close_pooled_sessions() -> None:
    """Close this thread's pooled sessions and their connections."""
    sessions = _pooled.__dict__.setdefault("sessions", {})
    for session in sessions.values():
        session.close()
    sessions.clear()


@contextlib.contextmanager
def _session_scope(session: requests.Session | None) -> Iterator[requests.Session]:
    if session is not None:
        yield session
        return
    with requests.Session() as own_session:
        yield own_session


def _timeouts(cfg: TransportConfig) -> tuple[float, float]:
    return (cfg.connect_timeout, cfg.read_timeout)


def _safe_text(text: str, secret: str | None) -> str:
    text = " ".join(text.split())[:_MAX_REASON_LENGTH]
    return text.replace(secret, "***") if secret else text


def _token_error_reason(response: requests.Response) -> str:
    reason = f"token endpoint returned HTTP {response.status_code}"
    try:
        data = response.json()
    except ValueError:
        return reason
    if isinstance(data, dict) and isinstance(data.get("error"), str):
        reason += f" ({data['error']}"
        if isinstance(data.get("error_description"), str):
            reason += f": {data['error_description']}"
        reason += ")"
    return reason


def _expires_in(value: object) -> float:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return DEFAULT_TOKEN_LIFETIME
    return seconds if seconds > 0 else DEFAULT_TOKEN_LIFETIME


def _parse_token_response(
    response: requests.Response, secret: str
) -> tuple[str, float]:
    status = response.status_code
    if not 200 <= status < 300:
        raise TokenError(_safe_text(_token_error_reason(response), secret), status)
    try:
        data = response.json()
    except ValueError:
        raise TokenError("token endpoint returned invalid JSON", status) from None
    token = data.get("access_token") if isinstance(data, dict) else None
    if not isinstance(token, str) or not token:
        raise TokenError("token endpoint response has no access_token", status)
    return token, _expires_in(data.get("expires_in"))


def fetch_oauth2_token(
    cfg: TransportConfig, session: requests.Session | None = None
) -> tuple[str, float]:
    """Client-credentials grant; return (access_token, expires_in seconds).

    Network errors propagate as requests exceptions so that the caller can
    classify them with ``retry.classify_exception``.
    """
    if not (cfg.token_url and cfg.client_id and cfg.secret):
        # A configuration problem, not a failed exchange: retrying cannot help.
        raise ValueError("OAuth2 needs a token URL, a client id and a client secret")
    form = {"grant_type": "client_credentials"}
    if cfg.scope:
        form["scope"] = cfg.scope
    with _session_scope(session) as http, _tls_options(cfg) as tls:
        response = http.post(
            cfg.token_url,
            data=form,
            headers={
                "Accept": "application/json",
                "Authorization": _basic_authorization(cfg.client_id, cfg.secret),
            },
            timeout=_timeouts(cfg),
            allow_redirects=False,
            **tls,
        )
    return _parse_token_response(response, cfg.secret)


def _require_secret(cfg: TransportConfig) -> str:
    if not cfg.secret:
        raise ValueError(f"auth_type {cfg.auth_type!r} requires a secret")
    return cfg.secret


def _basic_authorization(username: str, password: str) -> str:
    # UTF-8 (RFC 7617) rather than requests' latin-1, so any password works.
    credentials = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    return f"Basic {credentials}"


def auth_headers(
    cfg: TransportConfig, body: bytes, token: str | None, now: float | None
) -> dict[str, str]:
    """Headers authenticating a request with ``body`` according to ``cfg``."""
    auth_type = cfg.auth_type or AUTH_NONE
    if auth_type == AUTH_NONE:
        return {}
    if auth_type == AUTH_API_KEY:
        return {cfg.api_key_header: _require_secret(cfg)}
    if auth_type == AUTH_BASIC:
        if not cfg.username:
            raise ValueError("auth_type 'basic' requires a username")
        return {"Authorization": _basic_authorization(cfg.username, cfg.secret or "")}
    if auth_type == AUTH_BEARER:
        return {"Authorization": f"Bearer {_require_secret(cfg)}"}
    if auth_type == AUTH_OAUTH2:
        if not token:
            raise ValueError("auth_type 'oauth2' requires an access token")
        return {"Authorization": f"Bearer {token}"}
    if auth_type == AUTH_HMAC:
        return signing.signed_headers(_require_secret(cfg), body, now)
    raise ValueError(f"Unknown auth_type {auth_type!r}")


def send(
    cfg: TransportConfig,
    method: str,
    path: str,
    body: bytes | None,
    headers: Mapping[str, str] | None = None,
    token: str | None = None,
    session: requests.Session | None = None,
    now: float | None = None,
) -> HttpResult:
    """Send one request; requests exceptions propagate to the caller."""
    request = requests.Request(
        method.upper(),
        build_url(cfg.base_url, path),
        headers={**(headers or {}), **auth_headers(cfg, body or b"", token, now)},
        data=body,
    )
    with _session_scope(session) as http, _tls_options(cfg) as tls:
        prepared = http.prepare_request(request)
        started = time.monotonic()
        response = http.send(
            prepared, timeout=_timeouts(cfg), allow_redirects=False, **tls
        )
        body_bytes = response.content
        elapsed = time.monotonic() - started
    return HttpResult(
        status=response.status_code,
        headers=dict(response.headers),
        body=body_bytes,
        elapsed=elapsed,
        request_headers=dict(prepared.headers),
    )
