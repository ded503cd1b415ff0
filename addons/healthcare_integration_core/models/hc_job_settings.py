# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import threading

from odoo import api, models

# {(database, model, id): (write_date, field names, values in cache format)}
_KEPT = {}
_KEPT_LOCK = threading.Lock()


class HcJobSettings(models.AbstractModel):
    """A worker's copy of the flow and backend settings that jobs read.

    Every job reads its flow's and its backend's settings (the fields of
    ``_hc_job_fields``), and a worker's jobs read the same few flows over and
    over. A worker keeps what it read, with the row's ``write_date``, and
    puts it in the job's cache instead of reading the row again while the
    ``write_date`` that the job read with its message's lock is the same:
    every write through the ORM changes it. A row written by the current
    transaction is not kept, since a second write in the same transaction
    keeps its ``write_date``.

    Putting the kept values in the ORM's cache (instead of ``fetch()``, two
    statements per job) is kept for bench_throughput's outbound delivery
    (issue #27: a delivery at a no-op job's cost, the flow's settings read
    once per worker; a warm delivery is five statements, test_delivery_cost).
    """

    _name = "hc.job.settings"
    _description = "Integration Job Settings"

    @api.model
    def _fetch(self, record, written):
        """Put ``record``'s job fields in cache, as of ``write_date`` ``written``."""
        if not record:
            return
        names = tuple(record._hc_job_fields())
        key = (record.env.cr.dbname, record._name, record.id)
        kept = _KEPT.get(key)
        if kept and written and kept[0] == written and kept[1] == names:
            cache = record.env.cache
            for name, value in zip(names, kept[2], strict=True):
                cache.insert_missing(record, record._fields[name], [value])
            return
        record.fetch(names)
        if written and written < record.env.cr.now():
            cache = record.env.cache
            values = tuple(cache.get(record, record._fields[name]) for name in names)
            with _KEPT_LOCK:
                _KEPT[key] = (written, names, values)

    @api.model
    def _forget(self):
        """Drop this worker's copies (tests)."""
        with _KEPT_LOCK:
            _KEPT.clear()
