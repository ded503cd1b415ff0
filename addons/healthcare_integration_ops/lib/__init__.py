"""Database-free operations helpers: metrics exposition, dashboard figures,
configuration as code."""
