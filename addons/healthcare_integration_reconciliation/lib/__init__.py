"""Database-free reconciliation and KPI formats: comparing exchanged documents
with a partner's control report, and the KPIs' Prometheus exposition."""
