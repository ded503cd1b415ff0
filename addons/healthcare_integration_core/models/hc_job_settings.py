# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import threading

from odoo import api, models

# {(database, model, id): JobSettings}: this worker's copies
_KEPT = {}
_KEPT_LOCK = threading.Lock()


class JobSettings:
    """The job fields of one flow or backend (``_hc_job_fields``), as of one
    version of its row: read-only, by attribute (``settings.max_attempts``);
    a many-to-one field is its id.

    ``written``: the row's ``write_date`` it was read at (None: read in this
    transaction and not kept).
    """

    __slots__ = ("_key", "_values", "written")

    def __init__(self, model, record_id, written, values):
        object.__setattr__(self, "_key", (model, record_id))
        object.__setattr__(self, "_values", dict(values))
        object.__setattr__(self, "written", written)

    @classmethod
    def of_record(cls, record, written=None):
        """The settings of ``record``, read from it now."""
        values = {}
        for name in record._hc_job_fields():
            value = record[name]
            values[name] = value.id if isinstance(value, models.BaseModel) else value
        return cls(record._name, record.id, written, values)

    def is_of(self, record):
        return self._key == (record._name, record.id)

    def names(self):
        return tuple(self._values)

    def __getattr__(self, name):
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"{self._key[0]} job setting {name}") from None

    def __setattr__(self, name, value):
        raise AttributeError("job settings are read-only")

    def __eq__(self, other):
        return (
            isinstance(other, JobSettings)
            and self._key == other._key
            and self.written == other.written
            and self._values == other._values
        )

    def __hash__(self):
        # in a context (environments compare theirs, some caches hash them)
        return hash((self._key, self.written))


class HcJobSettings(models.AbstractModel):
    """The flow and backend settings that jobs read, as values a worker keeps.

    Every job reads its flow's and its backend's settings (the fields of
    ``_hc_job_fields``), and a worker's jobs read the same few flows over and
    over. A worker keeps what it read as ``JobSettings`` with the row's
    ``write_date``, and gives a job its copy instead of reading the row again
    while the ``write_date`` that the job read with its message's lock is the
    same: every write through the ORM changes it, on any node. A row written
    by the current transaction is not kept, since a second write in the same
    transaction keeps its ``write_date``.

    A job carries its settings in its context (``hc_job_settings``); the
    services read them with ``flow._job_settings()`` and
    ``backend._job_settings()`` (read from the record, outside a job). The
    records' fields are still there for everything else: a handler reading
    ``message.flow_id.schema`` reads the row (bench_throughput's outbound
    delivery reads no flow or backend row once its worker is warm;
    test_delivery_cost).
    """

    _name = "hc.job.settings"
    _description = "Integration Job Settings"

    @api.model
    def _kept(self, record, written, began=None):
        """The settings of ``record`` as of ``write_date`` ``written``: this
        worker's copy, or read (and kept, if written before this transaction
        began: ``began``, its time, when the caller has it at hand)."""
        key = (record.env.cr.dbname, record._name, record.id)
        kept = _KEPT.get(key)
        names = tuple(record._hc_job_fields())
        if kept and written and kept.written == written and kept.names() == names:
            return kept
        settings = JobSettings.of_record(record, written)
        if written and written < (began or record.env.cr.now()):
            with _KEPT_LOCK:
                _KEPT[key] = settings
        return settings

    @api.model
    def _of(self, record):
        """The settings of ``record`` (a flow or a backend): the job's, from
        its context, or read from the record."""
        record.ensure_one()
        for settings in record.env.context.get("hc_job_settings") or ():
            if settings.is_of(record):
                return settings
        return JobSettings.of_record(record)

    @api.model
    def _forget(self):
        """Drop this worker's copies (tests)."""
        with _KEPT_LOCK:
            _KEPT.clear()
