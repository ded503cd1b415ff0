"""``python tools/hcdev <command>``: what bin/setup (write-config), bin/start
(start) and bin/test (test) run, inside .venv."""

import argparse
import os
import sys
from pathlib import Path

# run as a folder, this file's folder is first on sys.path: the package's is wanted
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hcdev.config import cmd_write_config
from hcdev.demo import cmd_start
from hcdev.testrun import cmd_test


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
