"""A real OpenSSH server on loopback, for SFTP tests and the demo.

It runs Debian's ``sshd`` (package openssh-server, installed by bin/setup) as
the current user on a free port, with throwaway host and client keys made by
``ssh-keygen`` in a temporary folder; only key authentication of the current
user is accepted, and only the ``internal-sftp`` subsystem serves files::

    with OpenSshServer() as server:
        server.port, server.username, server.client_key_pem, server.host_key
        server.root  # an absolute folder the client reads and writes
"""

import getpass
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OpenSshServer:
    def __init__(self, port=0, state_dir=None):
        self.port = port or free_port()
        self._tmp = (
            None if state_dir else tempfile.TemporaryDirectory(prefix="hc-sshd-")
        )
        self.dir = Path(state_dir or self._tmp.name)
        self.root = str(self.dir / "files")
        self.username = getpass.getuser()
        self.proc = None

    def _keygen(self, name):
        key = self.dir / name
        if not key.exists():
            subprocess.run(
                ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)],
                check=True,
            )
        return key

    def _write_config(self, host_key, client_key):
        authorized = self.dir / "authorized_keys"
        authorized.write_text(Path(f"{client_key}.pub").read_text())
        authorized.chmod(0o600)
        config = self.dir / "sshd_config"
        config.write_text(
            "\n".join(
                [
                    f"Port {self.port}",
                    "ListenAddress 127.0.0.1",
                    f"HostKey {host_key}",
                    f"PidFile {self.dir / 'sshd.pid'}",
                    f"AuthorizedKeysFile {authorized}",
                    "StrictModes no",
                    "UsePAM no",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "PubkeyAuthentication yes",
                    "PermitRootLogin prohibit-password",
                    "AllowTcpForwarding no",
                    "X11Forwarding no",
                    "Subsystem sftp internal-sftp",
                    "LogLevel ERROR",
                    "",
                ]
            )
        )
        return config

    def start(self):
        if not os.path.exists(SSHD):
            raise RuntimeError(
                "sshd not found: install openssh-server (bin/setup does)"
            )
        self.dir.mkdir(parents=True, exist_ok=True)
        os.makedirs(self.root, exist_ok=True)
        host_key = self._keygen("host_ed25519_key")
        client_key = self._keygen("client_ed25519_key")
        config = self._write_config(host_key, client_key)
        if os.geteuid() == 0:
            os.makedirs("/run/sshd", exist_ok=True)  # privilege separation
        self.proc = subprocess.Popen(
            [SSHD, "-D", "-e", "-f", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self._wait_ready()
        self.host_key = " ".join(Path(f"{host_key}.pub").read_text().split()[:2])
        self.client_key_pem = client_key.read_text()
        return self

    def _wait_ready(self, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"sshd exited: {self.proc.stderr.read().decode()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"sshd did not listen on {self.port}")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self._tmp:
            self._tmp.cleanup()

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
