"""Configuration as code: backends, flows and crosswalks as a YAML document.

The document is plain data, keyed by the codes people know, sorted, with one
field per line, so that two exports diff line by line::

    healthcare_integration_config: 1
    backends:
      demo_partner:
        base_url: http://127.0.0.1:8075
        secrets: {credential: true, webhook: true, ...}   # set or not, never values
        flows:
          order_out:
            flow_type: core.send
            redactions: [{path: $.patient.name, mode: mask}]
        crosswalks:
          supplier:
            SUP-001: {label: ..., odoo_value: ..., record: null, active: true}

This module parses and checks a document (refusing any secret value), renders
one, and computes the differences between two of them. Database-free.
"""

from dataclasses import dataclass

import yaml

VERSION_KEY = "healthcare_integration_config"
VERSION = 1
SECRET_SLOTS = ("credential", "webhook", "tls_key", "ssh_key")
# names of fields that carry secret values: never accepted from a file
SECRET_KEYS = frozenset(
    {
        "credential_secret",
        "webhook_secret",
        "client_key_pem",
        "ssh_key_pem",
        "password",
        "secret",
        "token",
        "api_key",
        "client_secret",
        "private_key",
    }
)
PRIVATE_KEY_MARK = "PRIVATE KEY-----"
# names in the file -> fields of the models
ALIASES = {
    "company": "company_id",
    "business_owner": "business_owner_id",
    "technical_owner": "technical_owner_id",
    "flow_type": "flow_type_id",
    "label": "external_label",
}
BACKEND_CHILDREN = ("flows", "crosswalks", "secrets")
FLOW_CHILDREN = ("redactions",)
CROSSWALK_FIELDS = ("label", "odoo_value", "record", "active")
REDACTION_FIELDS = ("path", "mode")
RECORD_KEYS = ("model", "xmlid", "name")


class ConfigError(ValueError):
    """A document that cannot be imported; ``errors`` says why, one per line."""

    def __init__(self, errors):
        super().__init__("\n".join(errors))
        self.errors = list(errors)


@dataclass(frozen=True)
class Change:
    """One difference between the database and a document.

    ``op`` is create, update or archive; ``kind`` backend, flow or crosswalk;
    ``key`` the codes naming the object; ``field`` the changed field (update).
    """

    op: str
    kind: str
    key: tuple
    field: str | None = None
    before: object = None
    after: object = None

    def text(self):
        name = f"{self.kind} {'/'.join(self.key)}"
        if self.op == "create":
            return f"+ {name}"
        if self.op == "archive":
            return f"- {name} (archived: not in the file)"
        return f"~ {name}: {self.field}: {_short(self.before)} -> {_short(self.after)}"


def _short(value, limit=80):
    text = yaml.safe_dump(value, default_flow_style=True, width=10_000).strip()
    text = text.removesuffix("\n...").removesuffix("...").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------------- rendering


class _Dumper(yaml.SafeDumper):
    """Block scalars for multi-line text (schemas, certificates, payloads)."""


def _represent_str(dumper, value):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def render(document):
    """The document as YAML text: keys sorted, stable from one export to the next."""
    return yaml.dump(
        document,
        Dumper=_Dumper,
        sort_keys=True,
        allow_unicode=True,
        default_flow_style=False,
        width=88,
    )


# ---------------------------------------------------------------------- parsing


def parse(text, backend_fields, flow_fields):
    """The checked document of ``text``; raises ConfigError listing every problem.

    ``backend_fields`` and ``flow_fields`` are the settings a backend and a
    flow may carry (the database side decides which ones it exports).
    """
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError([f"Not a YAML document: {exc}"]) from None
    errors = []
    if not isinstance(document, dict) or document.get(VERSION_KEY) != VERSION:
        raise ConfigError(
            [f"Not a configuration file: the first key must be '{VERSION_KEY}: 1'."]
        )
    unknown = set(document) - {VERSION_KEY, "backends"}
    if unknown:
        errors.append(f"Unknown top-level key(s): {', '.join(sorted(unknown))}")
    backends = document.get("backends")
    if backends is None:
        backends = {}
    if not isinstance(backends, dict):
        raise ConfigError(["'backends' must map backend codes to their settings."])
    for code, backend in backends.items():
        errors += _check_backend(str(code), backend, backend_fields, flow_fields)
    errors += [f"{path}: {why}" for path, why in find_secrets(document)]
    if errors:
        raise ConfigError(errors)
    return document


def _children(where, node, key, errors):
    """The mapping ``node[key]`` ({} when absent); an error when not a mapping."""
    value = node.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        errors.append(f"{where}: '{key}' must be a mapping")
        return {}
    return value


def _check_mapping(where, value, allowed):
    if not isinstance(value, dict):
        return [f"{where}: expected a mapping of settings"]
    unknown = sorted(set(value) - set(allowed))
    return [f"{where}: unknown field(s) {', '.join(map(str, unknown))}"] * bool(unknown)


def _check_backend(code, backend, backend_fields, flow_fields):
    where = f"backend {code}"
    errors = _check_mapping(where, backend, (*backend_fields, *BACKEND_CHILDREN))
    if errors and not isinstance(backend, dict):
        return errors
    secrets_set = _children(where, backend, "secrets", errors)
    errors += [
        f"{where}: unknown secret slot {slot}"
        for slot in secrets_set
        if slot not in SECRET_SLOTS
    ]
    for flow_code, flow in _children(where, backend, "flows", errors).items():
        errors += _check_flow(f"{where}, flow {flow_code}", flow, flow_fields)
    crosswalks = _children(where, backend, "crosswalks", errors)
    for domain, entries in crosswalks.items():
        if not isinstance(entries, dict):
            errors.append(f"{where}, crosswalks {domain}: expected a mapping")
            continue
        for ext_code, entry in entries.items():
            errors += _check_crosswalk(f"{where}, crosswalk {domain}/{ext_code}", entry)
    return errors


def _check_flow(where, flow, flow_fields):
    errors = _check_mapping(where, flow, (*flow_fields, *FLOW_CHILDREN))
    if errors and not isinstance(flow, dict):
        return errors
    if not flow.get("flow_type"):
        errors.append(f"{where}: 'flow_type' (the type's code) is required")
    redactions = flow.get("redactions") or []
    if not isinstance(redactions, list):
        return [*errors, f"{where}: 'redactions' is a list"]
    for index, rule in enumerate(redactions, start=1):
        errors += _check_mapping(f"{where}, redaction {index}", rule, REDACTION_FIELDS)
    return errors


def _check_crosswalk(where, entry):
    errors = _check_mapping(where, entry, CROSSWALK_FIELDS)
    record = entry.get("record") if isinstance(entry, dict) else None
    if record is not None:
        if not isinstance(record, dict) or not record.get("model"):
            errors.append(f"{where}: 'record' names a model and an xmlid or a name")
        else:
            errors += _check_mapping(f"{where}, record", record, RECORD_KEYS)
    return errors


def find_secrets(node, path="document"):
    """[(path, why)] of every secret value in a document (there must be none)."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            where = f"{path}.{key}"
            if key == "secrets" and isinstance(value, dict):
                found += [
                    (
                        f"{where}.{slot}",
                        "secret values are never imported: only "
                        "true or false says whether it is set",
                    )
                    for slot, flag in value.items()
                    if not isinstance(flag, bool)
                ]
                continue
            if str(key).lower() in SECRET_KEYS and value not in (None, "", False):
                found.append((where, "secret values are never imported"))
                continue
            found += find_secrets(value, where)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += find_secrets(value, f"{path}[{index}]")
    elif isinstance(node, str) and PRIVATE_KEY_MARK in node:
        found.append((path, "a private key is never imported"))
    return found


# ---------------------------------------------------------------------- diff


def diff(current, target, prune=False):
    """The changes that make ``current`` (the database) match ``target`` (a file).

    Fields absent from the file are left as they are. With ``prune``, flows and
    crosswalks of the file's backends that the file does not list are archived.
    """
    changes = []
    now = current.get("backends") or {}
    for code, wanted in sorted((target.get("backends") or {}).items()):
        changes += _diff_backend(str(code), now.get(code), wanted, prune)
    return changes


def _settings(values, children):
    return {k: v for k, v in (values or {}).items() if k not in children}


def _diff_fields(kind, key, before, after):
    return [
        Change("update", kind, key, name, before.get(name), value)
        for name, value in sorted(after.items())
        if before.get(name) != value
    ]


def _diff_backend(code, before, after, prune):
    key = (code,)
    if before is None:
        changes = [
            Change("create", "backend", key, after=_settings(after, BACKEND_CHILDREN))
        ]
        before = {}
    else:
        changes = _diff_fields(
            "backend",
            key,
            _settings(before, BACKEND_CHILDREN),
            _settings(after, BACKEND_CHILDREN),
        )
    changes += _diff_flows(code, before.get("flows") or {}, after.get("flows"), prune)
    changes += _diff_crosswalks(
        code, before.get("crosswalks") or {}, after.get("crosswalks"), prune
    )
    return changes


def _diff_flows(code, before, after, prune):
    changes = []
    if after is None:
        return changes
    for flow_code, wanted in sorted(after.items()):
        key = (code, str(flow_code))
        existing = before.get(flow_code)
        if existing is None:
            changes.append(Change("create", "flow", key, after=wanted))
            continue
        changes += _diff_fields("flow", key, existing, wanted)
    if prune:
        changes += [
            Change("archive", "flow", (code, str(flow_code)))
            for flow_code, existing in sorted(before.items())
            if flow_code not in after and existing.get("active", True)
        ]
    return changes


def _diff_crosswalks(code, before, after, prune):
    changes = []
    if after is None:
        return changes
    for domain, entries in sorted(after.items()):
        present = before.get(domain) or {}
        for ext_code, wanted in sorted((entries or {}).items()):
            key = (code, str(domain), str(ext_code))
            existing = present.get(ext_code)
            if existing is None:
                changes.append(Change("create", "crosswalk", key, after=wanted))
                continue
            changes += _diff_fields("crosswalk", key, existing, wanted)
    if prune:
        for domain, entries in sorted(before.items()):
            for ext_code, existing in sorted(entries.items()):
                if ext_code not in (after.get(domain) or {}) and existing.get(
                    "active", True
                ):
                    changes.append(
                        Change("archive", "crosswalk", (code, domain, ext_code))
                    )
    return changes


def missing_secrets(current, target):
    """[(backend code, slot)] set at the file's source but not in the database."""
    missing = []
    now = current.get("backends") or {}
    for code, wanted in sorted((target.get("backends") or {}).items()):
        have = (now.get(code) or {}).get("secrets") or {}
        for slot, is_set in sorted((wanted.get("secrets") or {}).items()):
            if is_set and not have.get(slot):
                missing.append((str(code), slot))
    return missing
