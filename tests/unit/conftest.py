"""Make the core's database-free ``lib`` package importable without Odoo as
``lib``, the other addons' through ``addon_lib`` (tools/addon_lib.py), and the
simulators by their module names (``import partner_simulator``)."""

import sys
from pathlib import Path

ADDON_DIR = (
    Path(__file__).resolve().parents[2] / "addons" / "healthcare_integration_core"
)

TOOLS_DIR = Path(__file__).resolve().parents[2] / "tools"
SIMULATORS_DIR = Path(__file__).resolve().parents[1] / "simulators"

for folder in (ADDON_DIR, TOOLS_DIR, SIMULATORS_DIR):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
