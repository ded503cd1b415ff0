# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import psycopg2

from odoo import _, models
from odoo.exceptions import UserError, ValidationError

from ..lib import ops_config
from ..lib.ops_config import ALIASES


class HcConfigApply(models.AbstractModel):
    """Writes the changes an import found (``hc.config.io._import_config``):
    all of them or none. Backends, flows and crosswalks are written through
    the ORM, so their own checks apply and their audit trail is kept.
    """

    _name = "hc.config.apply"
    _description = "Integration Configuration Import (apply)"

    def _apply_all(self, changes):
        """Apply every change, or none: a failure rolls them all back."""
        try:
            with self.env.cr.savepoint():
                self._apply(changes)
        except (ValidationError, UserError, ValueError, psycopg2.IntegrityError) as exc:
            raise UserError(
                _("The import was not applied, nothing changed: %s", exc)
            ) from None

    def _apply(self, changes):
        updates = {}
        for change in changes:
            if change.op == "update":
                updates.setdefault((change.kind, change.key), {})[change.field] = (
                    change.after
                )
        # backends first: their flows and crosswalks refer to them
        for change in changes:
            if change.kind != "backend":
                continue
            if change.op == "create":
                self.env["hc.backend"].create(
                    self._vals("hc.backend", change.after, code=change.key[0])
                )
            elif (change.kind, change.key) in updates:
                self._find("backend", change.key).write(
                    self._vals("hc.backend", updates.pop((change.kind, change.key)))
                )
        for change in changes:
            if change.kind == "flow":
                self._apply_flow(change, updates)
            elif change.kind == "crosswalk":
                self._apply_crosswalk(change, updates)

    def _find(self, kind, key):
        if kind == "backend":
            domain = [("code", "=", key[0])]
            model = "hc.backend"
        elif kind == "flow":
            domain = [("backend_id.code", "=", key[0]), ("code", "=", key[1])]
            model = "hc.flow"
        else:
            domain = [
                ("backend_id.code", "=", key[0]),
                ("domain", "=", key[1]),
                ("external_code", "=", key[2]),
            ]
            model = "hc.crosswalk"
        return self.env[model].with_context(active_test=False).search(domain, limit=1)

    def _apply_flow(self, change, updates):
        flow = self._find("flow", change.key)
        if change.op == "archive":
            flow.active = False
            return
        if change.op == "create":
            values = dict(change.after)
            redactions = values.pop("redactions", [])
            flow = self.env["hc.flow"].create(
                self._vals(
                    "hc.flow",
                    values,
                    code=change.key[1],
                    backend_id=self._find("backend", change.key[:1]).id,
                )
            )
            self._set_redactions(flow, redactions)
            return
        values = updates.pop((change.kind, change.key), None)
        if values is None:
            return
        redactions = values.pop("redactions", None)
        if values:
            flow.write(self._vals("hc.flow", values))
        if redactions is not None:
            self._set_redactions(flow, redactions)

    def _set_redactions(self, flow, rules):
        flow.redaction_ids.unlink()
        self.env["hc.flow.redaction"].create(
            [
                {
                    "flow_id": flow.id,
                    "sequence": index,
                    "path": rule.get("path"),
                    "mode": rule.get("mode") or "mask",
                }
                for index, rule in enumerate(rules or [], start=1)
            ]
        )

    def _apply_crosswalk(self, change, updates):
        entry = self._find("crosswalk", change.key)
        if change.op == "archive":
            entry.active = False
            return
        if change.op == "create":
            self.env["hc.crosswalk"].create(
                self._vals(
                    "hc.crosswalk",
                    change.after,
                    backend_id=self._find("backend", change.key[:1]).id,
                    domain=change.key[1],
                    external_code=change.key[2],
                )
            )
            return
        values = updates.pop((change.kind, change.key), None)
        if values:
            entry.write(self._vals("hc.crosswalk", values))

    def _vals(self, model, values, **extra):
        """ORM values of settings as the file writes them."""
        records = self.env[model]
        vals = dict(extra)
        for name, value in values.items():
            if name in ops_config.BACKEND_CHILDREN:
                continue
            if name == "record":
                record = (
                    self.env["hc.config.io"]._resolve_record(value) if value else None
                )
                vals["record_ref"] = f"{record._name},{record.id}" if record else False
                continue
            field_name = ALIASES.get(name, name)
            field = records._fields[field_name]
            if field.type == "many2one":
                vals[field_name] = (
                    self.env["hc.config.io"]._resolve(field.comodel_name, value).id
                    if value
                    else False
                )
            else:
                vals[field_name] = value if value is not None else False
        return vals
