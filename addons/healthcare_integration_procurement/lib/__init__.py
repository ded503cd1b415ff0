"""Database-free procurement formats and rules (unit-tested in tests/unit)."""
