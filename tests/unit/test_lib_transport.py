import base64
import contextlib
import datetime
import ipaddress
import json
import os
import socket
import ssl
import stat
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from lib import retry, signing, transport
from lib.transport import TokenError, TransportConfig

CLIENT_ID = "client-1"
CLIENT_SECRET = "client-secret-xyz"
HMAC_KEY = "hmac-key"
SLOW_SECONDS = 1.0


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _reply(self, status, body=b"", headers=None):
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def _record(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        self.server.seen.append(
            {
                "method": self.command,
                "path": self.path,
                "headers": self.headers,
                "body": body,
            }
        )
        return body

    def do_GET(self):
        self._dispatch()

    def do_POST(self):
        self._dispatch()

    def do_PUT(self):
        self._dispatch()

    def _dispatch(self):
        body = self._record()
        route = self.path.removeprefix("/api")
        if route == "/slow":
            time.sleep(SLOW_SECONDS)
            self._reply(200, b"late")
        elif route == "/redirect":
            self._reply(302, headers={"Location": "/elsewhere"})
        elif route.startswith("/status/"):
            self._reply(int(route.rsplit("/", 1)[1]), headers={"Retry-After": "7"})
        elif route.startswith("/token"):
            self._token(body)
        else:
            self._reply(201, b'{"ok": true}', {"Content-Type": "application/json"})

    def _token(self, body):
        form = parse_qs(body.decode())
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if self.headers.get("Authorization") != f"Basic {expected}":
            error = {"error": "invalid_client", "error_description": "bad client"}
            self._reply(401, json.dumps(error).encode())
        elif form.get("grant_type") != ["client_credentials"]:
            self._reply(400, b'{"error": "unsupported_grant_type"}')
        elif self.path == "/token/garbage":
            self._reply(200, b"<html>")
        elif self.path == "/token/no-expiry":
            self._reply(200, b'{"access_token": "tok-2"}')
        else:
            payload = {
                "access_token": "tok-1",
                "token_type": "Bearer",
                "expires_in": "120",
                "scope": form.get("scope", [""])[0],
            }
            self._reply(200, json.dumps(payload).encode())


@contextlib.contextmanager
def running_server(ssl_context=None):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.seen = []
    if ssl_context is not None:
        server.socket = ssl_context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def server():
    with running_server() as srv:
        yield srv


@pytest.fixture
def base_url(server):
    server.seen.clear()
    return f"http://127.0.0.1:{server.server_address[1]}/api/"


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def _cfg(base_url, **kwargs):
    return TransportConfig(base_url=base_url, read_timeout=5, **kwargs)


def _last(server):
    return server.seen[-1]


@pytest.mark.parametrize(
    ("base", "path", "expected"),
    [
        ("https://h/api/", "/Patient", "https://h/api/Patient"),
        ("https://h/api", "Patient", "https://h/api/Patient"),
        ("https://h/api//", "//Patient/1?x=1", "https://h/api/Patient/1?x=1"),
        ("https://h/api", "", "https://h/api"),
        ("https://h/api", "https://other/x", "https://other/x"),
        (
            "https://h/api",
            "Patient?next=http://x",
            "https://h/api/Patient?next=http://x",
        ),
    ],
)
def test_build_url(base, path, expected):
    assert transport.build_url(base, path) == expected


def test_send_without_auth(server, base_url):
    result = transport.send(
        _cfg(base_url),
        "post",
        "/orders",
        b'{"a": 1}',
        {"Content-Type": "application/json"},
    )
    assert result.status == 201
    assert result.body == b'{"ok": true}'
    assert result.headers["Content-Type"] == "application/json"
    assert result.elapsed > 0
    seen = _last(server)
    assert seen["method"] == "POST"
    assert seen["path"] == "/api/orders"
    assert seen["body"] == b'{"a": 1}'
    assert "Authorization" not in seen["headers"]
    assert result.request_headers["Content-Type"] == "application/json"


def test_api_key_header(server, base_url):
    cfg = _cfg(base_url, auth_type="api_key", api_key_header="X-Key", secret="k-1")
    result = transport.send(cfg, "GET", "x", None)
    assert _last(server)["headers"]["X-Key"] == "k-1"
    assert result.request_headers["X-Key"] == "k-1"


def test_basic_auth_supports_non_latin_passwords(server, base_url):
    cfg = _cfg(base_url, auth_type="basic", username="user", secret="pä€ss")
    transport.send(cfg, "GET", "x", None)
    header = _last(server)["headers"]["Authorization"]
    assert header.startswith("Basic ")
    assert base64.b64decode(header[6:]).decode() == "user:pä€ss"


def test_bearer_token(server, base_url):
    cfg = _cfg(base_url, auth_type="bearer", secret="static-token")
    transport.send(cfg, "GET", "x", None)
    assert _last(server)["headers"]["Authorization"] == "Bearer static-token"


def test_oauth2_uses_callers_token(server, base_url):
    cfg = _cfg(base_url, auth_type="oauth2", client_id=CLIENT_ID, secret=CLIENT_SECRET)
    transport.send(cfg, "GET", "x", None, token="tok-9")
    assert _last(server)["headers"]["Authorization"] == "Bearer tok-9"
    with pytest.raises(ValueError, match="access token"):
        transport.send(cfg, "GET", "x", None)


def test_auth_overrides_caller_headers(server, base_url):
    cfg = _cfg(base_url, auth_type="bearer", secret="real")
    transport.send(cfg, "GET", "x", None, {"Authorization": "Bearer fake"})
    assert _last(server)["headers"]["Authorization"] == "Bearer real"


@pytest.mark.parametrize(
    ("auth_type", "message"),
    [
        ("api_key", "secret"),
        ("bearer", "secret"),
        ("hmac", "secret"),
        ("basic", "username"),
        ("kerberos", "Unknown auth_type"),
    ],
)
def test_incomplete_auth_configuration(base_url, auth_type, message):
    with pytest.raises(ValueError, match=message):
        transport.send(_cfg(base_url, auth_type=auth_type), "GET", "x", None)


def test_hmac_signature_verifies_on_server_side(server, base_url):
    body = '{"name": "Zoë"}'.encode()
    cfg = _cfg(base_url, auth_type="hmac", secret=HMAC_KEY)
    now = time.time()
    transport.send(cfg, "PUT", "x", body, {"Content-Type": "application/json"}, now=now)
    seen = _last(server)
    assert seen["body"] == body
    timestamp = seen["headers"][signing.TIMESTAMP_HEADER]
    signature = seen["headers"][signing.SIGNATURE_HEADER]
    assert timestamp == str(int(now))
    signing.verify_signature(HMAC_KEY, timestamp, signature, seen["body"])
    with pytest.raises(signing.SignatureError):
        signing.verify_signature(HMAC_KEY, timestamp, signature, body + b" ")


def test_hmac_signs_empty_body(server, base_url):
    cfg = _cfg(base_url, auth_type="hmac", secret=HMAC_KEY)
    transport.send(cfg, "GET", "x", None)
    headers = _last(server)["headers"]
    signing.verify_signature(
        HMAC_KEY,
        headers[signing.TIMESTAMP_HEADER],
        headers[signing.SIGNATURE_HEADER],
        b"",
    )


def test_redirects_are_not_followed(server, base_url):
    result = transport.send(_cfg(base_url), "GET", "/redirect", None)
    assert result.status == 302
    assert result.headers["Location"] == "/elsewhere"
    assert len(server.seen) == 1


def test_error_status_is_returned_with_headers(base_url):
    result = transport.send(_cfg(base_url), "GET", "/status/503", None)
    outcome = retry.classify_status(result.status, result.headers)
    assert outcome.retryable
    assert outcome.retry_after == 7


def test_caller_session_is_used_and_left_open(server, base_url):
    with requests.Session() as session:
        session.headers["X-Session"] = "yes"
        transport.send(_cfg(base_url), "GET", "a", None, session=session)
        transport.send(_cfg(base_url), "GET", "b", None, session=session)
    assert [seen["headers"]["X-Session"] for seen in server.seen] == ["yes", "yes"]


def test_read_timeout(server):
    root = f"http://127.0.0.1:{server.server_address[1]}"
    cfg = TransportConfig(base_url=root, read_timeout=0.2)
    started = time.monotonic()
    with pytest.raises(requests.exceptions.Timeout) as info:
        transport.send(cfg, "GET", "/slow", None)
    assert time.monotonic() - started < SLOW_SECONDS
    assert retry.classify_exception(info.value).retryable


def test_connection_refused_is_retryable():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cfg = TransportConfig(base_url=f"http://127.0.0.1:{port}", connect_timeout=1)
    with pytest.raises(requests.exceptions.ConnectionError) as info:
        transport.send(cfg, "GET", "/", None)
    outcome = retry.classify_exception(info.value)
    assert outcome.retryable
    assert outcome.error_class == retry.ERROR_TECHNICAL
    assert "ConnectionError" in outcome.reason


def _token_cfg(server, path="/token", **kwargs):
    root = f"http://127.0.0.1:{server.server_address[1]}"
    values = {"client_id": CLIENT_ID, "secret": CLIENT_SECRET, "scope": "system/*.read"}
    values.update(kwargs)
    return TransportConfig(
        base_url=root, auth_type="oauth2", token_url=root + path, **values
    )


def test_fetch_oauth2_token(server):
    server.seen.clear()
    token, expires_in = transport.fetch_oauth2_token(_token_cfg(server))
    assert (token, expires_in) == ("tok-1", 120.0)
    seen = _last(server)
    assert seen["method"] == "POST"
    form = parse_qs(seen["body"].decode())
    assert form == {"grant_type": ["client_credentials"], "scope": ["system/*.read"]}
    assert seen["headers"]["Content-Type"] == "application/x-www-form-urlencoded"


def test_fetch_oauth2_token_without_scope_and_expiry(server):
    server.seen.clear()
    cfg = _token_cfg(server, "/token/no-expiry", scope=None)
    assert transport.fetch_oauth2_token(cfg) == ("tok-2", 3600.0)
    assert parse_qs(_last(server)["body"].decode()) == {
        "grant_type": ["client_credentials"]
    }


def test_oauth2_rejected_client(server):
    with pytest.raises(TokenError) as info:
        transport.fetch_oauth2_token(_token_cfg(server, secret="wrong-secret"))
    assert info.value.status == 401
    assert "invalid_client" in info.value.reason
    assert "wrong-secret" not in str(info.value)


def test_oauth2_invalid_response(server):
    with pytest.raises(TokenError) as info:
        transport.fetch_oauth2_token(_token_cfg(server, "/token/garbage"))
    assert info.value.status == 200
    assert CLIENT_SECRET not in str(info.value)


def test_oauth2_incomplete_configuration(server):
    with pytest.raises(ValueError, match="client id"):
        transport.fetch_oauth2_token(_token_cfg(server, client_id=None))


def test_oauth2_connection_errors_propagate():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cfg = TransportConfig(
        base_url="http://x",
        token_url=f"http://127.0.0.1:{port}/token",
        client_id=CLIENT_ID,
        secret=CLIENT_SECRET,
    )
    with pytest.raises(requests.exceptions.ConnectionError):
        transport.fetch_oauth2_token(cfg)


def test_pem_file_is_private_and_removed(private_tmp):
    with transport._pem_file("PEM DATA") as path:
        assert os.path.dirname(path) == str(private_tmp)
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        with open(path, encoding="utf-8") as handle:
            assert handle.read() == "PEM DATA"
    assert not os.path.exists(path)


# --- TLS ---------------------------------------------------------------------


def _pem_key(key):
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def _certificate(subject, key, issuer, issuer_key, *, ca=False, usage=None):
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if usage == "server":
        builder = builder.add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        ).add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
    elif usage == "client":
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False
        )
    cert = builder.sign(issuer_key, hashes.SHA256())
    return cert.public_bytes(serialization.Encoding.PEM).decode()


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_pem = _certificate("Test CA", ca_key, "Test CA", ca_key, ca=True)
    server_key = ec.generate_private_key(ec.SECP256R1())
    client_key = ec.generate_private_key(ec.SECP256R1())
    folder = tmp_path_factory.mktemp("pki")
    files = {
        "ca": ca_pem,
        "server_cert": _certificate(
            "127.0.0.1", server_key, "Test CA", ca_key, usage="server"
        ),
        "server_key": _pem_key(server_key),
        "client_cert": _certificate(
            "client", client_key, "Test CA", ca_key, usage="client"
        ),
        "client_key": _pem_key(client_key),
    }
    for name, pem in files.items():
        (folder / f"{name}.pem").write_text(pem)
    return {"dir": folder, **files}


@pytest.fixture(scope="module")
def mtls_server(pki):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(
        pki["dir"] / "server_cert.pem", pki["dir"] / "server_key.pem"
    )
    context.load_verify_locations(pki["dir"] / "ca.pem")
    context.verify_mode = ssl.CERT_REQUIRED
    with running_server(context) as srv:
        yield srv


def _tls_cfg(server, pki, **kwargs):
    values = {
        "base_url": f"https://127.0.0.1:{server.server_address[1]}",
        "ca_bundle_pem": pki["ca"],
        "client_cert_pem": pki["client_cert"],
        "client_key_pem": pki["client_key"],
        "connect_timeout": 2,
        "read_timeout": 2,
    }
    values.update(kwargs)
    return TransportConfig(**values)


def test_mutual_tls_with_pem_material(mtls_server, pki, private_tmp):
    result = transport.send(_tls_cfg(mtls_server, pki), "GET", "/x", None)
    assert result.status == 201
    assert list(private_tmp.iterdir()) == []


def test_client_cert_and_key_in_one_pem(mtls_server, pki, private_tmp):
    cfg = _tls_cfg(
        mtls_server,
        pki,
        client_cert_pem=pki["client_cert"] + pki["client_key"],
        client_key_pem=None,
    )
    assert transport.send(cfg, "GET", "/x", None).status == 201
    assert list(private_tmp.iterdir()) == []


def test_untrusted_server_is_a_non_retryable_tls_error(mtls_server, pki, private_tmp):
    cfg = _tls_cfg(mtls_server, pki, ca_bundle_pem=None)
    with pytest.raises(requests.exceptions.SSLError) as info:
        transport.send(cfg, "GET", "/x", None)
    assert not retry.classify_exception(info.value).retryable
    assert list(private_tmp.iterdir()) == []


# ---------------------------------------------------------------- pooled sessions


class KeepAliveHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 with keep-alive; sets a cookie on every answer."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.seen.append(
            {
                "port": self.client_address[1],
                "cookie": self.headers.get("Cookie"),
                "path": self.path,
            }
        )
        self.send_response(200)
        self.send_header("Set-Cookie", "session=partner-state; Path=/")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")


@pytest.fixture
def keep_alive_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), KeepAliveHandler)
    server.daemon_threads = True
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        transport.close_pooled_sessions()
        server.shutdown()
        server.server_close()


def test_pooled_session_reuses_the_connection_and_keeps_no_cookie(keep_alive_url):
    server, url = keep_alive_url
    cfg = _cfg(url)
    for _n in range(3):
        session = transport.pooled_session(cfg)
        result = transport.send(cfg, "POST", "/orders", b"{}", session=session)
        assert result.status == 200
    assert len({seen["port"] for seen in server.seen}) == 1
    assert [seen["cookie"] for seen in server.seen] == [None, None, None]


def test_pooled_session_is_per_partner_and_never_shared_with_certificates():
    plain = _cfg("http://127.0.0.1:9/")
    assert transport.pooled_session(plain) is transport.pooled_session(plain)
    assert transport.pooled_session(plain) is not transport.pooled_session(
        _cfg("http://127.0.0.1:10/")
    )
    assert transport.pooled_session(_cfg(plain.base_url, ca_bundle_pem="x")) is None
    assert transport.pooled_session(_cfg(plain.base_url, client_cert_pem="x")) is None
    transport.close_pooled_sessions()


def test_pooled_session_takes_the_proxy_environment_once(keep_alive_url, monkeypatch):
    server, proxy_url = keep_alive_url
    for name in ("http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", proxy_url)
    monkeypatch.setenv("NO_PROXY", "direct.example")
    cfg = _cfg("http://partner.example/")
    session = transport.pooled_session(cfg)
    direct = transport.pooled_session(_cfg("http://direct.example/"))
    monkeypatch.delenv("HTTP_PROXY")
    result = transport.send(cfg, "POST", "/orders", b"{}", session=session)
    assert result.status == 200
    assert server.seen[-1]["path"] == "http://partner.example/orders"
    assert not session.trust_env
    assert "http" not in direct.proxies
