"""What bin/start, bin/test and the benchmarks share: the repository's
paths, odoo.conf, PostgreSQL, and starting, installing and stopping Odoo.

``python tools/hcdev <command>`` runs the commands (``__main__``); the demo
(``bin/start``) is in ``demo``, the test runner (``bin/test``) in ``testrun``,
the configuration writer (``bin/setup``) in ``config``.
"""

import contextlib
import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STATE = ROOT / ".hc"
CONF = STATE / "odoo.conf"
VENV_BIN = Path(sys.executable).parent
ODOO_BIN = VENV_BIN / "odoo"
SIMULATORS_DIR = ROOT / "tests" / "simulators"
TEST_ADDONS_DIR = ROOT / "tests" / "addons"


def addons_in(folder):
    return sorted(p.name for p in folder.iterdir() if (p / "__manifest__.py").is_file())


def suite_addons():
    return addons_in(ROOT / "addons")


def test_addons():
    """Throwaway addons that exist for the tests (installed in test databases)."""
    return addons_in(TEST_ADDONS_DIR) if TEST_ADDONS_DIR.is_dir() else []


def test_addons_path():
    return f"{read_conf()['addons_path']},{TEST_ADDONS_DIR}"


def log(msg):
    print(f"[hc] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------- processes


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def odoo_cmd(*extra):
    return [str(ODOO_BIN), "-c", str(CONF), *extra]


def pg_args():
    conf = read_conf()
    return ["-h", conf["db_host"], "-p", conf["db_port"], "-U", conf["db_user"]]


def psql(db, sql):
    return subprocess.run(
        ["psql", *pg_args(), "-d", db, "-Atqc", sql],
        capture_output=True,
        text=True,
        check=False,
    )


def read_conf():
    values = {}
    for line in CONF.read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep and not line.startswith(";"):
            values.setdefault(key.strip(), value.strip())
    return values


def database_ready(db, addons):
    res = psql(
        db,
        "select name from ir_module_module where state = 'installed'",
    )
    installed = set(res.stdout.split())
    return res.returncode == 0 and set(addons) <= installed


def drop_database(db):
    subprocess.run(["dropdb", "--if-exists", "--force", *pg_args(), db], check=False)


def wait_http(url, timeout=120, proc=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310
                return
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {timeout}s")


def stop(proc, timeout=20):
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def start_odoo(db, port, logfile=None, extra=(), env=None):
    """Serve ``db`` alone, as production does (``odoo.conf.example``): with
    ``-d`` and no ``--db-filter`` no request lists the databases."""
    proc = subprocess.Popen(
        odoo_cmd(
            "-d",
            db,
            "--http-port",
            str(port),
            *extra,
        ),
        stdout=logfile,
        stderr=subprocess.STDOUT if logfile else None,
        env={**os.environ, **env} if env else None,
    )
    wait_http(f"http://127.0.0.1:{port}/web/login", timeout=180, proc=proc)
    return proc


# --------------------------------------------------------------- databases


def install_database(db, addons, extra=(), logfile=None):
    return subprocess.run(
        odoo_cmd(
            "-d",
            db,
            "-i",
            ",".join(addons),
            "--stop-after-init",
            *extra,
        ),
        stdout=logfile,
        stderr=subprocess.STDOUT if logfile else None,
        check=False,
    ).returncode


def addons_fingerprint():
    digest = hashlib.sha256()
    for path in sorted((ROOT / "addons").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def prepare_database(db, addons, extra=(), force_update=False):
    """``db`` with ``addons``, kept between runs: created when missing, updated
    when their code changed since the last run (a stamp in .hc) or with
    ``force_update``; ``extra`` goes to both. False when that failed."""
    stamp = STATE / f"{db}.addons-sha256"
    fingerprint = addons_fingerprint()
    if not database_ready(db, addons):
        log(f"creating database {db} with {', '.join(addons)} (first run)")
        drop_database(db)
        if install_database(db, addons, extra=extra) != 0:
            return False
    elif force_update or (stamp.exists() and stamp.read_text() != fingerprint):
        log(f"the suite's addons changed: updating them in {db}")
        rc = subprocess.run(
            odoo_cmd("-d", db, "-u", ",".join(addons), "--stop-after-init", *extra),
            check=False,
        ).returncode
        if rc != 0:
            return False
    stamp.write_text(fingerprint)
    return True


def port_in_use(port):
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0
