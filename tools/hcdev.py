"""Developer commands behind bin/start and bin/test (run inside .venv)."""

import argparse
import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
STATE = ROOT / ".hc"
CONF = STATE / "odoo.conf"
VENV_BIN = Path(sys.executable).parent
ODOO_BIN = VENV_BIN / "odoo"
SIMULATORS_DIR = ROOT / "tests" / "simulators"
ODOO_RESULT_RE = re.compile(
    r"odoo\.tests\.result: (\d+) failed, (\d+) error\(s\) of (\d+) tests"
)
ODOO_LOG_ERROR_RE = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL) ")
ODOO_SKIPPED_RE = re.compile(r"^\S+ \S+ \d+ INFO \S+ odoo\.addons\.\S+: skipped ", re.M)
DEMO_PORT_RE = re.compile(r"^DEMO_PORT = (\d+)", re.M)


TEST_ADDONS_DIR = ROOT / "tests" / "addons"


def addons_in(folder):
    return sorted(p.name for p in folder.iterdir() if (p / "__manifest__.py").is_file())


def suite_addons():
    return addons_in(ROOT / "addons")


# Odoo's own modules that the suite extends: their tests run with the suite's
# and must keep passing with it installed (e.g. procurement's Peppol order
# leaves Odoo's order for a supplier not on Peppol as Odoo writes it)
EXTENDED_ODOO_MODULES = ("purchase_edi_ubl_bis3",)


def test_addons():
    """Throwaway addons that exist for the tests (installed in test databases)."""
    return addons_in(TEST_ADDONS_DIR) if TEST_ADDONS_DIR.is_dir() else []


def test_addons_path():
    return f"{read_conf()['addons_path']},{TEST_ADDONS_DIR}"


def log(msg):
    print(f"[hc] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------- configuration


def read_or_create(path, factory):
    if not path.exists():
        path.write_text(factory())
        path.chmod(0o600)
    return path.read_text().strip()


def fernet_key():
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


def cmd_write_config(args):
    STATE.mkdir(exist_ok=True)
    values = {
        "@ODOO_DIR@": args.odoo_dir,
        "@SUITE_ADDONS@": str(ROOT / "addons"),
        "@DB_HOST@": args.db_host,
        "@DB_PORT@": str(args.db_port),
        "@DB_USER@": args.db_user,
        "@DB_NAME@": os.environ.get("HC_DEMO_DB", "hc_demo"),
        "@ADMIN_PASSWD@": read_or_create(
            STATE / "admin_passwd", lambda: secrets.token_urlsafe(24)
        ),
        "@SECRET_KEYS@": read_or_create(STATE / "secret_keys", fernet_key),
        "@PATIENT_TOKEN_KEY@": read_or_create(
            STATE / "patient_token_key", lambda: secrets.token_urlsafe(32)
        ),
    }
    text = (ROOT / "odoo.conf.example").read_text()
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    Path(args.out).write_text(text)
    Path(args.out).chmod(0o600)


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


def demo_simulators():
    """(name, script, port) of each simulator that demo connectors point at.

    Every ``tests/simulators/*_simulator.py`` declaring ``DEMO_PORT = <port>``
    is started by ``bin/start`` with ``--port``, ``--name`` and
    ``--webhook-secret``; ``HC_ODOO_URL`` in its environment names the demo
    server, for simulators that call Odoo's webhooks.
    """
    found = []
    for script in sorted(SIMULATORS_DIR.glob("*_simulator.py")):
        match = DEMO_PORT_RE.search(script.read_text())
        if match:
            name = script.stem.removesuffix("_simulator").replace("_", "-")
            found.append((f"demo-{name}", script, int(match.group(1))))
    return found


def start_simulator(name, script, port, logfile=None, odoo_url=None):
    proc = subprocess.Popen(
        [
            sys.executable,
            str(script),
            "--port",
            str(port),
            "--name",
            name,
            "--webhook-secret",
            demo_webhook_secret(),
        ],
        stdout=logfile,
        stderr=logfile,
        env={**os.environ, "HC_ODOO_URL": odoo_url or ""},
    )
    wait_http(f"http://127.0.0.1:{port}/_sim/requests", timeout=20, proc=proc)
    return proc


def demo_webhook_secret():
    return "demo-webhook-secret"


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


# --------------------------------------------------------------- start


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


def prepare_demo_database(db, addons, force_update=False):
    """Create the demo database once; update its addons when their code changed."""
    stamp = STATE / f"{db}.addons-sha256"
    fingerprint = addons_fingerprint()
    if not database_ready(db, addons):
        log(f"creating demo database {db} with {', '.join(addons)} (first run)")
        drop_database(db)
        if install_database(db, addons) != 0:
            return False
    elif force_update or (stamp.exists() and stamp.read_text() != fingerprint):
        log(f"the suite's addons changed: updating them in {db}")
        rc = subprocess.run(
            odoo_cmd("-d", db, "-u", ",".join(addons), "--stop-after-init"),
            check=False,
        ).returncode
        if rc != 0:
            return False
    stamp.write_text(fingerprint)
    return True


def port_in_use(port):
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def interrupt(_signum, _frame):
    raise KeyboardInterrupt


DEMO_SFTP_PORT = 2222
WIRE_DEMO_SFTP = """
values = dict(VALUES)
backends = env["hc.backend"].with_context(active_test=False).search([
    ("transport", "=", "sftp"), ("file_host", "in", ("127.0.0.1", "localhost")),
    ("file_port", "=", values.pop("port")),
])
backends.write(values)
env.cr.commit()
print("HC-WIRED", len(backends))
"""


def start_demo_sftp():
    """The OpenSSH server of the demo's SFTP partners (keys kept in .hc)."""
    sys.path.insert(0, str(SIMULATORS_DIR))
    from sftp_server import OpenSshServer

    return OpenSshServer(port=DEMO_SFTP_PORT, state_dir=STATE / "demo-sftp").start()


def wire_demo_sftp(db, server):
    """Pin the demo server's host key, user, key and folder on the demo's SFTP
    backends (once per key: the demo data cannot know them)."""
    values = {
        "port": DEMO_SFTP_PORT,
        "file_host_key": server.host_key,
        "file_username": server.username,
        "file_root": server.root,
        "ssh_key_pem": server.client_key_pem,
    }
    stamp = STATE / f"{db}.sftp-sha256"
    fingerprint = hashlib.sha256(
        json.dumps(values, sort_keys=True).encode()
    ).hexdigest()
    if stamp.exists() and stamp.read_text() == fingerprint:
        return
    result = subprocess.run(
        [str(ODOO_BIN), "shell", "-c", str(CONF), "-d", db, "--no-http"],
        input=f"VALUES = {values!r}\n{WIRE_DEMO_SFTP}",
        capture_output=True,
        text=True,
        check=False,
    )
    if "HC-WIRED" not in result.stdout:
        log(f"could not configure the demo SFTP backends: {result.stderr[-2000:]}")
        return
    stamp.write_text(fingerprint)


def cmd_start(args):
    addons = suite_addons()
    db = args.db
    simulators = demo_simulators()
    ports = (args.port, DEMO_SFTP_PORT, *(p for _n, _s, p in simulators))
    busy = [p for p in ports if port_in_use(p)]
    if busy:
        log(f"port(s) {busy} already in use: is the product already running?")
        return 1
    # stop cleanly on SIGTERM too, and on Ctrl-C even when started in background
    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, interrupt)
    if not prepare_demo_database(db, addons, force_update=args.update):
        log("preparing the demo database failed; see the log above")
        return 1
    procs, sftp = [], None
    try:
        sftp = start_demo_sftp()
        log(f"SFTP server of the X12 supplier: 127.0.0.1:{DEMO_SFTP_PORT} {sftp.root}")
        wire_demo_sftp(db, sftp)
        os.environ["HC_DEMO_SFTP_ROOT"] = sftp.root
        odoo_url = f"http://127.0.0.1:{args.port}"
        for name, script, port in simulators:
            procs.append(start_simulator(name, script, port, odoo_url=odoo_url))
            log(f"simulator '{name}': http://127.0.0.1:{port}/_sim/")
        procs.append(start_odoo(db, args.port))
        # inbound flows on broker backends: stores events, commits, then acks;
        # ODOO_RC lets odoo find the command in the suite's addons
        procs.append(
            subprocess.Popen(
                [str(ODOO_BIN), "hc-consumer", "-c", str(CONF), "-d", db],
                env={**os.environ, "ODOO_RC": str(CONF)},
            )
        )
        log("broker consumer: odoo hc-consumer (RabbitMQ on 127.0.0.1:5672)")
        print(
            f"\nHealthcare Integration for Odoo is running:\n"
            f"  URL:    http://localhost:{args.port}/web?db={db}\n"
            f"  Login:  admin / admin\n"
            f"  Simulators: "
            + ", ".join(f"http://127.0.0.1:{port}/_sim/" for _n, _s, port in simulators)
            + "\nPress Ctrl-C to stop.\n",
            flush=True,
        )
        while all(p.poll() is None for p in procs):
            time.sleep(0.5)
        log("a process stopped; shutting down")
        return 1
    except KeyboardInterrupt:
        log("stopping")
        return 0
    finally:
        for proc in reversed(procs):
            stop(proc)
        if sftp:
            sftp.stop()


# --------------------------------------------------------------- test


class Tally:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.skipped = 0
        self.lines = []

    def add(self, stage, passed, failed, skipped=0):
        self.passed += passed
        self.failed += failed
        self.skipped += skipped
        self.lines.append(
            f"{stage}: {passed} passed, {failed} failed, {skipped} skipped"
        )


def run_lint(tally):
    addons_dir = ROOT / "addons"
    checks = [
        ("ruff check", ["ruff", "check", str(addons_dir), "tests", "tools", "bench"]),
        (
            "ruff format",
            ["ruff", "format", "--check", str(addons_dir), "tests", "tools", "bench"],
        ),
        (
            "oca-checks-odoo-module",
            [
                str(ROOT / ".venv-lint" / "bin" / "oca-checks-odoo-module"),
                *[str(addons_dir / a) for a in suite_addons()],
            ],
        ),
        (
            "pylint-odoo",
            [
                "pylint",
                "--rcfile",
                str(ROOT / ".pylintrc"),
                *[str(addons_dir / a) for a in suite_addons()],
            ],
        ),
    ]
    for name, cmd in checks:
        executable = cmd[0] if "/" in cmd[0] else str(VENV_BIN / cmd[0])
        ok = (
            subprocess.run([executable, *cmd[1:]], cwd=ROOT, check=False).returncode
            == 0
        )
        tally.add(f"lint {name}", int(ok), int(not ok))


def run_wheel_builds(tally):
    """Each addon builds as a wheel the way OCA addons do (whool)."""
    with tempfile.TemporaryDirectory() as out:
        for addon in suite_addons():
            ok = (
                subprocess.run(
                    [
                        str(VENV_BIN / "pip"),
                        "wheel",
                        "-q",
                        "--no-deps",
                        "-w",
                        out,
                        str(ROOT / "addons" / addon),
                    ],
                    cwd=ROOT,
                    check=False,
                ).returncode
                == 0
            )
            tally.add(f"wheel {addon}", int(ok), int(not ok))


def junit_counts(path):
    tests = failures = skipped = 0
    root = etree.parse(str(path)).getroot()  # noqa: S320  our own pytest report
    for suite in root.iter("testsuite"):
        tests += int(suite.get("tests", 0))
        failures += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    return tests - failures - skipped, failures, skipped


def run_pytest(tally, stage, path, env=None):
    xml = STATE / f"junit-{stage}.xml"
    xml.unlink(missing_ok=True)
    subprocess.run(
        [
            str(VENV_BIN / "python"),
            "-m",
            "pytest",
            str(path),
            "-q",
            "-p",
            "no:cacheprovider",
            f"--junitxml={xml}",
        ],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        check=False,
    )
    if not xml.exists():
        tally.add(stage, 0, 1)
        return
    tally.add(stage, *junit_counts(xml))


def odoo_counts(log_path, returncode):
    """(passed, failed, skipped) from Odoo's own test log."""
    text = log_path.read_text(errors="replace")
    failed = errors = total = 0
    for match in ODOO_RESULT_RE.finditer(text):
        failed, errors, total = (int(g) for g in match.groups())
    skipped = len(ODOO_SKIPPED_RE.findall(text))
    stray_errors = sum(1 for line in text.splitlines() if ODOO_LOG_ERROR_RE.match(line))
    bad = failed + errors
    if bad == 0 and (returncode != 0 or stray_errors):
        bad = 1  # an error outside any test (module load, data file) fails the run
    return total - failed - errors - skipped, bad, skipped


def run_odoo_tests(tally, db, addons, http_port, log_path=None, with_tests=True):
    log_path = log_path or STATE / "odoo-tests.log"
    addons = [*addons, *(test_addons() if with_tests else ())]
    tags = ",".join(f"/{a}" for a in (*addons, *EXTENDED_ODOO_MODULES))
    log(
        f"installing {', '.join(addons)} in {db} and running their tests "
        f"(log: {log_path})"
    )
    with log_path.open("w") as logfile:
        rc = install_database(
            db,
            addons,
            logfile=logfile,
            extra=(
                f"--addons-path={test_addons_path()}",
                "--test-enable",
                "--test-tags",
                tags,
                "--log-level=test",
                "--http-port",
                str(http_port),
            ),
        )
    passed, failed, skipped = odoo_counts(log_path, rc)
    if failed:
        subprocess.run(
            ["grep", "-E", "(ERROR|FAIL|CRITICAL)", str(log_path)], check=False
        )
    if skipped:
        subprocess.run(["grep", "-E", ": skipped ", str(log_path)], check=False)
    tally.add("odoo tests", passed, failed, skipped)
    return rc == 0


def run_integration(tally, db):
    port = free_port()
    log_path = STATE / "odoo-integration.log"
    with log_path.open("w") as logfile:
        proc = None
        try:
            proc = start_odoo(
                db,
                port,
                logfile=logfile,
                extra=(f"--addons-path={test_addons_path()}",),
            )
            run_pytest(
                tally,
                "suite tests",
                ROOT / "tests" / "integration",
                env=suite_env(db, port, log_path),
            )
        except RuntimeError as exc:
            log(f"could not start Odoo for the suite tests: {exc} (log: {log_path})")
            tally.add("suite tests", 0, 1)
        finally:
            stop(proc)


def suite_env(db, port, log_path):
    return {
        "HC_ODOO_URL": f"http://127.0.0.1:{port}",
        "HC_ODOO_DB": db,
        "HC_ODOO_LOG": str(log_path),
        "HC_ODOO_ADDONS_PATH": test_addons_path(),
    }


def run_prefork(tally, db):
    """The production mode: HTTP workers, the evented process, the job runner."""
    port, gevent_port = free_port(), free_port()
    log_path = STATE / "odoo-prefork.log"
    log_path.unlink(missing_ok=True)
    # where tests/prefork tells the test addon hc_crash_probe where to hold a
    # worker until the test kills it (no other server has this folder)
    probe = {"HC_CRASH_PROBE_DIR": tempfile.mkdtemp(prefix="hc-crash-probe-")}
    proc = None
    try:
        proc = start_odoo(
            db,
            port,
            extra=(
                f"--addons-path={test_addons_path()}",
                "--workers=2",
                "--max-cron-threads=0",
                f"--gevent-port={gevent_port}",
                f"--logfile={log_path}",
            ),
            env=probe,
        )
        run_pytest(
            tally,
            "prefork tests",
            ROOT / "tests" / "prefork",
            env={
                **suite_env(db, port, log_path),
                "HC_ODOO_GEVENT_URL": f"http://127.0.0.1:{gevent_port}",
                **probe,
            },
        )
    except RuntimeError as exc:
        log(f"could not start Odoo in prefork mode: {exc} (log: {log_path})")
        tally.add("prefork tests", 0, 1)
    finally:
        stop(proc)
        shutil.rmtree(probe["HC_CRASH_PROBE_DIR"], ignore_errors=True)


def run_cluster(tally, db):
    """Two prefork nodes behind HAProxy on one database; one is killed under
    load (tests/cluster starts and stops them itself)."""
    folder = STATE / "cluster"
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.log"):
        old.unlink()
    started = time.monotonic()
    run_pytest(
        tally,
        "cluster tests",
        ROOT / "tests" / "cluster",
        env={
            "HC_ODOO_DB": db,
            "HC_ODOO_ADDONS_PATH": test_addons_path(),
            "HC_CLUSTER_DIR": str(folder),
        },
    )
    log(f"cluster tests: {time.monotonic() - started:.0f}s (logs: {folder})")


def report(tally, started):
    print()
    for line in tally.lines:
        print(line)
    print(f"wall time: {time.monotonic() - started:.0f}s")
    print(f"{tally.passed} passed, {tally.failed} failed, {tally.skipped} skipped")
    bad = tally.failed or tally.skipped or tally.passed == 0
    return 1 if bad else 0


def cmd_test_only(args, started):
    """The Odoo tests of some addons only, in a database kept for the next run."""
    tally = Tally()
    addons = [a.strip() for a in args.only.split(",") if a.strip()]
    db = args.db or f"hc_dev_{addons[0].removeprefix('healthcare_integration_')}"
    drop_database(db)
    log_path = STATE / f"odoo-tests-{db}.log"
    run_odoo_tests(tally, db, addons, free_port(), log_path=log_path, with_tests=False)
    return report(tally, started)


def cmd_test(args):
    started = time.monotonic()
    if args.only:
        return cmd_test_only(args, started)
    tally = Tally()
    addons = suite_addons()
    if not args.no_lint:
        run_lint(tally)
        run_wheel_builds(tally)
    run_pytest(tally, "unit tests", ROOT / "tests" / "unit")
    run_pytest(tally, "migration tests", ROOT / "tests" / "migration")
    db = f"hc_test_{os.getpid()}"
    drop_database(db)
    try:
        if run_odoo_tests(tally, db, addons, free_port()) or database_ready(db, addons):
            run_integration(tally, db)
            run_prefork(tally, db)
            run_cluster(tally, db)
    finally:
        if not args.keep_db:
            drop_database(db)
    return report(tally, started)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="hcdev")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("write-config")
    p.add_argument("--db-host", required=True)
    p.add_argument("--db-port", required=True)
    p.add_argument("--db-user", required=True)
    p.add_argument("--odoo-dir", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_write_config)
    p = sub.add_parser("start")
    p.add_argument("--db", default=os.environ.get("HC_DEMO_DB", "hc_demo"))
    p.add_argument("--port", type=int, default=8069)
    p.add_argument(
        "--update",
        action="store_true",
        help="update the suite's addons in the demo database first",
    )
    p.set_defaults(func=cmd_start)
    p = sub.add_parser("test")
    p.add_argument("--keep-db", action="store_true")
    p.add_argument("--no-lint", action="store_true")
    p.add_argument(
        "--only",
        metavar="ADDONS",
        help="run only the Odoo tests of these addons (comma-separated), in a "
        "database kept for inspection (--db, default hc_dev_<addon>)",
    )
    p.add_argument("--db", help="database of --only")
    p.set_defaults(func=cmd_test)
    args = parser.parse_args(argv)
    return args.func(args) or 0


if __name__ == "__main__":
    sys.exit(main())
