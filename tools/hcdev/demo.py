"""``bin/start``: the demo database, the partner simulators, the SFTP server of
the X12 supplier, Odoo and the broker consumer, until Ctrl-C."""

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time

from hcdev import (
    CONF,
    ODOO_BIN,
    SIMULATORS_DIR,
    STATE,
    log,
    port_in_use,
    prepare_database,
    start_odoo,
    stop,
    suite_addons,
    wait_http,
)

DEMO_PORT_RE = re.compile(r"^DEMO_PORT = (\d+)", re.M)
# the page of a simulator's story buttons, when not its generic /_sim/ page
DEMO_PAGE_RE = re.compile(r'^DEMO_PAGE = "(/_sim/[\w/-]*)"', re.M)


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


def demo_page(script, port):
    """The address of the simulator's page for the README's story."""
    match = DEMO_PAGE_RE.search(script.read_text())
    return f"http://127.0.0.1:{port}{match.group(1) if match else '/_sim/'}"


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
    if not prepare_database(db, addons, force_update=args.update):
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
            log(f"simulator '{name}': {demo_page(script, port)}")
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
            + ", ".join(demo_page(script, port) for _n, script, port in simulators)
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
