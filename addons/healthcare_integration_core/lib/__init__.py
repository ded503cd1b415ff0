"""Database-free helpers for the integration runtime; import modules individually."""
