# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo import api, models

RECORD_CHANGED = "hc.record/changed"
# what a browser asks for to hear about one record: hc_record:<model>:<id>
RECORD_CHANNEL_RE = re.compile(r"hc_record:(\w+(?:\.\w+)*):(\d+)")


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
