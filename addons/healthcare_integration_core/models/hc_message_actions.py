# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError

from ..lib import states as st
from .hc_payload import REQUEST


class HcMessageActions(models.AbstractModel):
    """The actions integration staff take on messages (buttons, audited).

    Inherited by ``hc.message``; kept apart so that the record and what
    people do with it are read in separate files.
    """

    _name = "hc.message.actions"
    _description = "Integration Message Actions"

    def _check_manager(self):
        if not self.env.user.has_group("healthcare_integration_core.group_hc_manager"):
            raise AccessError(_("Only integration managers may do this."))

    def action_acknowledge(self):
        """Take failed messages in charge (any integration user)."""
        if not self.env.user.has_group("healthcare_integration_core.group_hc_user"):
            raise AccessError(_("Only integration users may acknowledge messages."))
        failed = self.filtered(
            lambda m: m.state == st.DEAD and not m.acknowledged_by_id
        )
        failed.sudo().write(
            {
                "acknowledged_by_id": self.env.uid,
                "acknowledged_at": fields.Datetime.now(),
            }
        )
        for message in failed:
            message.sudo().message_post(
                body=_("Acknowledged by %s.", self.env.user.name)
            )
        self.env["hc.audit.log"].sudo()._log("acknowledge", failed)
        return True

    def action_retry(self):
        """Try again now, with a fresh budget of attempts."""
        self._check_manager()
        for message in self:
            if message.state not in (st.DEAD, st.RETRYING, st.QUEUED):
                raise UserError(
                    _("Message %s cannot be retried in its state.", message.name)
                )
            message.sudo().write(
                {
                    "state": st.QUEUED,
                    "attempt_base": message.attempt_count,
                    "error_class": False,
                    "error_text": False,
                    "exception_kind": False,
                    "done_at": False,
                }
            )
            message._enqueue()
            message.message_post(body=_("Retried by %s.", self.env.user.name))
        self.env["hc.audit.log"]._log("retry", self)
        return True

    def action_replay(self):
        """Replay, then open the new message (or the list of them)."""
        self._check_manager()
        replays = self._replay()
        self.env["hc.audit.log"]._log("replay", self, {"replays": replays.ids})
        action = {
            "type": "ir.actions.act_window",
            "res_model": "hc.message",
            "name": _("Replays"),
        }
        if len(replays) == 1:
            return {**action, "res_id": replays.id, "view_mode": "form"}
        return {
            **action,
            "domain": [("id", "in", replays.ids)],
            "view_mode": "list,form",
        }

    def _replay(self):
        """Send or process the payload again as a new message linked to this one.

        The replay takes its original's place in the ordering key, so that
        the messages held behind the original follow it once it is done.
        """
        replays = self.browse()
        for message in self:
            if not message.flow_id or message.state in st.PENDING:
                raise UserError(_("Message %s cannot be replayed.", message.name))
            replay = message.sudo().create(
                {
                    "flow_id": message.flow_id.id,
                    "backend_id": message.backend_id.id,
                    "direction": message.direction,
                    "parent_id": message.id,
                    "parent_relation": "replay",
                    "state": st.QUEUED,
                    "idempotency_key": message.idempotency_key,
                    "correlation_id": message.correlation_id,
                    "ordering_key": message.ordering_key,
                    "key_position": message.key_position,
                    "res_model": message.res_model,
                    "res_id": message.res_id,
                    "endpoint": message.endpoint,
                    "http_method": message.http_method,
                    "content_type": message.content_type,
                    "payload_size": message.payload_size,
                    "run_id": message.run_id.id,
                    "run_sequence": message.run_sequence,
                    "run_watermark": message.run_watermark,
                }
            )
            self.env["hc.payload"]._copy(message.id, replay.id, REQUEST)
            replay._enqueue()
            message.message_post(body=_("Replayed as %s.", replay.name))
            replays |= replay
        return replays

    def action_cancel(self):
        self._check_manager()
        for message in self:
            if message.state in (st.DONE, st.DUPLICATE):
                raise UserError(_("Message %s is already done.", message.name))
            message._finish(st.CANCELLED)
            message.message_post(body=_("Cancelled by %s.", self.env.user.name))
        self.env["hc.audit.log"]._log("cancel", self)
        return True

    def action_mark_resolved(self):
        self._check_manager()
        for message in self:
            if message.state != st.DEAD:
                raise UserError(_("Only dead messages can be marked resolved."))
            message._finish(st.DONE, resolved_by_id=self.env.uid)
            message.message_post(body=_("Marked resolved by %s.", self.env.user.name))
        self.env["hc.audit.log"]._log("resolve", self)
        return True

    def action_open_record(self):
        self.ensure_one()
        record = self._linked_record()
        if not record:
            raise UserError(_("No linked record."))
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
        }

    def action_open_flow_type(self):
        self.ensure_one()
        return self.flow_id.action_open_flow_type()
