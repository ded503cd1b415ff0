"""Database-free finance formats: journal entry batches (JSON, CSV) with
control totals, and the finance system's acknowledgement."""
