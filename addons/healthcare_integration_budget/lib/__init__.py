"""Database-free budget rules (unit-tested in tests/unit)."""
