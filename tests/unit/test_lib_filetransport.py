"""File transports against a real folder and a real OpenSSH server."""

import os
from pathlib import Path

import pytest
from lib import filetransport as ft
from sftp_server import OpenSshServer


@pytest.fixture(scope="module")
def sshd():
    with OpenSshServer() as server:
        yield server


def sftp_config(server, **overrides):
    values = {
        "kind": ft.KIND_SFTP,
        "root": server.root,
        "host": "127.0.0.1",
        "port": server.port,
        "username": server.username,
        "private_key_pem": server.client_key_pem,
        "host_key": server.host_key,
        "timeout": 5,
    }
    values.update(overrides)
    return ft.FileConfig(**values)


@pytest.mark.parametrize("kind", ["folder", "sftp"])
def test_put_list_get_archive(kind, tmp_path, sshd):
    cfg = (
        sftp_config(sshd)
        if kind == "sftp"
        else ft.FileConfig(kind=ft.KIND_FOLDER, root=str(tmp_path))
    )
    root = Path(cfg.root)
    with ft.connect(cfg) as files:
        path = files.put("PO_1.x12", b"ISA*00*")
        assert Path(path).read_bytes() == b"ISA*00*"
        assert not [p for p in (root / "out").iterdir() if p.name.startswith(".hc")]
        (root / "in").mkdir(exist_ok=True)
        (root / "in" / "855_1.x12").write_bytes(b"855 one")
        (root / "in" / "notes.txt").write_bytes(b"ignored")
        (root / "in" / f"{ft.TEMP_PREFIX}half.x12").write_bytes(b"half written")
        assert [f.name for f in files.list("*.x12")] == ["855_1.x12"]
        assert files.get("855_1.x12") == b"855 one"
        files.archive("855_1.x12")
        (root / "in" / "855_1.x12").write_bytes(b"855 again")
        second = files.archive("855_1.x12")
        assert not files.list("*.x12")
        archived = sorted(p.name for p in (root / "archive").iterdir())
        assert archived[0] == "855_1.x12" and len(archived) == 2
        assert Path(second).read_bytes() == b"855 again"


def test_overwrite_is_atomic_and_replaces(sshd):
    with ft.connect(sftp_config(sshd)) as files:
        files.put("same.csv", b"first")
        path = files.put("same.csv", b"second")
    assert Path(path).read_bytes() == b"second"


def test_unpinned_or_wrong_host_key_is_refused(sshd):
    with pytest.raises(ft.FileTransportError, match="pin"):
        with ft.connect(sftp_config(sshd, host_key="")):
            pass
    wrong = (
        "ssh-ed25519 "
        + "AAAAC3NzaC1lZDI1NTE5AAAAIGm8vV6r2RZ0pAvqkB3x3uGzvRr0mQW2H2S1x5k8Y3Zq"
    )
    with pytest.raises(ft.FileTransportError, match="not the pinned one") as caught:
        with ft.connect(sftp_config(sshd, host_key=wrong)):
            pass
    assert not caught.value.retryable


def test_fingerprint_pin_is_accepted(sshd):
    import base64
    import hashlib

    blob = base64.b64decode(sshd.host_key.split()[1])
    fingerprint = base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")
    with ft.connect(sftp_config(sshd, host_key=f"SHA256:{fingerprint}")) as files:
        files.put("fp.txt", b"ok")


def test_wrong_key_is_an_authentication_error(sshd, tmp_path):
    key = tmp_path / "other"
    os.system(f"ssh-keygen -q -t ed25519 -N '' -f {key}")  # noqa: S605
    with pytest.raises(ft.FileTransportError, match="authentication") as caught:
        with ft.connect(sftp_config(sshd, private_key_pem=key.read_text())):
            pass
    assert not caught.value.retryable


def test_server_down_is_retryable(sshd):
    with pytest.raises(ft.FileTransportError) as caught:
        with ft.connect(sftp_config(sshd, port=1)):
            pass
    assert caught.value.retryable


def test_names_are_made_safe():
    assert (
        ft.render_name(
            "PO_{name}_{control}.x12", {"name": "HCM/0000007", "control": "000000123"}
        )
        == "PO_HCM_0000007_000000123.x12"
    )
    with pytest.raises(ft.FileTransportError, match="cannot be filled"):
        ft.render_name("PO_{missing}.x12", {})
    assert ft.file_key("a.x12", b"x") != ft.file_key("a.x12", b"y")
