# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib

from odoo import _, api, models
from odoo.exceptions import AccessError, UserError

from ..lib import ops_config
from ..lib.ops_config import ALIASES, ConfigError

MANAGER_GROUP = "healthcare_integration_core.group_hc_manager"
SCALAR_TYPES = {
    "char": (str,),
    "text": (str,),
    "selection": (str,),
    "integer": (int,),
    "float": (int, float),
    "boolean": (bool,),
}


class HcConfigIo(models.AbstractModel):
    """Configuration as code: export backends, flows and crosswalks to a YAML
    file, import one into another database after a dry run.

    The file holds no secret: only whether each is set. An import refuses a
    file that carries secret values, applies all of its changes or none, and
    is audited. From code::

        text = env["hc.config.io"]._export_config()
        preview = env["hc.config.io"]._import_config(text, dry_run=True)
        env["hc.config.io"]._import_config(text, dry_run=False)
    """

    _name = "hc.config.io"
    _description = "Integration Configuration Export and Import"

    # ------------------------------------------------------------------ hooks

    @api.model
    def _config_backend_fields(self):
        """Backend settings carried by the file: what ``hc.backend``
        declares (``_hc_config_fields``)."""
        return self.env["hc.backend"]._hc_config_fields()

    @api.model
    def _config_flow_fields(self):
        """Flow settings carried by the file: what ``hc.flow`` declares."""
        return self.env["hc.flow"]._hc_config_fields()

    def _check_manager(self):
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(_("Only integration managers export or import."))

    # ------------------------------------------------------------------ export

    @api.model
    def _export_config(self, backends=None):
        """The YAML text of ``backends`` (all when None), secrets left out."""
        self._check_manager()
        return ops_config.render(self._document(backends))

    @api.model
    def _document(self, backends=None):
        if backends is None:
            backends = self.env["hc.backend"].with_context(active_test=False)
            backends = backends.search([])
        slots = self._secret_slots(backends)
        return {
            ops_config.VERSION_KEY: ops_config.VERSION,
            "backends": {
                backend.code: self._backend_doc(backend, slots) for backend in backends
            },
        }

    def _secret_slots(self, backends):
        rows = (
            self.env["hc.backend.secret"]
            .sudo()
            .search_read(
                [("backend_id", "in", backends.ids), ("ciphertext", "!=", "")],
                ["backend_id", "slot"],
            )
        )
        return {(row["backend_id"][0], row["slot"]) for row in rows}

    def _backend_doc(self, backend, slots):
        doc = {name: self._out(backend, name) for name in self._config_backend_fields()}
        doc["secrets"] = {
            slot: (backend.id, slot) in slots for slot in ops_config.SECRET_SLOTS
        }
        flows = backend.with_context(active_test=False).flow_ids
        doc["flows"] = {flow.code: self._flow_doc(flow) for flow in flows}
        entries = (
            self.env["hc.crosswalk"]
            .with_context(active_test=False)
            .search([("backend_id", "=", backend.id)])
        )
        xmlids = self._xmlids(entries.mapped("record_ref"))
        crosswalks = {}
        for entry in entries:
            crosswalks.setdefault(entry.domain, {})[entry.external_code] = {
                "label": entry.external_label or None,
                "odoo_value": entry.odoo_value or None,
                "record": self._record_doc(entry.record_ref, xmlids),
                "active": entry.active,
            }
        doc["crosswalks"] = crosswalks
        return doc

    def _flow_doc(self, flow):
        doc = {name: self._out(flow, name) for name in self._config_flow_fields()}
        doc["redactions"] = [
            {"path": rule.path, "mode": rule.mode} for rule in flow.redaction_ids
        ]
        return doc

    def _out(self, record, name):
        field_name = ALIASES.get(name, name)
        value = record[field_name]
        field = record._fields[field_name]
        if field.type == "many2one":
            return self._reference_out(value)
        if field.type in ("char", "text", "selection"):
            return value or None
        return value

    @staticmethod
    def _reference_out(record):
        if not record:
            return None
        if record._name == "res.users":
            return record.login
        if record._name == "hc.flow.type":
            return record.code
        return record.display_name

    def _xmlids(self, records):
        """{(model, id): external id} of records of any models, one query each."""
        by_model = {}
        for record in records:
            if record:
                by_model.setdefault(record._name, set()).add(record.id)
        xmlids = {}
        for model, ids in by_model.items():
            found = self.env[model].browse(sorted(ids)).get_external_id()
            xmlids.update({(model, rid): xmlid for rid, xmlid in found.items()})
        return xmlids

    def _record_doc(self, record, xmlids=None):
        """A record as the file names it: by external id, else by name."""
        if not record:
            return None
        if xmlids is None:
            xmlids = self._xmlids([record])
        xmlid = xmlids.get((record._name, record.id))
        if xmlid and not xmlid.startswith(("__export__.", "__import__.")):
            return {"model": record._name, "xmlid": xmlid}
        return {"model": record._name, "name": record[record._rec_name]}

    # ------------------------------------------------------------------ import

    @api.model
    def _import_config(self, text, dry_run=True, prune=False):
        """Compare a file with the database and, unless ``dry_run``, apply it.

        Returns {"changes": [line, ...], "missing_secrets": [line, ...],
        "applied": bool}; raises UserError listing every problem of a file
        that cannot be imported (nothing is written then).
        """
        self._check_manager()
        try:
            target = ops_config.parse(
                text, self._config_backend_fields(), self._config_flow_fields()
            )
            target = self._normalize(target)
        except ConfigError as exc:
            raise UserError(
                _("The file cannot be imported:\n%s", "\n".join(exc.errors))
            ) from None
        codes = list(target.get("backends") or {})
        backends = self.env["hc.backend"].with_context(active_test=False)
        current = self._document(backends.search([("code", "in", codes)]))
        changes = ops_config.diff(current, target, prune=prune)
        result = {
            "changes": [change.text() for change in changes],
            "missing_secrets": [
                self.env._(
                    "Set the %(slot)s of backend %(backend)s", slot=slot, backend=code
                )
                for code, slot in ops_config.missing_secrets(current, target)
            ],
            "applied": False,
        }
        if not dry_run and changes:
            self.env["hc.config.apply"]._apply_all(changes)
            result["applied"] = True
        self.env["hc.audit.log"]._log(
            "config_import_preview" if dry_run else "config_import",
            None,
            {
                "sha256": hashlib.sha256(text.encode()).hexdigest(),
                "prune": prune,
                "changes": result["changes"],
            },
        )
        return result

    # ------------------------------------------------------------------ checking

    def _normalize(self, document):
        """The file's values as the database would export them; ConfigError
        lists every reference that does not resolve and every wrong value."""
        errors = []
        backends = {}
        for code, backend in (document.get("backends") or {}).items():
            where = f"backend {code}"
            values = self._normalize_values("hc.backend", where, backend, errors)
            values["flows"] = {
                str(flow_code): {
                    **self._normalize_values(
                        "hc.flow", f"{where}, flow {flow_code}", flow, errors
                    ),
                    **(
                        {"redactions": self._normalize_redactions(flow["redactions"])}
                        if "redactions" in flow
                        else {}
                    ),
                }
                for flow_code, flow in (backend.get("flows") or {}).items()
            }
            if "flows" not in backend:
                values.pop("flows")
            if "crosswalks" in backend:
                values["crosswalks"] = self._normalize_crosswalks(
                    where, backend["crosswalks"] or {}, errors
                )
            if "secrets" in backend:
                values["secrets"] = backend["secrets"] or {}
            backends[str(code)] = values
        if errors:
            raise ConfigError(errors)
        return {**document, "backends": backends}

    @staticmethod
    def _normalize_redactions(rules):
        return [
            {"path": rule.get("path"), "mode": rule.get("mode") or "mask"}
            for rule in rules or []
        ]

    def _normalize_values(self, model, where, values, errors):
        records = self.env[model]
        normalized = {}
        for name, value in values.items():
            if name in (*ops_config.BACKEND_CHILDREN, *ops_config.FLOW_CHILDREN):
                continue
            field = records._fields[ALIASES.get(name, name)]
            try:
                normalized[name] = self._check_value(field, value)
            except ValueError as exc:
                errors.append(f"{where}: {name}: {exc}")
        return normalized

    def _check_value(self, field, value):
        if value is None or (value is False and field.type != "boolean"):
            return None if field.type != "boolean" else False
        if field.type == "many2one":
            return self._reference_out(self._resolve(field.comodel_name, value))
        expected = SCALAR_TYPES.get(field.type)
        if expected and (
            not isinstance(value, expected)
            or (field.type in ("integer", "float") and isinstance(value, bool))
        ):
            raise ValueError(
                _("%(value)r is not a %(type)s", value=value, type=field.type)
            )
        if field.type == "selection":
            allowed = [key for key, _label in field._description_selection(self.env)]
            if value not in allowed:
                raise ValueError(
                    _(
                        "%(value)r is not one of %(allowed)s",
                        value=value,
                        allowed=allowed,
                    )
                )
        if field.type in ("char", "text") and value == "":
            return None
        return value

    def _resolve(self, model, value):
        """The record a file names: a user by login, a flow type by code, a
        company by name."""
        if model == "res.users":
            domain = [("login", "=", value)]
        elif model == "hc.flow.type":
            domain = [("code", "=", value)]
        else:
            domain = [(self.env[model]._rec_name, "=", value)]
        found = self.env[model].with_context(active_test=False).search(domain, limit=2)
        if len(found) != 1:
            raise ValueError(
                _(
                    "%(value)r matches %(count)s %(model)s record(s), not one",
                    value=value,
                    count=len(found),
                    model=model,
                )
            )
        return found

    def _normalize_crosswalks(self, where, crosswalks, errors):
        normalized = {}
        domains = self.env["hc.crosswalk"]._fields["domain"]
        for domain, entries in crosswalks.items():
            try:
                self._check_value(domains, domain)
            except ValueError as exc:
                errors.append(f"{where}, crosswalks: {exc}")
            for ext_code, entry in (entries or {}).items():
                entry = dict(entry or {})
                if entry.get("record"):
                    try:
                        record = self._resolve_record(entry["record"])
                        entry["record"] = self._record_doc(record)
                    except ValueError as exc:
                        errors.append(
                            f"{where}, crosswalk {domain}/{ext_code}: record: {exc}"
                        )
                normalized.setdefault(str(domain), {})[str(ext_code)] = entry
        return normalized

    def _resolve_record(self, ref):
        model = ref.get("model")
        if model not in self.env:
            raise ValueError(_("model %s is not installed", model))
        if ref.get("xmlid"):
            record = self.env.ref(ref["xmlid"], raise_if_not_found=False)
            if not record or record._name != model:
                raise ValueError(
                    _("no %(model)s %(xmlid)s", model=model, xmlid=ref["xmlid"])
                )
            return record
        return self._resolve(model, ref.get("name"))
