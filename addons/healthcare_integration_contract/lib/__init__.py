"""Database-free contract rules (unit-tested in tests/unit)."""
