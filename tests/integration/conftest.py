"""Fixtures for suite tests against a running Odoo (started by bin/test); they
live in suite_support, with what the prefork and cluster stages share."""

from suite_support import (  # noqa: F401  (the fixtures and what tests import)
    FINAL,
    OdooClient,
    backend,
    odoo,
    psql,
    sim,
)
