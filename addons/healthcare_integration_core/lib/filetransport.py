"""File exchange with partners that have no API: SFTP (paramiko) and local folders.

A ``FileConfig`` names where files go (``out_dir``), where they are picked up
(``in_dir``) and where picked-up files are moved once stored (``archive_dir``).
Writes are atomic: a file is written under a temporary name, then renamed, so
a partner polling the folder never reads half a file. SFTP pins the server's
host key: an unknown or changed key refuses the connection.

    >>> cfg = FileConfig(kind="folder", root="/srv/edi", out_dir="out")
    >>> with connect(cfg) as files:  # doctest: +SKIP
    ...     files.put("PO_1.x12", b"ISA*00*...")
"""

from __future__ import annotations

import base64
import contextlib
import fnmatch
import hashlib
import io
import os
import posixpath
import socket
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass

from .transport import TransportError

KIND_SFTP = "sftp"
KIND_FOLDER = "folder"
TEMP_PREFIX = ".hc-tmp-"


class FileTransportError(TransportError):
    """A file exchange failed; ``retryable`` when trying again later may help."""


@dataclass
class FileConfig:
    kind: str
    root: str = ""
    in_dir: str = "in"
    out_dir: str = "out"
    archive_dir: str = "archive"
    host: str = ""
    port: int = 22
    username: str = ""
    password: str | None = None
    private_key_pem: str | None = None
    host_key: str = ""  # "ssh-ed25519 AAAA..." or "SHA256:<base64>"
    timeout: float = 10.0


@dataclass(frozen=True)
class RemoteFile:
    name: str
    size: int
    mtime: float


def safe_name(value: str) -> str:
    """A file-name fragment: letters, digits, '-', '_' and '.' only."""
    cleaned = "".join(c if c.isalnum() or c in "-_." else "_" for c in str(value))
    return cleaned.strip(".") or "_"


def render_name(pattern: str, values: dict) -> str:
    """The file name of ``pattern`` (``str.format`` fields), made safe."""
    try:
        name = pattern.format(**{k: safe_name(v) for k, v in values.items()})
    except (KeyError, IndexError, ValueError) as exc:
        raise FileTransportError(
            f"File name pattern {pattern!r} cannot be filled: {exc}", retryable=False
        ) from None
    if "/" in name or name in ("", ".", ".."):
        raise FileTransportError(f"Invalid file name {name!r}", retryable=False)
    return name


def file_key(name: str, body: bytes) -> str:
    """The idempotency key of a picked-up file: its name and content."""
    return f"{name[:180]}:{hashlib.sha256(body).hexdigest()}"


# ---------------------------------------------------------------- folder


class FolderFiles:
    def __init__(self, cfg: FileConfig):
        self.cfg = cfg

    def _dir(self, sub: str) -> str:
        path = os.path.join(self.cfg.root, sub)
        os.makedirs(path, exist_ok=True)
        return path

    def put(self, name: str, data: bytes) -> str:
        folder = self._dir(self.cfg.out_dir)
        temporary = os.path.join(folder, f"{TEMP_PREFIX}{name}")
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        target = os.path.join(folder, name)
        os.replace(temporary, target)
        return target

    def list(self, pattern: str = "*") -> list[RemoteFile]:
        folder = self._dir(self.cfg.in_dir)
        found = []
        for entry in os.scandir(folder):
            if entry.is_file() and _wanted(entry.name, pattern):
                info = entry.stat()
                found.append(RemoteFile(entry.name, info.st_size, info.st_mtime))
        return sorted(found, key=lambda f: (f.mtime, f.name))

    def get(self, name: str) -> bytes:
        with open(os.path.join(self._dir(self.cfg.in_dir), name), "rb") as handle:
            return handle.read()

    def archive(self, name: str) -> str:
        source = os.path.join(self._dir(self.cfg.in_dir), name)
        target = _free_name(
            os.path.join(self._dir(self.cfg.archive_dir), name), os.path.exists
        )
        os.replace(source, target)
        return target


# ---------------------------------------------------------------- sftp


class SftpFiles:
    def __init__(self, cfg: FileConfig, sftp):
        self.cfg = cfg
        self.sftp = sftp

    def _dir(self, sub: str) -> str:
        path = posixpath.join(self.cfg.root or ".", sub)
        try:
            self.sftp.stat(path)
        except FileNotFoundError:
            self.sftp.mkdir(path)
        return path

    def put(self, name: str, data: bytes) -> str:
        folder = self._dir(self.cfg.out_dir)
        temporary = posixpath.join(folder, f"{TEMP_PREFIX}{name}")
        target = posixpath.join(folder, name)
        self.sftp.putfo(io.BytesIO(data), temporary, file_size=len(data), confirm=True)
        self._rename(temporary, target)
        return target

    def _rename(self, source: str, target: str) -> None:
        try:
            self.sftp.posix_rename(source, target)
        except OSError:
            # servers without the posix-rename extension refuse to overwrite
            with contextlib.suppress(FileNotFoundError):
                self.sftp.remove(target)
            self.sftp.rename(source, target)

    def list(self, pattern: str = "*") -> list[RemoteFile]:
        folder = self._dir(self.cfg.in_dir)
        found = [
            RemoteFile(attr.filename, attr.st_size or 0, attr.st_mtime or 0)
            for attr in self.sftp.listdir_attr(folder)
            if stat.S_ISREG(attr.st_mode or 0) and _wanted(attr.filename, pattern)
        ]
        return sorted(found, key=lambda f: (f.mtime, f.name))

    def get(self, name: str) -> bytes:
        buffer = io.BytesIO()
        self.sftp.getfo(posixpath.join(self._dir(self.cfg.in_dir), name), buffer)
        return buffer.getvalue()

    def archive(self, name: str) -> str:
        source = posixpath.join(self._dir(self.cfg.in_dir), name)
        target = _free_name(
            posixpath.join(self._dir(self.cfg.archive_dir), name), self._exists
        )
        self._rename(source, target)
        return target

    def _exists(self, path: str) -> bool:
        try:
            self.sftp.stat(path)
        except FileNotFoundError:
            return False
        return True


def _wanted(name: str, pattern: str) -> bool:
    return not name.startswith(TEMP_PREFIX) and fnmatch.fnmatch(name, pattern or "*")


def _free_name(path: str, exists) -> str:
    """``path``, or ``path`` with a time suffix when it is taken (archives)."""
    if not exists(path):
        return path
    return f"{path}.{time.strftime('%Y%m%d%H%M%S')}.{os.getpid()}"


def host_key_matches(pinned: str, key) -> bool:
    """Whether a server key (paramiko PKey) is the pinned one."""
    pinned = (pinned or "").strip()
    if not pinned:
        return False
    if pinned.startswith("SHA256:"):
        digest = hashlib.sha256(key.asbytes()).digest()
        fingerprint = base64.b64encode(digest).decode().rstrip("=")
        return pinned.removeprefix("SHA256:").rstrip("=") == fingerprint
    parts = pinned.split()
    return len(parts) >= 2 and (parts[0], parts[1]) == (
        key.get_name(),
        key.get_base64(),
    )


def _load_private_key(pem: str):
    import paramiko  # only SFTP backends need it

    for cls in (paramiko.Ed25519Key, paramiko.ECDSAKey, paramiko.RSAKey):
        with contextlib.suppress(paramiko.SSHException, ValueError):
            return cls.from_private_key(io.StringIO(pem))
    raise FileTransportError("The SSH private key cannot be read", retryable=False)


@contextlib.contextmanager
def _sftp_session(cfg: FileConfig) -> Iterator[SftpFiles]:
    import paramiko  # only SFTP backends need it

    if not cfg.host_key:
        raise FileTransportError(
            "No pinned host key: SFTP backends must pin the server's key",
            retryable=False,
        )
    try:
        sock = socket.create_connection((cfg.host, cfg.port), timeout=cfg.timeout)
    except OSError as exc:
        reason = f"Connection to {cfg.host}:{cfg.port} failed: {exc}"
        raise FileTransportError(reason) from None
    transport = paramiko.Transport(sock)
    try:
        transport.banner_timeout = cfg.timeout
        transport.start_client(timeout=cfg.timeout)
        if not host_key_matches(cfg.host_key, transport.get_remote_server_key()):
            raise FileTransportError(
                f"The host key of {cfg.host}:{cfg.port} is not the pinned one",
                retryable=False,
            )
        if cfg.private_key_pem:
            transport.auth_publickey(
                cfg.username, _load_private_key(cfg.private_key_pem)
            )
        else:
            transport.auth_password(cfg.username, cfg.password or "")
        sftp = paramiko.SFTPClient.from_transport(transport)
        sftp.get_channel().settimeout(cfg.timeout)
        yield SftpFiles(cfg, sftp)
    except paramiko.AuthenticationException:
        raise FileTransportError(
            f"SFTP authentication of {cfg.username!r} refused", retryable=False
        ) from None
    except (paramiko.SSHException, EOFError, OSError) as exc:
        raise FileTransportError(f"SFTP error: {type(exc).__name__}: {exc}") from None
    finally:
        transport.close()


@contextlib.contextmanager
def connect(cfg: FileConfig) -> Iterator[FolderFiles | SftpFiles]:
    """A session on the partner's folders; errors become FileTransportError."""
    if cfg.kind == KIND_SFTP:
        with _sftp_session(cfg) as files:
            yield files
        return
    if cfg.kind != KIND_FOLDER:
        raise FileTransportError(f"Unknown file transport {cfg.kind!r}", False)
    try:
        yield FolderFiles(cfg)
    except OSError as exc:
        raise FileTransportError(f"Folder error: {exc}") from None
