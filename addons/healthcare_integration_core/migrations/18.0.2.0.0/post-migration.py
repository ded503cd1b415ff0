# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1 -> 18.0.2: flows onto flow types, batch runs onto sync runs,
payloads out of the filestore into the payload table.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

PAYLOAD_BATCH = 200
RELATED_FLOW_FIELDS = ("direction", "payload_format", "trigger", "domain")


def flow_type_xmlid(handler, direction, trigger, sync_mode):
    """The core flow type that does what an 18.0.1 flow did."""
    scheduled = trigger == "schedule" and sync_mode == "batch"
    if direction == "outbound":
        return "flow_type_send"
    if handler == "crosswalk_check":
        return (
            "flow_type_crosswalk_check_pull"
            if scheduled
            else "flow_type_crosswalk_check"
        )
    if handler not in (None, "record_only"):
        _logger.warning(
            "flow handler %r is unknown to 18.0.2: bound to 'Receive payload'", handler
        )
    return "flow_type_receive_pull" if scheduled else "flow_type_receive"


def migrate_flows(env):
    cr = env.cr
    cr.execute(
        """
        SELECT id, hc_legacy_handler, hc_legacy_direction, hc_legacy_trigger,
               hc_legacy_sync_mode
          FROM hc_flow WHERE flow_type_id IS NULL
        """
    )
    for flow_id, handler, direction, trigger, sync_mode in cr.fetchall():
        xmlid = flow_type_xmlid(handler, direction, trigger, sync_mode)
        flow_type = env.ref(f"healthcare_integration_core.{xmlid}")
        cr.execute(
            "UPDATE hc_flow SET flow_type_id = %s WHERE id = %s",
            (flow_type.id, flow_id),
        )
    cr.execute("ALTER TABLE hc_flow ALTER COLUMN flow_type_id SET NOT NULL")
    flows = env["hc.flow"].with_context(active_test=False).search([])
    flows.invalidate_recordset()
    for name in RELATED_FLOW_FIELDS:
        env.add_to_compute(flows._fields[name], flows)
    flows.flush_recordset()
    flows._sync_cron()


def migrate_crons(env):
    maintenance = env["ir.model"]._get_id("hc.maintenance")
    for xmlid in ("cron_hc_recover_messages", "cron_hc_retention"):
        cron = env.ref(f"healthcare_integration_core.{xmlid}", raise_if_not_found=False)
        if cron:
            cron.write({"model_id": maintenance})


def migrate_runs(env):
    """Batch-run messages become sync runs; their chunks, the runs' pages."""
    cr = env.cr
    cr.execute(
        """
        SELECT id, flow_id, direction, state, hc_legacy_watermark_from,
               hc_legacy_watermark_to, hc_legacy_pull_finished, create_date,
               done_at, error_text, hc_legacy_count_created, hc_legacy_count_updated,
               hc_legacy_count_skipped, hc_legacy_count_failed, correlation_id
          FROM hc_message WHERE hc_legacy_is_batch_run AND flow_id IS NOT NULL
        """
    )
    rows = cr.dictfetchall()
    runs = env["hc.sync.run"]
    for row in rows:
        state = row["state"] if row["state"] in ("done", "dead") else "dead"
        run = runs.create(
            {
                "flow_id": row["flow_id"],
                "kind": "pull" if row["direction"] == "inbound" else "push",
                "state": state,
                "correlation_id": row["correlation_id"],
                "started_at": row["create_date"],
                "ended_at": row["done_at"] or row["create_date"],
                "watermark_from": row["hc_legacy_watermark_from"],
                "watermark_to": row["hc_legacy_watermark_to"],
                "pull_finished": True,
                "count_created": row["hc_legacy_count_created"] or 0,
                "count_updated": row["hc_legacy_count_updated"] or 0,
                "count_skipped": row["hc_legacy_count_skipped"] or 0,
                "count_failed": row["hc_legacy_count_failed"] or 0,
                "error_text": row["error_text"]
                if row["state"] in ("done", "dead")
                else "Interrupted by the upgrade to 18.0.2",
            }
        )
        cr.execute(
            """
            UPDATE hc_message
               SET run_id = %s, run_sequence = hc_legacy_sequence,
                   run_watermark = hc_legacy_watermark_to, parent_id = NULL,
                   parent_relation = NULL,
                   result_counts = jsonb_build_object(
                       'created', coalesce(hc_legacy_count_created, 0),
                       'updated', coalesce(hc_legacy_count_updated, 0),
                       'skipped', coalesce(hc_legacy_count_skipped, 0),
                       'failed', coalesce(hc_legacy_count_failed, 0))
             WHERE parent_id = %s AND parent_relation = 'chunk'
            """,
            (run.id, row["id"]),
        )
        cr.execute("SELECT count(*) FROM hc_message WHERE run_id = %s", (run.id,))
        pages = cr.fetchone()[0]
        run.write({"page_count": pages, "pages_done": pages if state == "done" else 0})
    if rows:
        env["hc.message"].browse([row["id"] for row in rows]).unlink()
    _logger.info("%s batch runs migrated to sync runs", len(rows))


def migrate_payloads(env):
    """Payload attachments (filestore) into the payload table, then removed."""
    attachments = env["ir.attachment"].sudo()
    domain = [
        ("res_model", "=", "hc.message"),
        ("res_field", "in", ("request_payload", "response_payload")),
    ]
    moved = 0
    while True:
        batch = attachments.search(domain, limit=PAYLOAD_BATCH)
        if not batch:
            break
        rows = [
            (
                attachment.res_id,
                attachment.res_field.removesuffix("_payload"),
                attachment.raw or b"",
            )
            for attachment in batch
        ]
        existing = env["hc.message"].browse({r[0] for r in rows}).exists().ids
        env["hc.payload"]._put_many([r for r in rows if r[0] in existing])
        batch.unlink()
        moved += len(rows)
    _logger.info("%s message payloads moved from the filestore", moved)


def give_the_processor_an_address(env):
    """Odoo refuses chatter posts by users without an email address."""
    bot = env.ref("healthcare_integration_core.user_integration_bot")
    if not bot.email:
        bot.email = "integration-processor@example.invalid"


def place_ordering_keys(env):
    env.cr.execute(
        "UPDATE hc_message SET key_position = id "
        "WHERE ordering_key IS NOT NULL AND key_position IS NULL"
    )


def drop_legacy_columns(env):
    """Drop the columns the pre-migration kept under hc_legacy_* names."""
    env.cr.execute(
        """
        SELECT table_name, column_name FROM information_schema.columns
         WHERE table_name IN ('hc_flow', 'hc_message')
           AND column_name LIKE 'hc\\_legacy\\_%%'
        """
    )
    for table, column in env.cr.fetchall():
        env.cr.execute(
            SQL(
                "ALTER TABLE %s DROP COLUMN %s",
                SQL.identifier(table),
                SQL.identifier(column),
            )
        )


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
    migrate_flows(env)
    migrate_crons(env)
    migrate_runs(env)
    migrate_payloads(env)
    place_ordering_keys(env)
    give_the_processor_an_address(env)
    drop_legacy_columns(env)
