# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from markupsafe import Markup, escape

from odoo import Command, _, fields, models

from odoo.addons.healthcare_integration_core.exceptions import HcBusinessError
from odoo.addons.healthcare_integration_core.lib import schema

from ..lib import documents as docs
from ..lib import suppliers as lib


class HcHandlerProcurementSupplier(models.AbstractModel):
    """Supplier master in: upsert suppliers, addresses, payment terms, banks.

    Webhook (one supplier, or a list) or batch pull (pages of suppliers). A
    supplier is matched by VAT, then GLN, then the backend's supplier
    crosswalk, never by name. The procurement platform owns the fields it
    sends: they are written on every sync (the changes are posted in the
    partner's chatter); the fields it does not send stay Odoo's.
    """

    _name = "hc.handler.procurement.supplier"
    _inherit = "hc.handler"
    _description = "Procurement handler: supplier master in"
    _hc_directions = ("inbound",)

    def screen_payload(self, flow, body):
        """Keep only the supplier fields the flow uses (data minimization)."""
        document = schema.load_json(body)
        if isinstance(document, list):
            kept = [lib.minimize(r) if isinstance(r, dict) else r for r in document]
        elif isinstance(document, dict):
            kept = lib.minimize(document)
        else:
            return body
        return json.dumps(kept, ensure_ascii=False, sort_keys=True).encode()

    def process(self, message, document):
        records = document if isinstance(document, list) else [document]
        partners = self.env["res.partner"]
        for record in records:
            partners |= self._upsert(message.backend_id, record)
        return partners

    def process_items(self, message, items):
        counts = {"created": 0, "updated": 0, "skipped": 0, "failed": 0, "issues": []}
        for item in items:
            code = item.get("supplier_id") if isinstance(item, dict) else None
            try:
                with self.env.cr.savepoint():
                    existed = self._find_existing(message.backend_id, item)
                    self._upsert(message.backend_id, item)
            except (HcBusinessError, docs.DocumentError) as exc:
                counts["failed"] += 1
                counts["issues"].append(
                    {
                        "item": code,
                        "kind": getattr(exc, "kind", "invalid_supplier"),
                        "code": code,
                        "text": str(exc),
                    }
                )
                if getattr(exc, "records", None):
                    self._conflict_activity(message, exc)
                continue
            counts["updated" if existed else "created"] += 1
        return counts

    # ------------------------------------------------------------------ matching

    def _partners(self):
        # The processor is granted partner access by this addon's ACL
        return self.env["res.partner"].with_context(active_test=False)

    def _candidates(self, backend, record):
        partners = self._partners()
        vat = lib.normalize_vat(record.get("vat"))
        by_vat = partners.browse()
        if vat:
            # VAT numbers are stored as typed (spaces, dots): compare them bare
            partners.flush_model(["vat", "parent_id"])
            self.env.cr.execute(
                r"""
                SELECT id FROM res_partner
                 WHERE parent_id IS NULL AND vat IS NOT NULL
                   AND upper(regexp_replace(vat, '[\s.\-/]', '', 'g')) = %s
                """,
                (vat,),
            )
            ids = [row[0] for row in self.env.cr.fetchall()]
            by_vat = partners.search([("id", "in", ids)])
        gln = docs.text(record.get("gln"))
        by_gln = (
            partners.search(
                [("parent_id", "=", False), ("global_location_number", "=", gln)]
            )
            if gln
            else partners.browse()
        )
        mapped = self.env["hc.crosswalk"]._record_of(
            backend, "supplier", record["supplier_id"]
        )
        by_code = mapped if mapped and mapped._name == "res.partner" else partners
        return by_vat, by_gln, by_code

    def _find_existing(self, backend, record):
        if not isinstance(record, dict) or not record.get("supplier_id"):
            return None
        decision = self._decide(backend, record)
        return decision.partner_id

    def _decide(self, backend, record):
        by_vat, by_gln, by_code = self._candidates(backend, record)
        every = by_vat | by_gln | by_code
        return lib.decide(
            record,
            by_vat.ids,
            by_gln.ids,
            by_code.ids,
            {p.id: p.vat for p in every},
        )

    def _upsert(self, backend, record):
        try:
            record = lib.read_supplier(record)
        except docs.DocumentError as exc:
            raise HcBusinessError(str(exc), kind="invalid_supplier") from None
        decision = self._decide(backend, record)
        if decision.conflict:
            self._raise_conflict(record, decision)
        values = self._partner_values(backend, record)
        partners = self._partners()
        if decision.is_new:
            partner = partners.create(
                {"is_company": True, "supplier_rank": 1, **values}
            )
            self.env["hc.procurement.resolver"]._note(
                partner,
                _(
                    "Created from supplier %(code)s of %(backend)s.",
                    code=record["supplier_id"],
                    backend=backend.display_name,
                ),
            )
        else:
            partner = partners.browse(decision.partner_id)
            self._write_tracked(partner, values, backend)
        self._sync_addresses(partner, record.get("addresses"))
        self._sync_banks(partner, record.get("bank_accounts"))
        self._remember_code(backend, record["supplier_id"], partner)
        partner.write(
            {
                "hc_supplier_synced_at": fields.Datetime.now(),
                "hc_supplier_sync_backend_id": backend.id,
            }
        )
        return partner

    def _raise_conflict(self, record, decision):
        partners = self._partners().browse(decision.partners)
        names = ", ".join(
            f"{p.display_name} (VAT {p.vat or '-'}, GLN "
            f"{p.global_location_number or '-'})"
            for p in partners
        )
        if decision.conflict == "other_vat":
            text = _(
                "Supplier %(code)s (VAT %(vat)s) matches %(partners)s, whose VAT "
                "differs: check which company this is before merging anything.",
                code=record["supplier_id"],
                vat=record.get("vat"),
                partners=names,
            )
        else:
            text = _(
                "Supplier %(code)s (VAT %(vat)s, GLN %(gln)s) matches several "
                "partners: %(partners)s. Merge or correct them, then replay.",
                code=record["supplier_id"],
                vat=record.get("vat") or "-",
                gln=record.get("gln") or "-",
                partners=names,
            )
        raise HcBusinessError(text, kind="supplier_conflict", records=partners)

    def _conflict_activity(self, message, error):
        self.env["hc.inbound"]._notify_business_owner(message, error)

    # ------------------------------------------------------------------ values

    def _partner_values(self, backend, record):
        values = {
            field: docs.text(record.get(key))
            for key, field in lib.PARTNER_FIELDS.items()
            if key in record
        }
        if values.get("vat"):
            values["vat"] = lib.normalize_vat(values["vat"])
        values["hc_supplier_code"] = record["supplier_id"]
        if "country" in record:
            values["country_id"] = self._country(record.get("country"))
        if "payment_term" in record:
            values["property_supplier_payment_term_id"] = self._payment_term(
                backend, record.get("payment_term")
            )
        return values

    def _country(self, code):
        if not code:
            return False
        country = self.env["res.country"].search(
            [("code", "=", str(code).upper())], limit=1
        )
        if not country:
            raise HcBusinessError(
                _("Unknown country code %s.", code), kind="unknown_country"
            )
        return country.id

    def _payment_term(self, backend, code):
        if not code:
            return False
        term = self.env["hc.crosswalk"]._record_of(backend, "payment_term", code)
        if not term:
            raise HcBusinessError(
                self.env["hc.crosswalk"]._missing_text(
                    backend, {("payment_term", code)}
                ),
                kind="mapping",
            )
        return term.id

    def _write_tracked(self, partner, values, backend):
        """Write the platform's fields; post what changed in the chatter."""
        changes = []
        for name, value in values.items():
            field = partner._fields[name]
            old = partner[name]
            if field.type == "many2one":
                old_value, shown_old = old.id or False, old.display_name or ""
                shown_new = (
                    self.env[field.comodel_name].browse(value).display_name
                    if value
                    else ""
                )
                same = old_value == (value or False)
            else:
                same = (old or False) == (value or False)
                shown_old, shown_new = old or "", value or ""
            if not same:
                changes.append((field.string, shown_old, shown_new))
        if not changes:
            return
        partner.write(values)
        rows = Markup("").join(
            Markup("<li>%s: %s &#8594; %s</li>") % (escape(a), escape(b), escape(c))
            for a, b, c in changes
        )
        self.env["hc.procurement.resolver"]._note(
            partner,
            Markup("%s<ul>%s</ul>")
            % (
                _(
                    "Updated from %s, the system of record of these fields:",
                    backend.display_name,
                ),
                rows,
            ),
        )

    def _sync_addresses(self, partner, addresses):
        if addresses is None:
            return
        children = partner.child_ids.with_context(active_test=False)
        for address in addresses:
            values = {
                field: docs.text(address.get(key))
                for key, field in lib.PARTNER_FIELDS.items()
                if key in address and key != "vat"
            }
            values["type"] = address.get("type") or "other"
            if "country" in address:
                values["country_id"] = self._country(address.get("country"))
            ref = docs.text(address.get("id"))
            gln = docs.text(address.get("gln"))
            existing = children.filtered(
                lambda c, ref=ref, gln=gln: (ref and c.ref == ref)
                or (gln and c.global_location_number == gln)
            )[:1]
            if existing:
                existing.write(values)
            else:
                partner.write(
                    {"child_ids": [Command.create({**values, "ref": ref or False})]}
                )

    def _sync_banks(self, partner, banks):
        if banks is None:
            return
        accounts = self.env["res.partner.bank"].with_context(active_test=False)
        for bank in banks:
            number = docs.text(bank.get("acc_number"))
            existing = accounts.search(
                [("partner_id", "=", partner.id), ("acc_number", "=", number)],
                limit=1,
            )
            values = {"acc_holder_name": docs.text(bank.get("holder")) or False}
            bic = docs.text(bank.get("bic"))
            if bic:
                found = self.env["res.bank"].search([("bic", "=", bic)], limit=1)
                values["bank_id"] = (
                    found or self.env["res.bank"].create({"name": bic, "bic": bic})
                ).id
            if existing:
                existing.write(values)
            else:
                accounts.create(
                    {"partner_id": partner.id, "acc_number": number, **values}
                )

    def _remember_code(self, backend, code, partner):
        crosswalks = self.env["hc.crosswalk"]
        entry = crosswalks._resolve_many(backend, "supplier", [code]).get(code)
        if not entry:
            crosswalks.create(
                {
                    "backend_id": backend.id,
                    "domain": "supplier",
                    "external_code": code,
                    "external_label": partner.name,
                    "record_ref": f"res.partner,{partner.id}",
                }
            )
