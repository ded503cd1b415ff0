"""The suite-test fixtures (tests/integration/conftest.py), for the prefork server."""

import importlib.util
import sys
from pathlib import Path

INTEGRATION = Path(__file__).resolve().parents[1] / "integration"
sys.path.insert(0, str(INTEGRATION))
_spec = importlib.util.spec_from_file_location(
    "hc_integration_conftest", INTEGRATION / "conftest.py"
)
suite = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(suite)

odoo = suite.odoo
sim = suite.sim
backend = suite.backend
psql = suite.psql
FINAL = suite.FINAL
