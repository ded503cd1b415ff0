# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from decimal import Decimal

import psycopg2

from odoo import models
from odoo.tools import SQL

from odoo.addons.healthcare_integration_core.lib import states as st

from ..lib import reconcile as lib

_logger = logging.getLogger(__name__)

# a number as JSON writes it, or as text a partner quotes it in
NUMBER = r"^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$"
ISO_DAY = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
# the comparison's own settings, for its transaction only: a million keys
# hashed in memory rather than in batches on disk, and no JIT compilation
# (a second of compiling for a plan that runs once)
SETTINGS = {"work_mem": "256MB", "jit": "off"}


class HcReconciliationHandlerSet(models.AbstractModel):
    """A flow's messages against the documents a partner's API lists, compared
    set against set in the database.

    Set-based SQL because bench/bench_reconciliation.py shows the need: one day
    of a busy flow is a million messages and a report of a million documents;
    read into Python objects and compared there, the check took 19 s and
    most of a gigabyte (the target is 10 s); in PostgreSQL it reads the
    report once (``json_to_recordset``), joins it with the day's messages
    (grouped by reference, in memory: ``SETTINGS``), and hands back
    only the differences and the figures. It is the exact equivalent of
    ``exchanged_documents`` + ``lib.read_report`` + ``lib.compare`` on the
    reports it accepts: any report it cannot read with certainty (not JSON,
    totals rather than documents, an entry of another shape than the one
    rule it knows) goes back to that path, which reads it, or says what is
    wrong with it.
    """

    _inherit = "hc.reconciliation.handler"

    def _compare_messages_in_database(self, reconciliation, start, end, body):
        """``(differences, figures)`` as ``compare_period`` returns them for
        the partner's report ``body`` (bytes), or None when the report is for
        the general path."""
        try:
            text = body.decode()
        except UnicodeDecodeError:
            return None
        cr = self.env.cr
        flow = reconciliation.flow_id
        self.env["hc.message"].flush_model()
        cr.execute("SELECT current_setting('work_mem'), current_setting('jit')")
        previous = dict(zip(SETTINGS, cr.fetchone(), strict=True))
        self._set_settings(SETTINGS)
        try:
            with cr.savepoint(flush=False):
                # an unreadable report is expected: the general path says why
                cr.execute(
                    self._comparison_sql(flow, start, end, text),
                    log_exceptions=False,
                )
                rows = cr.fetchall()
        except psycopg2.DataError as exc:
            # not JSON, documents not a list of objects, a day that is none
            # (2026-02-30): the general path says which
            _logger.debug("control report read by the general path: %s", exc)
            return None
        finally:
            self._set_settings(previous)
        our_count, their_count, their_amount, unreadable, has_documents = rows[0][:5]
        if unreadable or not has_documents:
            return None
        figures = (
            our_count,
            their_count,
            None,
            None if their_amount is None else Decimal(their_amount),
        )
        return self._differences_of(rows), figures

    def _set_settings(self, settings):
        for name, value in settings.items():
            self.env.cr.execute("SELECT set_config(%s, %s, true)", (name, value))

    def _comparison_sql(self, flow, start, end, text):
        """One statement: the report's documents (``report``: read as
        ``lib.read_report`` reads them, and whether each can be), the flow's
        messages done in the period one per reference as
        ``exchanged_documents`` lists them (``ours``: a flow's messages are of
        its type), the documents on one side only (``found``), and the
        figures, on every row (one row when nothing differs)."""
        return SQL(
            """
            WITH documents AS MATERIALIZED (
                SELECT %(report)s::json -> 'documents' AS list
            ), report AS MATERIALIZED (
                SELECT d.n,
                       d.doc_type #>> '{}' AS doc_type,
                       d.reference #>> '{}' AS reference,
                       CASE WHEN json_typeof(d.amount) = 'number'
                              OR (json_typeof(d.amount) = 'string'
                                  AND d.amount #>> '{}' ~ %(number)s)
                            THEN (d.amount #>> '{}')::numeric
                       END AS amount,
                       CASE WHEN d.day IS NULL OR json_typeof(d.day) = 'null'
                              OR d.day #>> '{}' = ''
                            THEN %(day)s::date
                            WHEN json_typeof(d.day) = 'string'
                             AND left(d.day #>> '{}', 10) ~ %(iso_day)s
                            THEN left(d.day #>> '{}', 10)::date
                       END AS day,
                       (json_typeof(d.doc_type) = 'string'
                        AND d.doc_type #>> '{}' <> ''
                        AND json_typeof(d.reference) = 'string'
                        AND d.reference #>> '{}' <> ''
                        AND (d.amount IS NULL
                             OR json_typeof(d.amount) IN ('null', 'number')
                             OR d.amount #>> '{}' = ''
                             OR d.amount #>> '{}' ~ %(number)s)) AS readable
                  FROM documents,
                       ROWS FROM (
                           json_to_recordset(CASE json_typeof(documents.list)
                                             WHEN 'array' THEN documents.list END)
                           AS (type json, reference json, amount json, date json)
                       ) WITH ORDINALITY AS d(doc_type, reference, amount, day, n)
            ), ours AS MATERIALIZED (
                SELECT %(doc_type)s::text AS doc_type,
                       coalesce(m.correlation_id, m.name) AS reference,
                       max(m.id) AS id
                  FROM hc_message m
                 WHERE m.flow_id = %(flow)s AND m.state = %(done)s
                       AND m.done_at >= %(start)s AND m.done_at < %(end)s
                 GROUP BY coalesce(m.correlation_id, m.name)
            ), found AS (
                SELECT o.id, r.n, r.doc_type, coalesce(o.reference, r.reference)
                       AS reference, r.day, r.amount
                  FROM ours o
                  FULL JOIN report r
                         ON (r.doc_type, r.reference) = (o.doc_type, o.reference)
                 WHERE o.id IS NULL OR r.n IS NULL
            ), figures AS (
                SELECT (SELECT count(*) FROM ours) AS our_count,
                       (SELECT count(*) FROM report) AS their_count,
                       (SELECT sum(total)
                          FROM (SELECT sum(amount) AS total FROM report
                                 GROUP BY day, doc_type
                                HAVING count(amount) = count(*)) t) AS their_amount,
                       (SELECT count(*) FROM report
                         WHERE readable IS NOT TRUE OR day IS NULL) AS unreadable,
                       (SELECT json_typeof(list) = 'array' FROM documents)
                       AS has_documents
            )
            SELECT figures.*, found.*
              FROM figures
              LEFT JOIN found ON TRUE
            """,
            number=NUMBER,
            iso_day=ISO_DAY,
            day=start.date(),
            report=text,
            doc_type=flow.flow_type_id.code or flow.code,
            flow=flow.id,
            done=st.DONE,
            start=start,
            end=end,
        )

    def _differences_of(self, rows):
        """The differences of the comparison's rows: a reference of ours the
        report lacks (its last message), a document of the report we lack
        (its last entry)."""
        ours, theirs = {}, {}
        for row in rows:
            message_id, n, doc_type, reference, day, amount = row[5:]
            if message_id:
                ours[reference] = message_id
            elif n:
                theirs[(doc_type, reference)] = (n, day, amount)
        differences = []
        messages = self.env["hc.message"].sudo().browse(ours.values())
        for message in messages:
            parent = message.parent_id
            differences.append(
                lib.Difference(
                    message.done_at.date(),
                    message.flow_type_id.code or message.flow_id.code,
                    lib.MISSING_AT_PARTNER,
                    message.correlation_id or message.name,
                    1,
                    0,
                    None,
                    None,
                    (
                        parent.id if parent.flow_id == message.flow_id else message.id,
                        message.res_model or None,
                        message.res_id or None,
                    ),
                )
            )
        for (doc_type, reference), (_n, day, amount) in theirs.items():
            differences.append(
                lib.Difference(
                    day,
                    doc_type,
                    lib.MISSING_HERE,
                    reference,
                    0,
                    1,
                    None,
                    None if amount is None else Decimal(amount),
                )
            )
        differences.sort(key=lambda d: (d.doc_type, d.reference))
        return differences
