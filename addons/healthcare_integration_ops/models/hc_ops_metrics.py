# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.healthcare_integration_core.lib import retry
from odoo.addons.healthcare_integration_core.lib import states as st

from ..lib import ops_metrics

DIGEST_PARAM = "healthcare_integration_core.metrics_token_digest"
ADMIN_GROUP = "base.group_system"


class HcOpsMetrics(models.AbstractModel):
    """``GET /hc/metrics``: the runtime's figures for Prometheus, read from the
    database at each scrape, for a bearer token configured per database.

    Only the token's SHA-256 is stored (a system parameter); the token itself
    is shown once, when generated, and never again.
    """

    _name = "hc.ops.metrics"
    _description = "Integration Metrics"

    # ------------------------------------------------------------------ token

    def _check_admin(self):
        if not self.env.su and not self.env.user.has_group(ADMIN_GROUP):
            raise AccessError(_("Only administrators manage the metrics token."))

    @api.model
    def _token_digest(self):
        return self.env["ir.config_parameter"].sudo().get_param(DIGEST_PARAM) or ""

    @api.model
    def _token_is_set(self):
        return bool(self._token_digest())

    @api.model
    def _set_token(self, token):
        """Accept ``token`` for scrapes from now on (the previous one no longer)."""
        self._check_admin()
        try:
            digest = ops_metrics.token_digest(token)
        except ValueError as exc:
            raise UserError(str(exc)) from None
        self.env["ir.config_parameter"].sudo().set_param(DIGEST_PARAM, digest)
        self.env["hc.audit.log"]._log("metrics_token_set")

    @api.model
    def _generate_token(self):
        """A new random token, accepted from now on; returned once, not stored."""
        token = ops_metrics.new_token()
        self._set_token(token)
        return token

    @api.model
    def _revoke_token(self):
        self._check_admin()
        self.env["ir.config_parameter"].sudo().set_param(DIGEST_PARAM, False)
        self.env["hc.audit.log"]._log("metrics_token_revoked")

    @api.model
    def _check_token(self, presented):
        return ops_metrics.token_matches(presented, self._token_digest())

    # ------------------------------------------------------------------ snapshot

    @api.model
    def _exposition(self):
        """The Prometheus text of the figures now (bytes)."""
        return ops_metrics.exposition(self._snapshot())

    @api.model
    def _snapshot(self):
        """The figures of every backend and flow of the database, as plain data."""
        now = fields.Datetime.now()
        flows = self.env["hc.flow"].sudo().with_context(active_test=False).search([])
        backends = self.env["hc.backend"].sudo().with_context(active_test=False)
        backends = backends.search([])
        codes = {
            "flow": {flow.id: flow.code for flow in flows},
            "flow_backend": {flow.id: flow.backend_id.code for flow in flows},
            "backend": {backend.id: backend.code for backend in backends},
        }
        snapshot = self._message_families(codes)
        stats = self.env["hc.ops.stats"]
        pending = stats._pending(flows, now)
        snapshot["oldest_pending"] = [
            {
                "backend": flow.backend_id.code,
                "flow": flow.code,
                "seconds": (now - pending[flow.id]["oldest"]).total_seconds(),
            }
            for flow in flows
            if flow.id in pending and pending[flow.id]["oldest"]
        ]
        snapshot["late"] = [
            {"backend": flow.backend_id.code, "flow": flow.code, "count": late}
            for flow in flows
            if (late := pending.get(flow.id, {}).get("late"))
        ]
        snapshot["business_exceptions"] = [
            {
                "backend": codes["flow_backend"].get(flow_id),
                "flow": codes["flow"].get(flow_id),
                "kind": kind or "",
                "count": count,
            }
            for flow_id, error_class, kind, count, _oldest in (
                stats._unacknowledged_dead(flows)
            )
            if error_class == retry.ERROR_BUSINESS
        ]
        snapshot.update(self._queue_families(stats._queue(now), now))
        snapshot["backends"] = self._backend_rows(backends.filtered("active"), now)
        snapshot["alerts"] = [
            {"condition": condition, "count": count}
            for condition, count in self.env["hc.alert"]
            .sudo()
            ._read_group([("state", "=", "open")], ["condition"], ["__count"])
        ]
        return snapshot

    @api.model
    def _message_families(self, codes):
        messages, dead, pending, latency = {}, {}, {}, {}
        for (
            flow_id,
            backend_id,
            direction,
            state,
            error_class,
            bucket,
            count,
            latency_sum,
        ) in self.env["hc.ops.tally"]._message_totals():
            flow = codes["flow"].get(flow_id, "")
            backend = codes["backend"].get(backend_id, "")
            if state in st.PENDING:
                key = (backend, flow, direction, state)
                pending[key] = pending.get(key, 0) + count
                continue
            if state == st.DEAD:
                key = (backend, flow, direction, error_class or "")
                dead[key] = dead.get(key, 0) + count
                continue
            key = (backend, flow, direction, state, error_class or "")
            messages[key] = messages.get(key, 0) + count
            if bucket is not None:
                entry = latency.setdefault(
                    (backend, flow, direction), {"buckets": {}, "sum": 0.0}
                )
                entry["buckets"][bucket] = entry["buckets"].get(bucket, 0) + count
                entry["sum"] += latency_sum
        return {
            "messages": [
                dict(zip(ops_metrics.MESSAGE_LABELS, key, strict=True), count=count)
                for key, count in sorted(messages.items())
            ],
            "dead": [
                dict(
                    zip((*ops_metrics.FLOW_LABELS, "error_class"), key, strict=True),
                    count=count,
                )
                for key, count in sorted(dead.items())
            ],
            "pending": [
                dict(
                    zip((*ops_metrics.FLOW_LABELS, "state"), key, strict=True),
                    count=count,
                )
                for key, count in sorted(pending.items())
            ],
            "latency": [
                dict(zip(ops_metrics.FLOW_LABELS, key, strict=True), **entry)
                for key, entry in sorted(latency.items())
            ],
        }

    @api.model
    def _queue_families(self, queue, now):
        return {
            "queue": [
                {"channel": channel, "state": state, "count": count}
                for channel, entry in sorted(queue.items())
                for state, count in sorted(entry["states"].items())
            ],
            "queue_oldest": [
                {
                    "channel": channel,
                    "seconds": (now - entry["oldest_ready"]).total_seconds()
                    if entry["oldest_ready"]
                    else 0,
                }
                for channel, entry in sorted(queue.items())
            ],
        }

    @api.model
    def _backend_rows(self, backends, now):
        breakers = self.env["hc.ops.stats"]._breakers(backends)
        rows = []
        for backend in backends:
            state, since = breakers[backend.id]
            rows.append(
                {
                    "backend": backend.code,
                    "company": backend.company_id.name,
                    "environment": backend.environment,
                    "system_type": backend.system_type,
                    "paused": backend.paused,
                    "breaker": state,
                    "breaker_open_seconds": (now - since).total_seconds()
                    if since
                    else 0,
                }
            )
        return rows
