"""Database-free supplier compliance rules (unit-tested in tests/unit)."""
