"""``bin/setup``'s odoo.conf: odoo.conf.example with this machine's values and
secrets kept in .hc (made once, readable by the owner only)."""

import os
import secrets
from pathlib import Path

from hcdev import ROOT, STATE


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
