"""The upgrade tests' scratch database (see upgrade.py for the rest)."""

import os
import subprocess

import pytest
from upgrade import pg_args


@pytest.fixture(scope="module")
def database():
    """A database name, dropped after the module's tests."""
    db = f"hc_upgrade_{os.getpid()}"
    subprocess.run(["dropdb", "--if-exists", *pg_args(), db], check=False)
    yield db
    subprocess.run(["dropdb", "--if-exists", "--force", *pg_args(), db], check=False)
