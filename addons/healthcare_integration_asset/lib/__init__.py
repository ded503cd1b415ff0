"""Database-free helpers of the asset addon; import modules individually."""
