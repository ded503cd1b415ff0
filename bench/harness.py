"""What the benchmarks share: their log line, the repository's PostgreSQL and
Odoo (through ``tools/hcdev``), a database kept between runs, an Odoo server
for the time of a measure, and the report each writes to ``results/``.

A benchmark run as ``.venv/bin/python bench/bench_<name>.py`` imports it as
``harness`` (its folder is first on ``sys.path``).
"""

import json
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
if str(ROOT / "tools") not in sys.path:
    sys.path.insert(0, str(ROOT / "tools"))

# addon_lib: how a benchmark loads an addon's lib/ (from harness import addon_lib)
import hcdev  # noqa: E402
from addon_lib import addon_lib  # noqa: E402, F401


def log(text):
    print(f"[bench] {text}", flush=True)


def psql(db, sql):
    """The output of ``sql`` on ``db``; RuntimeError with psql's message."""
    result = hcdev.psql(db, sql)
    if result.returncode:
        raise RuntimeError(result.stderr)
    return result.stdout.strip()


def insert_rows(db, table, sql):
    """Run ``sql`` (an ``INSERT ... SELECT`` over ``generate_series``), then
    vacuum and analyze ``table`` as autovacuum would before the measures."""
    started = time.monotonic()
    psql(db, sql)
    log(f"inserted in {time.monotonic() - started:.0f}s; vacuum and analyze")
    psql(db, f"VACUUM (ANALYZE) {table}")


def ensure_database(db, addons, demo=False):
    """The benchmark's database with ``addons`` (demo data only with ``demo``):
    created on first use, updated when their code changed (its data stay)."""
    extra = (
        ("--log-level=warn",) if demo else ("--without-demo=all", "--log-level=warn")
    )
    if not hcdev.prepare_database(db, addons, extra=extra):
        raise SystemExit(f"installing or updating {', '.join(addons)} in {db} failed")


def odoo_registry(db, addons_path=None, quiet=False):
    """Odoo's registry of ``db`` in this process (odoo.conf of the repository)."""
    import odoo
    from odoo.modules.registry import Registry

    args = ["-c", str(hcdev.CONF), "-d", db]
    if quiet:
        args.append("--log-level=warn")
    if addons_path:
        args.append(f"--addons-path={addons_path}")
    odoo.tools.config.parse_config(args)
    return Registry(db)


def odoo_env(db, addons_path=None, quiet=False):
    """A superuser environment on ``db`` and its cursor (the caller closes it)."""
    from odoo import SUPERUSER_ID, api

    cr = odoo_registry(db, addons_path, quiet).cursor()
    return api.Environment(cr, SUPERUSER_ID, {}), cr


def db_connection(db):
    """A psycopg2 connection to ``db`` as Odoo's configuration names it."""
    import psycopg2

    conf = hcdev.read_conf()
    password = conf.get("db_password")
    return psycopg2.connect(
        dbname=db,
        host=conf["db_host"],
        port=conf["db_port"],
        user=conf["db_user"],
        password=None if password in (None, "", "False") else password,
    )


@contextmanager
def odoo_server(db, log_path=None, extra=(), env=None):
    """Odoo serving ``db`` on a free port for the ``with`` block: its URL.
    Its output goes to ``log_path`` (or to ``--logfile`` in ``extra``)."""
    port = hcdev.free_port()
    logfile = log_path.open("w") if log_path else None
    proc = None
    try:
        proc = hcdev.start_odoo(db, port, logfile=logfile, extra=extra, env=env)
        yield f"http://127.0.0.1:{port}"
    finally:
        hcdev.stop(proc)
        if logfile:
            logfile.close()


def measured_report(measures, targets, met, digits=None):
    """The report of a run: when, its measures (floats rounded to ``digits``),
    its targets and which of them it met."""
    if digits is not None:
        measures = {
            k: round(v, digits) if isinstance(v, float) else v
            for k, v in measures.items()
        }
    return {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "measures": measures,
        "targets": targets,
        "met": met,
    }


def write_result(name, report, indent=2, save=True):
    """Print ``report`` and keep it as ``results/<name>.json`` (with ``save``)."""
    text = json.dumps(report, indent=indent)
    print(text)
    if save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / f"{name}.json").write_text(text + "\n")
