# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError

from ..lib import states as st
from ..lib import trace
from .hc_payload import REQUEST

USER_GROUP = "healthcare_integration_core.group_hc_user"
# whether the notification of changed messages is registered (_notify_changed)
CHANGED_HOOKED = "hc_message_changed_hooked"


class HcMessageActions(models.AbstractModel):
    """The actions integration staff take on messages (buttons, audited).

    Inherited by ``hc.message``; kept apart so that the record and what
    people do with it are read in separate files.
    """

    _name = "hc.message.actions"
    _description = "Integration Message Actions"

    # a crosswalk domain (addons add domains): kept as its key
    unmapped_domain = fields.Char(
        readonly=True,
        string="Unmapped codes of",
        help="Failed for codes without a crosswalk entry: add them, then replay.",
    )
    unmapped_codes = fields.Char(readonly=True, string="Unmapped codes")
    unmapped_entries = fields.Json(
        readonly=True, help="[domain, code] of each unmapped code, in order."
    )

    def web_read(self, specification):
        # EXTENDS base: the form of a payload viewer reads payloads, and each
        # read is written to the audit log: not in a read-only transaction
        # (Odoo would log the refused insert and run the request again)
        return super().web_read(specification)

    web_read._readonly = False

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
        if failed:
            failed._recheck_alerts()
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
            refusal = message._replay_refusal()
            if refusal:
                raise UserError(refusal)
            # not "context": _() reads the caller's local of that name
            span = trace.child(trace.parse(message.traceparent))
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
                    "trace_id": message.trace_id or span.trace_id,
                    "traceparent": span.traceparent,
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

    def _replay_refusal(self):
        """Why this message may not be replayed, in words; None when it may.

        A message is replayed to do what it failed to do, once: not while it
        or a replay of it is under way, and not once it or a replay of it
        succeeded (its partner would receive it twice)::

            message._replay_refusal()  # "HCM/0000012 was already replayed ..."
        """
        self.ensure_one()
        if not self.flow_id:
            return _("Message %s has no flow to replay it on.", self.name)
        if self.state in st.PENDING:
            return _(
                "Message %s is still being processed; wait for it to finish.",
                self.name,
            )
        if self.superseded_by_id:
            return _(
                "Message %(name)s was already replayed successfully by %(replay)s; "
                "replaying it again would repeat what it did.",
                name=self.name,
                replay=self.superseded_by_id.name,
            )
        if self.state in (st.DONE, st.DUPLICATE):
            return _(
                "Message %s was already processed; replaying it would repeat "
                "what it did.",
                self.name,
            )
        pending = self.child_ids.filtered(
            lambda m: m.parent_relation == "replay" and m.state in st.PENDING
        )
        if pending:
            return _(
                "Message %(name)s is already being replayed by %(replay)s.",
                name=self.name,
                replay=pending[0].name,
            )
        return None

    def _resolve_replayed(self):
        """Resolve what this replay, now done, replayed (and its own originals).

        The original becomes *Done*, resolved by the replay's author and
        superseded by the replay, so that it leaves the failures, the
        dashboard's counts and the alerts. Called by ``_finish``.
        """
        self.ensure_one()
        original = self.parent_id
        while original and self.parent_relation == "replay":
            vals = {"superseded_by_id": self.id}
            if original.state == st.DEAD and not original._key_taken():
                vals.update(state=st.DONE, resolved_by_id=self.create_uid.id)
            original._runtime_write(vals)
            if vals.get("state") and original._redacts_when_settled():
                body = original._body()
                original._store_payload(REQUEST, original.flow_id._redact(body))
            original.sudo().message_post(
                body=_("Resolved by its replay %s.", self.name)
            )
            if original.parent_relation != "replay":
                break
            original = original.parent_id
        self._recheck_alerts()

    def _notify_changed(self):
        """Tell open screens (message form and lists) that these messages
        changed: one bus notification per transaction, to integration users,
        sent when it commits; a screen showing one of them reloads it. The
        records they link to are told too (hc.live: an order's transmission
        badge turns *Failed*). With ``hc_notify_later`` in context, the
        messages are only added to the next notification (a savepoint runs the
        pending callbacks: a job processing several messages notifies once, at
        the end)."""
        data = self.env.cr.precommit.data
        data.setdefault("hc_message_changed", set()).update(self.ids)
        self.env["hc.live"]._notify_refs(
            (message.res_model, message.res_id) for message in self
        )
        if self.env.context.get("hc_notify_later") or data.get(CHANGED_HOOKED):
            return
        data[CHANGED_HOOKED] = True
        self.env.cr.precommit.add(self._send_changed)

    def _send_changed(self):
        self.env.cr.precommit.data.pop(CHANGED_HOOKED, None)
        ids = self.env.cr.precommit.data.pop("hc_message_changed", set())
        # by id: env.ref() would check that the group exists, a query each time
        group_id = self.env["ir.model.data"]._xmlid_to_res_id(USER_GROUP)
        if ids and group_id:
            self.env["bus.bus"].sudo()._sendone(
                self.env["res.groups"].browse(group_id),
                "hc.message/changed",
                {"ids": sorted(ids)},
            )

    def _recheck_alerts(self):
        """Hook: a failure was taken in charge or resolved; whoever watches
        failures (the operations addon's alert rules) looks again now instead
        of waiting for its next round. Nothing watches in the core alone.

        Example::

            def _recheck_alerts(self):
                self.env.ref("my_addon.cron_watch").sudo()._trigger()
                return super()._recheck_alerts()
        """
        return None

    def _key_taken(self):
        """Whether another first delivery of this key stands (then this one
        stays failed: a flow holds one first delivery per key)."""
        if not self.idempotency_key or self.parent_relation == "replay":
            return False
        return bool(
            self.search_count(
                [
                    ("flow_id", "=", self.flow_id.id),
                    ("idempotency_key", "=", self.idempotency_key),
                    ("parent_relation", "!=", "replay"),
                    ("state", "not in", (st.DEAD, st.CANCELLED)),
                    ("id", "!=", self.id),
                ],
                limit=1,
            )
        )

    def action_add_mapping(self):
        """Map the codes this message lacks, then replay it (a wizard)."""
        self.ensure_one()
        self._check_manager()
        return {
            "type": "ir.actions.act_window",
            "res_model": "hc.mapping.wizard",
            "view_mode": "form",
            "target": "new",
            "name": _("Add mapping"),
            "context": {
                "default_message_id": self.id,
                "default_domain": self.unmapped_domain,
            },
        }

    def action_cancel(self):
        self._check_manager()
        for message in self:
            if message.state in (st.DONE, st.DUPLICATE):
                raise UserError(_("Message %s is already done.", message.name))
            message._finish(st.CANCELLED)
            message.message_post(body=_("Cancelled by %s.", self.env.user.name))
        self.env["hc.audit.log"]._log("cancel", self)
        self._recheck_alerts()
        return True

    def action_mark_resolved(self):
        self._check_manager()
        for message in self:
            if message.state != st.DEAD:
                raise UserError(_("Only dead messages can be marked resolved."))
            message._finish(st.DONE, resolved_by_id=self.env.uid)
            message.message_post(body=_("Marked resolved by %s.", self.env.user.name))
        self.env["hc.audit.log"]._log("resolve", self)
        self._recheck_alerts()
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
