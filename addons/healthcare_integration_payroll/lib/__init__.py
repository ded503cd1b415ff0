"""Database-free payroll formats: compensation inputs (JSON, CSV,
acknowledgements) and the journal entry of a payroll run."""
