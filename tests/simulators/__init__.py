"""Stand-ins for the external partner systems the suite talks to."""
