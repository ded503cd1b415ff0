"""What the partner simulator received and how it must answer: calls,
scripted answers, modes, idempotent accepts, OAuth2 tokens and paged feeds,
behind one lock (``SimulatorState``), and the parsing helpers they share."""

import base64
import binascii
import bisect
import copy
import hmac
import json
import secrets
import threading
import time
from urllib.parse import parse_qs

CONTROL_PREFIX = "/_sim"
FAVICON_PATH = "/favicon.ico"
TOKEN_PATH = "/oauth/token"
FEED_PREFIX = "/feeds/"
ANY_PATH = "*"
JSON_TYPE = "application/json"
DEFAULT_OAUTH_CLIENTS = {"demo-client": "demo-secret"}
DEFAULT_TOKEN_LIFETIME = 3600
SCRIPT_KEYS = {"status", "headers", "json", "body", "delay", "drop", "repeat"}


def validate_responses(responses):
    """Copies of scripted response entries; ValueError names the first bad one."""
    if not isinstance(responses, list) or not responses:
        raise ValueError("responses must be a non-empty list of objects")
    return [_validated_entry(n, entry) for n, entry in enumerate(responses)]


def _validated_entry(index, entry):
    if not isinstance(entry, dict):
        raise ValueError(f"responses[{index}] must be an object")
    unknown = set(entry) - SCRIPT_KEYS
    if unknown:
        raise ValueError(f"responses[{index}]: unknown keys {sorted(unknown)}")
    status = entry.get("status")
    if status is not None and not (isinstance(status, int) and 100 <= status <= 599):
        raise ValueError(f"responses[{index}]: status must be an int 100-599")
    if "json" in entry and "body" in entry:
        raise ValueError(f"responses[{index}]: give json or body, not both")
    if not isinstance(entry.get("headers", {}), dict):
        raise ValueError(f"responses[{index}]: headers must be an object")
    delay = entry.get("delay", 0)
    if not isinstance(delay, (int, float)) or delay < 0:
        raise ValueError(f"responses[{index}]: delay must be seconds >= 0")
    repeat = entry.get("repeat", 1)
    if not isinstance(repeat, int) or repeat < 1:
        raise ValueError(f"responses[{index}]: repeat must be an int >= 1")
    return copy.deepcopy(entry)


def feed_sort_key(item):
    item_id = item.get("id")
    # Numeric ids sort as numbers so that 10 comes after 9.
    if isinstance(item_id, (int, float)) and not isinstance(item_id, bool):
        return (str(item.get("updated_at") or ""), 0, item_id, "")
    return (str(item.get("updated_at") or ""), 1, 0, str(item_id))


def encode_cursor(item):
    raw = json.dumps([item.get("updated_at"), item.get("id")]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor):
    """The sort key of the item a cursor points after; ValueError if garbled."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        updated_at, item_id = json.loads(base64.urlsafe_b64decode(padded))
    except (binascii.Error, ValueError, TypeError) as exc:
        raise ValueError("invalid cursor") from exc
    return feed_sort_key({"updated_at": updated_at, "id": item_id})


def query_dict(query_string):
    parsed = parse_qs(query_string, keep_blank_values=True)
    return {k: v[0] if len(v) == 1 else v for k, v in parsed.items()}


def first_value(query, name):
    value = query.get(name)
    return value[0] if isinstance(value, list) else value


# ---------------------------------------------------------------- state


class SimulatorState:
    """What the simulator received and how it must answer, behind one lock."""

    def __init__(self, name):
        self.name = name
        self.lock = threading.Lock()
        self.oauth_clients = dict(DEFAULT_OAUTH_CLIENTS)
        self.token_lifetime = DEFAULT_TOKEN_LIFETIME
        self.require_bearer = False
        self.reset()

    def reset(self):
        with self.lock:
            self.received = []
            self.scripts = []  # [path, method or None, [[entry, uses left], ...]]
            self.modes = {}  # path or ANY_PATH -> (status, headers)
            self.feeds = {}  # name -> (sorted items, their sort keys, page size)
            self.replies = {}  # (path, idempotency key) -> (status, body)
            self.deliveries = {}
            self.replays = {}
            self.tokens = {}  # access token -> monotonic expiry
            self.tokens_issued = 0

    # recording

    def record(self, method, url, headers, body):
        record = {
            "method": method,
            "path": url.path,
            "query": query_dict(url.query),
            "headers": dict(headers.items()),
            "body": body.decode("utf-8", errors="replace"),
            "received_at": time.time(),
            "status": None,
            "dropped": False,
        }
        with self.lock:
            self.received.append(record)
            return record, len(self.received)

    def set_outcome(self, record, status):
        with self.lock:
            record["status"] = status
            record["dropped"] = status is None

    def requests(self, path=None, method=None):
        method = method.upper() if method else None
        with self.lock:
            return [
                copy.deepcopy(r)
                for r in self.received
                if (path is None or r["path"] == path)
                and (method is None or r["method"] == method)
            ]

    # scripts and modes

    def add_script(self, path, responses, method=None):
        entries = [[e, e.get("repeat", 1)] for e in validate_responses(responses)]
        with self.lock:
            self.scripts.append([path, method.upper() if method else None, entries])

    def take_script_entry(self, path, method):
        with self.lock:
            for s_path, s_method, entries in self.scripts:
                if s_path not in (path, ANY_PATH) or s_method not in (None, method):
                    continue
                if entries:
                    entry = entries[0]
                    entry[1] -= 1
                    if entry[1] <= 0:
                        entries.pop(0)
                    return entry[0]
        return None

    def pending_script_entries(self):
        with self.lock:
            return sum(left for _p, _m, entries in self.scripts for _e, left in entries)

    def set_mode(self, path, status, headers=None):
        if status is not None and not (
            isinstance(status, int) and 100 <= status <= 599
        ):
            raise ValueError("status must be an int 100-599, or null to clear")
        with self.lock:
            if status is None:
                self.modes.pop(path, None)
            else:
                self.modes[path] = (status, dict(headers or {}))

    def mode_for(self, path):
        with self.lock:
            return self.modes.get(path) or self.modes.get(ANY_PATH)

    # idempotent accepts

    def accept(self, path, key, number, status):
        """The answer to a call, and whether it replays an earlier one."""
        with self.lock:
            if key and (path, key) in self.replies:
                self.replays[key] = self.replays.get(key, 0) + 1
                return self.replies[(path, key)], True
            reply = (
                status,
                {
                    "status": "accepted",
                    "id": f"{self.name}-{number}",
                    "received": number,
                },
            )
            if key:
                self.replies[(path, key)] = reply
                self.deliveries[key] = self.deliveries.get(key, 0) + 1
            return reply, False

    # oauth

    def issue_token(self, client_id, client_secret):
        with self.lock:
            known = self.oauth_clients.get(client_id)
            if known is None or not hmac.compare_digest(
                known.encode(), (client_secret or "").encode()
            ):
                return None
            token = secrets.token_urlsafe(24)
            self.tokens[token] = time.monotonic() + self.token_lifetime
            self.tokens_issued += 1
            return {
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": self.token_lifetime,
            }

    def token_valid(self, token):
        with self.lock:
            expiry = self.tokens.get(token or "")
        return expiry is not None and time.monotonic() < expiry

    def revoke_tokens(self):
        with self.lock:
            self.tokens.clear()

    # feeds

    def set_feed(self, name, items, page_size):
        if not isinstance(page_size, int) or page_size < 1:
            raise ValueError("page_size must be an int >= 1")
        if not all(isinstance(item, dict) for item in items):
            raise ValueError("feed items must be objects")
        ordered = sorted(copy.deepcopy(list(items)), key=feed_sort_key)
        keys = [feed_sort_key(item) for item in ordered]
        with self.lock:
            self.feeds[name] = (ordered, keys, page_size)

    def feed_page(self, name, since, cursor, limit):
        """One page after ``since`` and ``cursor``, found by bisection as a
        partner's index would (a scan per page makes long feeds quadratic)."""
        with self.lock:
            items, keys, page_size = self.feeds.get(name, ([], [], 2))
        size = min(limit, page_size) if limit else page_size
        start = bisect.bisect_right(keys, since or "", key=lambda key: key[0])
        if cursor:
            start = max(start, bisect.bisect_right(keys, decode_cursor(cursor)))
        page = copy.deepcopy(items[start : start + size])
        more = len(items) > start + size
        return {
            "items": page,
            "next_cursor": encode_cursor(page[-1]) if more else None,
            "watermark": page[-1].get("updated_at") if page else since,
        }

    def stats(self):
        with self.lock:
            return {
                "name": self.name,
                "received": len(self.received),
                "tokens_issued": self.tokens_issued,
                "deliveries": sum(self.deliveries.values()),
                "replays": sum(self.replays.values()),
                "modes": {path: status for path, (status, _h) in self.modes.items()},
            }


# ---------------------------------------------------------------- HTTP server
