"""Import an addon's database-free ``lib`` package outside Odoo.

Every addon names its package ``lib``; outside Odoo each is loaded under its
own name, ``hc_<short name>_lib``. The core's folder is put on ``sys.path``
first, so that the core's package is also ``lib``: the other addons' libs
fall back to that name when ``odoo.addons`` is not importable. Example::

    sys.path.insert(0, str(ROOT / "tools"))
    from addon_lib import addon_lib

    amqp = addon_lib("broker", "amqp")  # healthcare_integration_broker/lib/amqp.py
"""

import importlib
import importlib.util
import sys
from pathlib import Path

ADDONS = Path(__file__).resolve().parents[1] / "addons"
CORE = ADDONS / "healthcare_integration_core"


def addon_lib(short_name, module):
    """``module`` of the ``lib`` package of ``healthcare_integration_<short_name>``."""
    if str(CORE) not in sys.path:
        sys.path.insert(0, str(CORE))
    package = f"hc_{short_name}_lib"
    if package not in sys.modules:
        folder = ADDONS / f"healthcare_integration_{short_name}" / "lib"
        spec = importlib.util.spec_from_file_location(
            package, folder / "__init__.py", submodule_search_locations=[str(folder)]
        )
        loaded = importlib.util.module_from_spec(spec)
        sys.modules[package] = loaded
        spec.loader.exec_module(loaded)
    return importlib.import_module(f"{package}.{module}")
