"""What the upgrade tests share: an Odoo of a previous release or of this
checkout run on a scratch database, and an Odoo shell that answers in JSON.
"""

import json
import subprocess
import sys
import tarfile
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ODOO = Path(sys.executable).parent / "odoo"
CONF = ROOT / ".hc" / "odoo.conf"
MARK = "HC-RESULT "


def conf_value(key):
    for line in CONF.read_text().splitlines():
        name, _sep, value = line.partition("=")
        if name.strip() == key:
            return value.strip()
    raise KeyError(key)


def odoo_addons_path():
    """Odoo's own addon folders from the configuration, without the suite's."""
    suite = str(ROOT / "addons")
    return [p for p in conf_value("addons_path").split(",") if p.strip() != suite]


def run_odoo(db, addons_dir, *args, script=None):
    path = ",".join([*odoo_addons_path(), str(addons_dir)])
    command = [str(ODOO)]
    if script is not None:
        command.append("shell")
    command += ["-c", str(CONF), "-d", db, f"--addons-path={path}", *args]
    result = subprocess.run(
        command,
        input=script,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    return result


def shell(db, addons_dir, code):
    """Run ``code`` in an Odoo shell; the JSON it prints after MARK."""
    result = run_odoo(db, addons_dir, "--no-http", script=textwrap.dedent(code))
    for line in result.stdout.splitlines():
        if line.startswith(MARK):
            return json.loads(line[len(MARK) :])
    raise AssertionError(
        f"shell failed:\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}"
    )


def previous_addons(commit, release):
    """The addons/ folder of ``commit`` (a released version), extracted."""
    folder = Path(tempfile.mkdtemp(prefix="hc-previous-"))
    archive = folder / "previous.tar"
    made = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "-o", str(archive), commit, "addons"],
        capture_output=True,
        text=True,
        check=False,
    )
    if made.returncode != 0:
        raise RuntimeError(
            f"{release} ({commit}) is not in this clone's history: {made.stderr}"
        )
    with tarfile.open(archive) as tar:
        tar.extractall(folder, filter="data")
    return folder / "addons"


def pg_args():
    return [
        "-h",
        conf_value("db_host"),
        "-p",
        conf_value("db_port"),
        "-U",
        conf_value("db_user"),
    ]


def upgrade_to_current(db):
    """Update the core of ``db`` with this checkout's addons; the log, once
    checked free of errors and of modules left unloaded."""
    upgraded = run_odoo(
        db, ROOT / "addons", "-u", "healthcare_integration_core", "--stop-after-init"
    )
    log = upgraded.stdout + upgraded.stderr
    assert upgraded.returncode == 0, log[-5000:]
    problems = [
        line
        for line in log.splitlines()
        if " ERROR " in line or " CRITICAL " in line or "not loaded" in line
    ]
    assert not problems, "\n".join(problems)
    return log


def install_previous(db, addons_dir, modules, *args):
    """Install ``modules`` of a previous release (``previous_addons``) in ``db``."""
    installed = run_odoo(db, addons_dir, "-i", modules, "--stop-after-init", *args)
    assert installed.returncode == 0, installed.stderr[-3000:]


def check_with_current(db, before, code):
    """Run ``code`` on ``db`` with this checkout's addons, ``IDS`` holding
    ``before`` (what the previous release's fill printed) as JSON and
    ``MARK`` the result's prefix; the JSON it prints."""
    return shell(
        db,
        ROOT / "addons",
        f"MARK = {MARK!r}\nIDS = {json.dumps(json.dumps(before))}\n"
        + textwrap.dedent(code),
    )
