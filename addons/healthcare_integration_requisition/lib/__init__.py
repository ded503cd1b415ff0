"""Database-free requisition formats and rules (unit-tested in tests/unit)."""
