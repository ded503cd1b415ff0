# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import time

from odoo import _, fields, models

from .hc_payload import REQUEST, RESPONSE

PAYLOAD_GROUP = "healthcare_integration_core.group_hc_payload_viewer"
PAYLOAD_FIELDS = {
    "request_payload",
    "response_payload",
    "request_preview",
    "response_preview",
    "request_headers",
}
# a form open, its live refreshes and a second tab are one viewing of a
# message's payloads by one user: logged once in this many seconds per worker
VIEW_LOG_SECONDS = 600
_viewed_at = {}  # (database, user id, message id): monotonic time logged


class HcMessage(models.Model):
    """A message's payloads: stored apart (``hc.payload``), shown to payload
    viewers only, every viewing in the audit log."""

    _inherit = "hc.message"  # pylint: disable=consider-merging-classes-inherited

    request_payload = fields.Binary(
        compute="_compute_payloads",
        inverse="_inverse_request_payload",
        groups=PAYLOAD_GROUP,
    )
    response_payload = fields.Binary(compute="_compute_payloads", groups=PAYLOAD_GROUP)
    request_headers = fields.Text(groups=PAYLOAD_GROUP, readonly=True)
    request_preview = fields.Text(compute="_compute_previews", groups=PAYLOAD_GROUP)
    response_preview = fields.Text(compute="_compute_previews", groups=PAYLOAD_GROUP)
    payload_size = fields.Integer(readonly=True, help="Request size in bytes.")
    payload_purged = fields.Boolean(readonly=True)

    def read(self, fields=None, load="_classic_read"):
        viewed = PAYLOAD_FIELDS & set(fields or ())
        if viewed and not self.env.su:
            first_views = self._first_views()
            if first_views:
                self.env["hc.audit.log"].sudo()._log(
                    "payload_view", first_views, {"fields": sorted(viewed)}
                )
        return super().read(fields=fields, load=load)

    def _first_views(self):
        """The messages of ``self`` whose payloads this user has not viewed
        (on this worker) in the last ``VIEW_LOG_SECONDS``."""
        now = time.monotonic()
        if len(_viewed_at) > 10_000:
            _viewed_at.clear()
        key = (self.env.cr.dbname, self.env.uid)
        first = self.browse(
            [
                mid
                for mid in self.ids
                if now - _viewed_at.get((*key, mid), -VIEW_LOG_SECONDS)
                >= VIEW_LOG_SECONDS
            ]
        )
        for mid in first.ids:
            _viewed_at[(*key, mid)] = now
        return first

    def _compute_payloads(self):
        store = self.env["hc.payload"]
        for message in self:
            if not message.id:
                message.request_payload = message.response_payload = False
                continue
            message.request_payload = self._b64(store._get(message.id, REQUEST))
            message.response_payload = self._b64(store._get(message.id, RESPONSE))

    def _inverse_request_payload(self):
        for message in self:
            body = base64.b64decode(message.request_payload or b"")
            message._store_payload(REQUEST, body)

    def _compute_previews(self):
        previews = self.env["hc.payload"]._previews(self.ids)
        for message in self:
            message.request_preview = self._preview(previews.get((message.id, REQUEST)))
            message.response_preview = self._preview(
                previews.get((message.id, RESPONSE))
            )

    @staticmethod
    def _preview(stored):
        if not stored:
            return False
        head, size, _sha = stored
        text = head.decode("utf-8", errors="replace")
        if size > len(head):
            text += _("\n… (%s bytes in all)", size)
        return text

    def _body(self):
        """The request payload's bytes, verified against its checksum."""
        self.ensure_one()
        return self.env["hc.payload"]._get(self.id, REQUEST)

    def _response_body(self):
        self.ensure_one()
        return self.env["hc.payload"]._get(self.id, RESPONSE)

    def _store_payload(self, kind, body):
        self.ensure_one()
        self.env["hc.payload"]._put(self.id, kind, body)

    @staticmethod
    def _b64(body):
        return base64.b64encode(body) if body else False
