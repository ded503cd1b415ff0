"""The suite-test fixtures (tests/integration/suite_support.py), for the prefork
server."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))

from suite_support import FINAL, backend, odoo, psql, sim  # noqa: F401
