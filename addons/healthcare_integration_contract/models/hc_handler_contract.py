# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import Command, _, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.healthcare_integration_core.exceptions import HcBusinessError

from ..lib import contracts as lib

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


class HcHandlerContract(models.AbstractModel):
    """Supplier contracts in from the contract repository, page by page, as
    Odoo blanket orders (purchase agreements), confirmed.

    A contract is found again by the repository's ``contract_id``; a copy
    whose content is unchanged changes nothing; a changed one replaces the
    dates and prices (the repository owns them). The supplier is found by
    supplier code, GLN or VAT, then the backend's *Supplier* crosswalk; items
    as requisitions find them (crosswalk, internal reference, GTIN). What
    cannot be applied is listed on the run with its reason, the rest of the
    page applied: unreadable or inconsistent dates (``inconsistent``), a
    period overlapping another contract of the supplier for one of its items
    (``overlap``), unknown codes (``mapping``); each is also held as its own
    message of the flow, a business exception to replay once fixed.
    """

    _name = "hc.handler.contract"
    _inherit = "hc.handler"
    _description = "Contract handler: supplier contracts in"
    _hc_directions = ("inbound",)

    def process(self, message, document):
        """One contract: a held one replayed (or one pushed)."""
        try:
            agreement, _outcome = self._apply(message.flow_id, document)
        except lib.ContractError as exc:
            raise HcBusinessError(str(exc), kind="inconsistent") from None
        except ValidationError as exc:
            raise HcBusinessError(exc.args[0], kind="overlap") from None
        return agreement

    def process_items(self, message, items):
        """Apply a page; a contract that cannot be applied is listed on the
        run and held as its own message of the flow (a business exception to
        fix and replay: the next pulls start after it)."""
        counts = {CREATED: 0, UPDATED: 0, UNCHANGED: 0}
        issues = []
        for item in items:
            try:
                with self.env.cr.savepoint():
                    counts[self._apply(message.flow_id, item)[1]] += 1
            except lib.ContractError as exc:
                self.env.invalidate_all()
                issues.append(self._hold(message, item, "inconsistent", str(exc)))
            except ValidationError as exc:
                # the agreement's own rules: an overlapping period
                self.env.invalidate_all()
                issues.append(self._hold(message, item, "overlap", exc.args[0]))
            except (HcBusinessError, UserError) as exc:
                self.env.invalidate_all()
                kind = getattr(exc, "kind", "invalid_contract")
                issues.append(
                    self._hold(
                        message, item, kind, exc.args[0], getattr(exc, "code", None)
                    )
                )
        return {
            "created": counts[CREATED],
            "updated": counts[UPDATED],
            "skipped": counts[UNCHANGED] + len(issues),
            "failed": 0,
            "issues": issues,
        }

    def _hold(self, page, item, kind, text, code=None):
        """The run's issue for ``item``, split out of ``page`` as a message."""
        ref = item.get("contract_id") if isinstance(item, dict) else None
        if isinstance(item, dict):
            body = json.dumps(item).encode()
            held = self.env["hc.inbound"]._ingest(
                page.flow_id,
                body,
                idempotency_key=f"{ref}/{lib.content_digest(item)}",
                parent=page,
                parent_relation="split",
            )
            text = self.env._(
                "%(error)s (message %(name)s)", error=text, name=held.name
            )
        return {"item": ref, "kind": kind, "code": code, "text": text}

    def _apply(self, flow, document):
        contract = lib.read_contract(document)
        backend = flow.backend_id
        agreements = self.env["purchase.requisition"].sudo()
        existing = agreements.with_context(active_test=False).search(
            [("hc_backend_id", "=", backend.id), ("hc_platform_ref", "=", contract.ref)]
        )
        if existing and existing.hc_digest == contract.digest:
            return existing, UNCHANGED
        values = self._values(flow, contract)
        lines = values.pop("lines")
        if not existing:
            agreement = agreements.create(
                {
                    **values,
                    "requisition_type": "blanket_order",
                    "hc_backend_id": backend.id,
                    "hc_platform_ref": contract.ref,
                    "line_ids": [Command.create(vals) for vals in lines.values()],
                }
            )
            agreement.action_confirm()
            # the agreement's rules (an overlapping period) are checked here
            self.env.flush_all()
            return agreement, CREATED
        if existing.state in ("done", "cancel"):
            raise HcBusinessError(
                _(
                    "Contract %(ref)s is %(state)s in Odoo (%(name)s): reopen it "
                    "before the repository may change it.",
                    ref=contract.ref,
                    state=dict(existing._fields["state"].selection)[existing.state],
                    name=existing.name,
                ),
                kind="contract_closed",
            )
        commands = []
        by_product = {line.product_id.id: line for line in existing.line_ids}
        for product_id, vals in lines.items():
            line = by_product.pop(product_id, None)
            if not line:
                commands.append(Command.create(vals))
            elif any(
                line[name] != vals[name] for name in ("price_unit", "product_qty")
            ):
                commands.append(Command.update(line.id, vals))
        commands += [Command.unlink(line.id) for line in by_product.values()]
        existing.write({**values, "line_ids": commands})
        if existing.state == "draft":
            existing.action_confirm()
        self.env.flush_all()
        return existing, UPDATED

    def _values(self, flow, contract):
        backend = flow.backend_id
        supplier = self._supplier(backend, contract)
        requisitions = self.env["hc.handler.requisition.in"]
        products = requisitions._products(backend, contract)
        uoms = requisitions._uoms(backend, contract.uoms)
        unknown = [code for code in contract.item_codes if code not in products]
        unknown += [code for code in contract.uoms if code not in uoms]
        if unknown:
            error = HcBusinessError(
                _(
                    "Contract %(ref)s: unknown item or unit %(codes)s. Map them "
                    "(Product or Unit of measure crosswalk), then replay.",
                    ref=contract.ref,
                    codes=", ".join(unknown),
                ),
                kind="mapping",
            )
            error.code = unknown[0]
            raise error
        currency = flow.company_id.currency_id
        if contract.currency:
            currency = (
                self.env["res.currency"]
                .with_context(active_test=False)
                .search([("name", "=", contract.currency)], limit=1)
            )
            if not currency:
                raise HcBusinessError(
                    _(
                        "Contract %(ref)s: unknown currency %(code)s.",
                        ref=contract.ref,
                        code=contract.currency,
                    ),
                    kind="mapping",
                )
        lines = {}
        for line in contract.lines:
            product = products[line.item]
            uom = uoms.get(line.uom) or product.uom_po_id
            if uom.category_id != product.uom_id.category_id:
                raise HcBusinessError(
                    _(
                        "Contract %(ref)s: unit %(uom)s cannot measure %(product)s.",
                        ref=contract.ref,
                        uom=line.uom,
                        product=product.display_name,
                    ),
                    kind="incompatible_uom",
                )
            if product.id in lines:
                raise lib.ContractError(
                    f"contract {contract.ref}: {product.display_name} has two "
                    "prices in one contract"
                )
            lines[product.id] = {
                "product_id": product.id,
                "product_uom_id": uom.id,
                "product_qty": float(line.quantity),
                "price_unit": float(line.unit_price),
                "product_description_variants": line.description or False,
            }
        return {
            "vendor_id": supplier.id,
            "company_id": flow.company_id.id,
            "currency_id": currency.id,
            "reference": contract.reference or contract.ref,
            "date_start": contract.date_start,
            "date_end": contract.date_end,
            "hc_digest": contract.digest,
            "lines": lines,
        }

    def _supplier(self, backend, contract):
        keys = contract.supplier
        found = self.env["hc.procurement.resolver"]._supplier_by_keys(keys)
        if not found and keys.get("code"):
            mapped = self.env["hc.crosswalk"]._record_of(
                backend, "supplier", keys["code"]
            )
            if mapped and mapped._name == "res.partner":
                found = mapped.commercial_partner_id
        if len(found) != 1:
            error = HcBusinessError(
                _(
                    "Contract %(ref)s: %(count)s suppliers match %(keys)s. Map "
                    "the supplier code (Supplier crosswalk), then replay.",
                    ref=contract.ref,
                    count=len(found),
                    keys=", ".join(f"{k} {v}" for k, v in keys.items() if v),
                ),
                kind="mapping",
            )
            error.code = keys.get("code") or keys.get("vat") or keys.get("gln")
            raise error
        return found
