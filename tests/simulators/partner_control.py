"""The partner simulator's control routes under ``/_sim/`` (JSON commands and
reads, the form of the control page) and the control page itself."""

import html
import json
import time
from urllib.parse import quote

import requests
from partner_state import ANY_PATH, CONTROL_PREFIX, first_value, query_dict

_RECENT_ON_PAGE = 20


class ControlRoutes:
    """The ``/_sim/`` routes of the simulator's request handler (a mixin of
    ``partner_http.Handler``: ``self.sim``, ``self.reply``, ``self.command``)."""

    def control(self, url, body):
        route = url.path.rstrip("/") or CONTROL_PREFIX
        query = query_dict(url.query)
        if self.command == "GET":
            return self.control_get(route, query)
        if self.command != "POST":
            return self.reply(405, {"error": "control routes take GET or POST"})
        if route == f"{CONTROL_PREFIX}/ui":
            return self.control_form(body)
        try:
            data = json.loads(body or b"{}")
            if not isinstance(data, dict):
                raise ValueError("the request body must be a JSON object")
            result = self.control_post(route, data)
        except (ValueError, KeyError, TypeError) as exc:
            message = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
            return self.reply(400, {"error": message})
        if result is None:
            return self.reply(404, {"error": f"no control route POST {route}"})
        return self.reply(200, result)

    def control_get(self, route, query):
        sim = self.sim
        if route == CONTROL_PREFIX:
            page = control_page(sim, first_value(query, "path") or ANY_PATH)
            return self.reply(200, page, content_type="text/html; charset=utf-8")
        if route == f"{CONTROL_PREFIX}/requests":
            return self.reply(
                200,
                sim.requests(
                    path=first_value(query, "path"), method=first_value(query, "method")
                ),
            )
        if route == f"{CONTROL_PREFIX}/deliveries":
            return self.reply(200, sim.delivery_counts(first_value(query, "key")))
        if route == f"{CONTROL_PREFIX}/stats":
            return self.reply(200, sim.stats())
        return self.reply(404, {"error": f"no control route GET {route}"})

    def control_post(self, route, data):
        """The JSON result of a control command, or None for an unknown route."""
        sim = self.sim
        if route.startswith(f"{CONTROL_PREFIX}/feed/"):
            name = route[len(f"{CONTROL_PREFIX}/feed/") :]
            sim.set_feed(name, data["items"], data.get("page_size", 2))
            return {"ok": True, "feed": name}
        if route == f"{CONTROL_PREFIX}/call_webhook":
            return self.control_call_webhook(data)
        commands = {
            "reset": sim.reset,
            "script": lambda: sim.script(
                data["path"], data["responses"], method=data.get("method")
            ),
            "mode": lambda: sim.set_mode(
                data["path"], data.get("status"), data.get("headers")
            ),
            "oauth": lambda: self.control_oauth(data),
            "oauth/revoke": sim.revoke_tokens,
        }
        command = commands.get(route[len(CONTROL_PREFIX) + 1 :])
        if command is None:
            return None
        command()
        return {"ok": True}

    def control_oauth(self, data):
        if "client_id" in data:
            self.sim.oauth_clients[str(data["client_id"])] = str(data["client_secret"])
        if "expires_in" in data:
            self.sim.token_lifetime = int(data["expires_in"])
        if "require_bearer" in data:
            self.sim.require_bearer = bool(data["require_bearer"])

    def control_call_webhook(self, data):
        options = (
            "secret",
            "idempotency_key",
            "correlation_id",
            "timestamp",
            "signature",
            "headers",
        )
        try:
            status, body = self.sim.call_webhook(
                data["url"],
                data.get("payload", {}),
                timeout=float(data.get("timeout", 30)),
                **{name: data.get(name) for name in options},
            )
        except requests.RequestException as exc:
            return {"status": None, "error": f"{type(exc).__name__}: {exc}"}
        return {"status": status, "body": body}

    def control_form(self, body):
        """The control page's buttons: act, then show the page again."""
        form = query_dict(body.decode("utf-8", errors="replace"))
        path = (first_value(form, "path") or ANY_PATH).strip() or ANY_PATH
        action = first_value(form, "action")
        if not run_page_action(self.sim, action, path):
            return self.reply(400, {"error": f"unknown action {action!r}"})
        location = f"{CONTROL_PREFIX}/?path={quote(path, safe='/*')}"
        return self.reply(303, b"", {"Location": location}, "text/plain")


PAGE_ACTIONS = (
    ("fail", "Fail next call (503)"),
    ("down", "Partner down (all 503) on/off"),
    ("rate", "Rate limit next (429)"),
    ("slow", "Slow next (10 s)"),
    ("reset", "Reset"),
)


def run_page_action(sim, action, path):
    if action == "fail":
        sim.fail_next(path, status=503)
    elif action == "down":
        sim.set_mode(ANY_PATH, None if sim.partner_down else 503)
    elif action == "rate":
        sim.rate_limit_next(path, retry_after=30)
    elif action == "slow":
        sim.slow_next(path, 10)
    elif action == "reset":
        sim.reset()
    else:
        return False
    return True


def _request_rows(sim):
    rows = []
    for r in reversed(sim.requests()[-_RECENT_ON_PAGE:]):
        when = time.strftime("%H:%M:%S", time.localtime(r["received_at"]))
        status = "dropped" if r["dropped"] else r["status"]
        rows.append(
            f"<tr><td>{when}</td><td>{html.escape(r['method'])}</td>"
            f"<td>{html.escape(r['path'])}</td><td>{html.escape(str(status))}</td></tr>"
        )
    return "".join(rows) or "<tr><td colspan='4'>No calls yet.</td></tr>"


def control_page(sim, path=ANY_PATH):
    name = html.escape(sim.name)
    stats = sim.stats()
    down = "DOWN (every call answers 503)" if sim.partner_down else "up"
    buttons = "\n".join(
        f'<button name="action" value="{action}">{html.escape(label)}</button>'
        for action, label in PAGE_ACTIONS
    )
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>Partner simulator: {name}</title>
<style>body{{font-family:sans-serif;margin:2em}}td,th{{padding:2px 12px;
text-align:left}}button{{margin:4px 4px 4px 0}}</style></head>
<body><h1>Partner simulator: {name}</h1>
<p>Partner is <b>{down}</b>. Scripted answers waiting:
{sim.state.pending_script_entries()}. Calls received: {stats["received"]},
tokens issued: {stats["tokens_issued"]}.</p>
<form method="post" action="{CONTROL_PREFIX}/ui">
<label>Path for the next-call buttons (* = any call):
<input name="path" value="{html.escape(path)}" size="30"></label><br>
{buttons}
</form>
<h2>Recent calls</h2>
<table><tr><th>Time</th><th>Method</th><th>Path</th><th>Status</th></tr>
{_request_rows(sim)}</table>
<p><a href="{CONTROL_PREFIX}/requests">All calls as JSON</a></p>
<script>
setInterval(function () {{
  if (document.activeElement.name !== "path") location.reload();
}}, 5000);
</script>
</body></html>"""


# ---------------------------------------------------------------- public API
