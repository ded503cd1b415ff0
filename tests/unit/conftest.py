"""Make the addon's database-free ``lib`` package importable without Odoo."""

import sys
from pathlib import Path

ADDON_DIR = (
    Path(__file__).resolve().parents[2] / "addons" / "healthcare_integration_core"
)

if str(ADDON_DIR) not in sys.path:
    sys.path.insert(0, str(ADDON_DIR))
