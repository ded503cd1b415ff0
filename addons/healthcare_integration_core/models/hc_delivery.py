# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging

import psycopg2
import requests

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..exceptions import PayloadIntegrityError
from ..lib import crypto, retry, schema, transport
from ..lib import states as st
from .hc_message_attempt import Call
from .hc_payload import RESPONSE

_logger = logging.getLogger(__name__)


class HcDelivery(models.AbstractModel):
    """Outbound delivery: one attempt of one message, and what follows from it.

    A delivery job checks, in order: pause, an earlier delivery of the same
    key (duplicate), ordering per key, the backend's circuit breaker and rate
    limit; then calls the partner through the backend's transport and records
    the outcome: done, retry later (with backoff, capped by the flow), or
    dead. A run cut off during the call is recorded as an interrupted attempt
    by the job's next run (``hc.message._lock``).
    """

    _name = "hc.delivery"
    _description = "Integration Outbound Delivery"

    @api.model
    def _deliver(self, message):
        flow, backend = message.flow_id, message.backend_id
        if flow._is_paused():
            return message._wait(_("flow or backend paused"))
        twin = self._delivered_twin(message)
        if twin:
            message._finish(
                st.DUPLICATE, error_text=_("Already delivered by %s", twin.name)
            )
            return "duplicate"
        held = self.env["hc.ordering"]._hold(message)
        if held:
            return held
        allowed, _state, wait = backend._breaker_check()
        if not allowed:
            return message._defer(wait, _("circuit breaker open"))
        wait = backend._rate_limit_take()
        if wait:
            return message._defer(wait, _("rate limit"))
        return self._attempt_delivery(message)

    @api.model
    def _delivered_twin(self, message):
        """A message of the same flow and key that is already done.

        Only a replay, or a message retried by hand after its replay, can have
        one: the unique index keeps first deliveries of a key single.
        """
        if not message.idempotency_key or not message.flow_id:
            return message.browse()
        if message.parent_relation != "replay" and not message.attempt_base:
            return message.browse()
        return message.search(
            [
                ("flow_id", "=", message.flow_id.id),
                ("idempotency_key", "=", message.idempotency_key),
                ("state", "=", st.DONE),
                ("id", "!=", message.id),
            ],
            limit=1,
        )

    # ------------------------------------------------------------------ attempts

    @api.model
    def _attempt(self, message):
        """One call to the backend: (HttpResult or None, Outcome, the values
        the message keeps of it, the ``Call`` to record). The service records
        the call and writes the values once, with the outcome (``_finish``,
        ``_retry_or_fail``): the message is given what it keeps, not called
        back for each value."""
        number = message.attempt_count + 1
        not_ready = self._prepare(message)
        started_at = fields.Datetime.now()
        # no "running" state written before the call: no other transaction
        # could see it before this one commits (queue_job committed the run's
        # start: a run cut off is recorded by the next one, see _lock)
        values = {
            "attempt_count": number,
            "started_at": message.started_at or started_at,
            "waiting_reason": False,
            "held_by_id": False,
        }
        if not_ready:
            result, outcome = None, not_ready
        else:
            result, outcome = self._call_backend(message, values)
        answer = self._record_exchange(message, result, values)
        return result, outcome, values, Call(number, started_at, outcome, answer)

    @api.model
    def _attempt_delivery(self, message):
        result, outcome, values, call = self._attempt(message)
        # the call went out: from here on, an audit entry meeting another
        # writer's (a crosswalk the answer adds, say) is chained after the
        # commit rather than failing the job, which would call again
        message = message.with_context(hc_audit_after_call=True)
        if outcome.ok:
            # the attempt and the message's outcome in one statement
            message._finish(
                st.DONE,
                call=call,
                **dict(
                    values,
                    http_status=outcome.status,
                    error_class=False,
                    error_text=False,
                    exception_kind=False,
                ),
            )
            self._after_delivery(message, result)
            return st.DONE
        self.env["hc.message.attempt"]._record_call(message, call)
        return message._retry_or_fail(outcome, values["attempt_count"], values)

    @api.model
    def _request(self, message):
        """(method, path, headers) of the call, with the handler's additions."""
        flow = message.flow_id
        handler = flow._handler() if flow else self.env["hc.handler"]
        extra = handler.prepare_request(message.sudo()) or {}
        method = extra.get("method") or message.http_method or "POST"
        path = extra.get("path") or message.endpoint or "/"
        headers = {
            "Content-Type": message.content_type or "application/json",
            "Idempotency-Key": message.idempotency_key or "",
            "X-Correlation-ID": message.correlation_id or "",
            "X-HC-Message": message.name,
            "traceparent": message.traceparent or "",
            **(extra.get("headers") or {}),
        }
        return method, path, headers

    @api.model
    def _prepare(self, message):
        """None when the backend is ready to be called, else the failed Outcome."""
        try:
            message.backend_id._prepare_transport()
        except transport.TokenError as exc:
            return self._token_outcome(exc)
        except requests.RequestException as exc:
            return retry.classify_exception(exc)
        except (
            UserError,
            ValidationError,
            crypto.CryptoConfigError,
            ValueError,
        ) as exc:
            return self._final_outcome(str(exc))
        return None

    @api.model
    def _call_backend(self, message, values):
        """(HttpResult or None, Outcome) of one call; never raises for I/O.
        The method and path the handler chose go to ``values``."""
        try:
            body = message._body()
            method, path, headers = self._request(message)
            if (method, path) != (message.http_method, message.endpoint):
                values.update(http_method=method, endpoint=path)
            result = message.backend_id._transport_send(
                method, path, body or None, headers, message=message
            )
        except PayloadIntegrityError as exc:
            return None, self._final_outcome(str(exc))
        except transport.TransportError as exc:
            return None, retry.Outcome(
                ok=False,
                retryable=exc.retryable,
                error_class=retry.ERROR_TECHNICAL,
                reason=exc.reason,
            )
        except requests.RequestException as exc:
            return None, retry.classify_exception(exc)
        except transport.TokenError as exc:
            return None, self._token_outcome(exc)
        except (
            UserError,
            ValidationError,
            crypto.CryptoConfigError,
            ValueError,
        ) as exc:
            return None, self._final_outcome(str(exc))
        return result, retry.classify_status(result.status, result.headers)

    @staticmethod
    def _final_outcome(reason, error_class=retry.ERROR_TECHNICAL):
        return retry.Outcome(
            ok=False, retryable=False, error_class=error_class, reason=reason
        )

    @staticmethod
    def _token_outcome(exc):
        if exc.status and retry.classify_status(exc.status).retryable:
            return retry.classify_status(exc.status)
        error_class = (
            retry.ERROR_AUTHENTICATION
            if exc.status in (400, 401, 403)
            else retry.ERROR_TECHNICAL
        )
        return retry.Outcome(
            ok=False,
            retryable=False,
            error_class=error_class,
            reason=str(exc),
            status=exc.status,
        )

    @api.model
    def _record_exchange(self, message, result, values):
        """What was sent, in ``values``; the partner's answer to store with
        the attempt, (payload kind, body), or None."""
        if result is None:
            return None
        header = message.backend_id._job_settings().api_key_header
        sensitive = [header or "X-API-Key"]
        values.update(
            http_status=result.status,
            request_headers=json.dumps(
                crypto.mask_headers(result.request_headers, sensitive), indent=1
            ),
        )
        flow = message.flow_id
        return RESPONSE, flow._redact(result.body) if flow else result.body

    # ------------------------------------------------------------------ outcomes

    @api.model
    def _after_delivery(self, message, result):
        if not result or not message.flow_id:
            return
        handler = message.flow_id._handler()
        if not handler._hc_overrides("on_delivered"):
            return
        reply = transport.Reply(
            status=result.status,
            headers=result.headers,
            body=result.body,
            payload_format=message.flow_id._job_settings().payload_format,
        )
        try:
            with self.env.cr.savepoint():
                handler.on_delivered(message.sudo(), reply)
        except (
            UserError,
            ValidationError,
            schema.PayloadValidationError,
            # the answer breaks a constraint (an id the partner already gave
            # another record): the call went out, so the message is done and
            # says why its answer was not applied; failing the job would
            # leave it queued and call the partner again
            psycopg2.IntegrityError,
            psycopg2.DataError,
        ) as exc:
            message._runtime_write(
                {"error_text": _("Delivered; the answer was not understood: %s", exc)}
            )

    # ------------------------------------------------------------------ synchronous

    @api.model
    def _deliver_now(self, message):
        """Deliver in the current transaction (connection tests)."""
        _result, outcome, values, call = self._attempt(message)
        self.env["hc.message.attempt"]._record_call(message, call)
        if outcome.ok:
            message._finish(st.DONE, **dict(values, http_status=outcome.status))
        else:
            message._fail(
                outcome.error_class,
                outcome.reason,
                **dict(values, http_status=outcome.status or 0),
            )
