# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1 -> 18.0.2, before the new models load: keep what the new ones drop.

Flows lose their handler key and sync mode (a flow type now says what a flow
is) and messages their batch fields (sync runs have their own model). Their
columns are kept under legacy names for the post-migration script.
"""

from odoo.tools import SQL

LEGACY_COLUMNS = {
    "hc_flow": ("handler", "sync_mode", "trigger", "direction", "payload_format"),
    "hc_message": (
        "is_batch_run",
        "sequence",
        "watermark_from",
        "watermark_to",
        "pull_finished",
        "count_created",
        "count_updated",
        "count_skipped",
        "count_failed",
    ),
}


def column_exists(cr, table, column):
    cr.execute(
        "SELECT 1 FROM information_schema.columns "
        "WHERE table_name = %s AND column_name = %s",
        (table, column),
    )
    return bool(cr.fetchone())


def migrate(cr, version):
    if not version:
        return
    for table, columns in LEGACY_COLUMNS.items():
        for column in columns:
            legacy = f"hc_legacy_{column}"
            if column_exists(cr, table, column) and not column_exists(
                cr, table, legacy
            ):
                cr.execute(
                    SQL(
                        "ALTER TABLE %s RENAME COLUMN %s TO %s",
                        SQL.identifier(table),
                        SQL.identifier(column),
                        SQL.identifier(legacy),
                    )
                )
