# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re
import time

from odoo import api, models

RECORD_CHANGED = "hc.record/changed"
RECORD_PROGRESS = "hc.record/progress"
LIST_CHANGED = "hc.list/changed"
# what a browser asks for to hear about one record: hc_record:<model>:<id>
RECORD_CHANNEL_RE = re.compile(r"hc_record:(\w+(?:\.\w+)*):(\d+)")
# ... and about every record of a live list: hc_list:<model>
LIST_CHANNEL_RE = re.compile(r"hc_list:(\w+(?:\.\w+)*)")
# the models whose lists follow their records live (each has a company_id)
LIVE_LISTS = ("hc.sync.run",)
# seconds between two progress notices of one record (the last always goes)
PROGRESS_INTERVAL = 0.5


class HcLive(models.AbstractModel):
    """Live updates of business records a user has open (the order's
    transmission badge, a sync run's progress), through the ``bus``.

    A form showing a record with the ``hc_live_badge`` or
    ``hc_live_statusbar`` widget listens to the record's own channel
    (``ir.websocket`` lets it in when the user may read the record); the
    server says a record changed with ``_notify``, one notification per
    record and transaction, sent when it commits, and the form reloads it::

        def write(self, vals):
            res = super().write(vals)
            if "hc_exchange_state" in vals:
                self.env["hc.live"]._notify(self)
            return res

    Messages tell their linked record when they change
    (``hc.message._notify_changed``).

    Lists of the models in LIVE_LISTS (the sync runs) listen to one channel
    per company, ``hc_list:<model>``, granted to who may read the model:
    they hear which of its records changed or were created, and reload.

    Work that commits only at its end (a file pull stores every file in one
    transaction) tells how far it got with ``_progress_now``, sent at once
    from its own transaction.
    """

    _name = "hc.live"
    _description = "Integration Live Updates"

    @api.model
    def _notify(self, records):
        """Tell the screens showing ``records`` that they changed."""
        if not records:
            return
        self._pending().update((records._name, rid) for rid in records._ids)

    @api.model
    def _notify_refs(self, refs):
        """The same for (model, id) pairs, e.g. the records messages link to."""
        self._pending().update(
            (model, rid) for model, rid in refs if model and isinstance(rid, int)
        )

    def _pending(self):
        data = self.env.cr.precommit.data
        if "hc_live_records" not in data:
            data["hc_live_records"] = set()
            self.env.cr.precommit.add(self._send)
        return data["hc_live_records"]

    def _send(self):
        refs = self.env.cr.precommit.data.pop("hc_live_records", set())
        bus = self.env["bus.bus"].sudo()
        db = self.env.cr.dbname
        # the bus inserts every notification of the transaction at once
        for model, rid in sorted(refs):
            bus._sendone(
                (db, "hc_record", model, rid),
                RECORD_CHANGED,
                {"model": model, "id": rid},
            )
        for model in LIVE_LISTS:
            ids = [rid for name, rid in refs if name == model]
            records = self.env[model].sudo().browse(ids).exists()
            for company in records.company_id:
                bus._sendone(
                    (db, "hc_list", model, company.id),
                    LIST_CHANGED,
                    {
                        "model": model,
                        "ids": records.filtered(
                            lambda r, c=company: r.company_id == c
                        ).ids,
                    },
                )

    @api.model
    def _progress_now(self, record, **progress):
        """Tell the screens showing ``record`` how far its work got (e.g.
        ``file``, ``done``, ``total``, ``stored``, ``skipped``), at once: in a
        transaction of its own, as the work's commit comes only at its end.
        One notice every PROGRESS_INTERVAL seconds at most per record, and
        the last one (``done == total``)."""
        sent = self.env.cr.precommit.data.setdefault("hc_live_progress", {})
        key = (record._name, record.id)
        now = time.monotonic()
        last = progress.get("done") == progress.get("total")
        if key in sent and not last and now - sent[key] < PROGRESS_INTERVAL:
            return False
        sent[key] = now
        payload = {"model": record._name, "id": record.id, **progress}
        company = record.company_id.id if "company_id" in record._fields else False
        with self.env.registry.cursor() as cr:
            bus = self.env(cr=cr)["bus.bus"].sudo()
            bus._sendone(
                (cr.dbname, "hc_record", record._name, record.id),
                RECORD_PROGRESS,
                payload,
            )
            if record._name in LIVE_LISTS:
                bus._sendone(
                    (cr.dbname, "hc_list", record._name, company),
                    RECORD_PROGRESS,
                    payload,
                )
        return True

    @api.model
    def _channel_for(self, channel):
        """The bus channel of ``hc_record:<model>:<id>`` if the user may read
        that record, else None."""
        match = RECORD_CHANNEL_RE.fullmatch(channel)
        if not match or match[1] not in self.env:
            return None
        record = self.env[match[1]].browse(int(match[2])).exists()
        if not record or not record.has_access("read"):
            return None
        return (self.env.cr.dbname, "hc_record", record._name, record.id)

    @api.model
    def _list_channels_for(self, channel):
        """The bus channels of ``hc_list:<model>``, one per company of the
        user, if the model's list is live and the user may read it."""
        match = LIST_CHANNEL_RE.fullmatch(channel)
        model = match and match[1]
        if model not in LIVE_LISTS or not self.env[model].has_access("read"):
            return []
        db = self.env.cr.dbname
        return [(db, "hc_list", model, cid) for cid in self.env.user.company_ids.ids]
