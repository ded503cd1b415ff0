"""``bin/test``: lint, wheel builds, unit and migration tests, the addons' Odoo
tests, then the suite, prefork and cluster tests against servers of the
tested database; one tally of passed, failed and skipped at the end."""

import os
import re
import shutil
import subprocess
import tempfile
import time

from lxml import etree

from hcdev import (
    ROOT,
    STATE,
    VENV_BIN,
    database_ready,
    drop_database,
    free_port,
    install_database,
    log,
    start_odoo,
    stop,
    suite_addons,
    test_addons,
    test_addons_path,
)

ODOO_RESULT_RE = re.compile(
    r"odoo\.tests\.result: (\d+) failed, (\d+) error\(s\) of (\d+) tests"
)
ODOO_LOG_ERROR_RE = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL) ")
ODOO_SKIPPED_RE = re.compile(r"^\S+ \S+ \d+ INFO \S+ odoo\.addons\.\S+: skipped ", re.M)

# Odoo's own modules that the suite extends: their tests run with the suite's
# and must keep passing with it installed (e.g. procurement's Peppol order
# leaves Odoo's order for a supplier not on Peppol as Odoo writes it)
EXTENDED_ODOO_MODULES = ("purchase_edi_ubl_bis3",)


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
