# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import Command, _, models

from odoo.addons.healthcare_integration_core.exceptions import HcBusinessError

from ..lib import requisitions as lib

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
PUSH_FLOW = "requisition.requisition_in"


class HcHandlerRequisitionIn(models.AbstractModel):
    """Requisitions in from the eProcurement platform, as purchase requests.

    Webhook (one requisition, or a list: applied whole or not at all) or a
    batch pull (pages of requisitions, each applied on its own; those that
    cannot be are listed on the run). A requisition is found again by the
    platform's ``requisition_id``; a copy whose platform-owned content is
    unchanged changes nothing and sends nothing back. Codes are resolved by
    the backend's crosswalks first (*Requester*, *Cost centre*, *Product*,
    *Unit of measure*), then by the user's login or e-mail, the analytic
    account's reference, the product's internal reference or GTIN. Every
    unknown code of a requisition is named in one mapping exception.
    """

    _name = "hc.handler.requisition.in"
    _inherit = "hc.handler"
    _description = "Requisition handler: requisitions in"
    _hc_directions = ("inbound",)

    def process(self, message, document):
        documents = document if isinstance(document, list) else [document]
        requests = self.env["purchase.request"]
        for item in documents:
            requests |= self._apply(message.flow_id, item)[0]
        requests._hc_send_status()
        return requests

    def process_items(self, message, items):
        """Apply a page; a requisition that cannot be applied becomes its own
        message on the backend's ``requisition.requisition_in`` binding (a
        business exception to fix and replay, like a pushed one) and is listed
        on the run."""
        counts = {CREATED: 0, UPDATED: 0, UNCHANGED: 0}
        issues = []
        for item in items:
            try:
                with self.env.cr.savepoint():
                    request, outcome = self._apply(message.flow_id, item)
                counts[outcome] += 1
                if outcome != UNCHANGED:
                    request._hc_send_status()
            except HcBusinessError as exc:
                self.env.invalidate_all()
                issues.append(self._hold(message, item, exc))
        return {
            "created": counts[CREATED],
            "updated": counts[UPDATED],
            "skipped": counts[UNCHANGED] + len(issues),
            "failed": 0,
            "issues": issues,
        }

    def _hold(self, page, item, error):
        """The run's issue for ``item``, split out of ``page`` as a message."""
        ref = item.get("requisition_id") if isinstance(item, dict) else None
        text = str(error)
        flow_in = (
            self.env["hc.flow"]
            .sudo()
            .search(
                [
                    ("backend_id", "=", page.backend_id.id),
                    ("flow_type_id.code", "=", PUSH_FLOW),
                ],
                limit=1,
            )
        )
        if flow_in and isinstance(item, dict):
            body = json.dumps(item).encode()
            key = f"{ref}/{lib.content_digest(item)}"
            held = self.env["hc.inbound"]._ingest(
                flow_in, body, idempotency_key=key, parent=page, parent_relation="split"
            )
            text = self.env._(
                "%(error)s (message %(name)s)", error=text, name=held.name
            )
        return {
            "item": ref,
            "kind": error.kind,
            "code": ", ".join(getattr(error, "codes", []) or []),
            "text": text,
        }

    # ------------------------------------------------------------------ apply

    def _apply(self, flow, document):
        """(purchase request, created | updated | unchanged) of one requisition."""
        try:
            requisition = lib.read_requisition(document)
        except lib.RequisitionError as exc:
            raise HcBusinessError(str(exc), kind="invalid_requisition") from None
        backend = flow.backend_id
        existing = self.env["purchase.request"].search(
            [
                ("hc_backend_id", "=", backend.id),
                ("hc_platform_ref", "=", requisition.ref),
            ]
        )
        if existing and existing.hc_content_digest == requisition.digest:
            return existing, UNCHANGED
        if existing:
            self._check_still_open(existing, requisition)
        values = self._request_values(flow, requisition)
        if existing:
            existing.restart_validation()
            existing.line_ids.unlink()
            existing.write(values)
            self.env["hc.procurement.resolver"]._note(
                existing,
                _(
                    "The platform changed requisition %s: its lines were replaced "
                    "and its approval restarted.",
                    requisition.ref,
                ),
            )
            request, outcome = existing, UPDATED
        else:
            request = self.env["purchase.request"].create(
                {
                    "hc_backend_id": backend.id,
                    "hc_platform_ref": requisition.ref,
                    "origin": requisition.ref,
                    "company_id": flow.company_id.id,
                    **values,
                }
            )
            outcome = CREATED
        # the status goes out once the whole document is applied
        request.with_context(hc_status_deferred=True)._hc_route_for_approval()
        return request, outcome

    def _check_still_open(self, request, requisition):
        """A requisition decided in Odoo is no longer the platform's to change."""
        if request.state != "draft":
            raise HcBusinessError(
                _(
                    "Requisition %(ref)s is already %(state)s in Odoo (%(name)s): "
                    "the platform cannot change it any more. Cancel it on the "
                    "platform and send a new requisition.",
                    ref=requisition.ref,
                    state=dict(request._fields["state"].selection)[request.state],
                    name=request.name,
                ),
                kind="requisition_decided",
                records=request,
            )

    def _request_values(self, flow, requisition):
        found = self._resolve(flow, requisition)
        cost_centre = found["cost_centre"]
        distribution = {str(cost_centre.id): 100.0}
        lines = []
        for line in requisition.lines:
            product = found["products"][line.item]
            uom = found["uoms"].get(line.uom) or product.uom_po_id
            vals = {
                "hc_line_number": line.number,
                "product_id": product.id,
                "name": line.description or product.display_name,
                "product_qty": float(line.quantity),
                "product_uom_id": uom.id,
                "estimated_cost": float(line.quantity * line.unit_price),
                "analytic_distribution": distribution,
            }
            # without a date from the platform, OCA's default (today) applies
            date_required = line.date_required or requisition.date_required
            if date_required:
                vals["date_required"] = date_required
            lines.append(Command.create(vals))
        return {
            "hc_content_digest": requisition.digest,
            "hc_cost_centre_id": cost_centre.id,
            "requested_by": found["requester"].id,
            "description": requisition.description or False,
            "line_ids": lines,
        }

    # ------------------------------------------------------------------ codes

    def _resolve(self, flow, requisition):
        """The records of a requisition's codes; every unknown one at once."""
        backend, company = flow.backend_id, flow.company_id
        requester = self._requester(backend, requisition.requester)
        cost_centre = self._cost_centre(backend, company, requisition.cost_centre)
        products = self._products(backend, requisition)
        uoms = self._uoms(backend, requisition.uoms)
        label = {
            "requester": self.env._("requester"),
            "cost_centre": self.env._("cost centre"),
            "item": self.env._("item"),
            "unit": self.env._("unit"),
        }
        missing = []
        if not requester:
            missing.append((label["requester"], requisition.requester))
        if not cost_centre:
            missing.append((label["cost_centre"], requisition.cost_centre))
        missing += [
            (label["item"], code)
            for code in requisition.item_codes
            if code not in products
        ]
        missing += [
            (label["unit"], code) for code in requisition.uoms if code not in uoms
        ]
        if missing:
            error = HcBusinessError(
                _(
                    "Requisition %(ref)s: unknown %(codes)s. Map each code on backend "
                    "%(backend)s (Crosswalks), then replay the message.",
                    ref=requisition.ref,
                    codes="; ".join(f"{what} {code}" for what, code in missing),
                    backend=backend.code,
                ),
                kind="mapping",
            )
            error.codes = [code for _what, code in missing]
            raise error
        self._check_units(requisition, products, uoms)
        return {
            "requester": requester,
            "cost_centre": cost_centre,
            "products": products,
            "uoms": uoms,
        }

    def _mapped(self, backend, domain, codes, model):
        entries = self.env["hc.crosswalk"]._resolve_many(backend, domain, codes)
        return {
            code: entry.record_ref
            for code, entry in entries.items()
            if entry.record_ref and entry.record_ref._name == model
        }

    def _requester(self, backend, code):
        mapped = self._mapped(backend, "requester", [code], "res.users").get(code)
        if mapped:
            return mapped
        users = (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("share", "=", False),
                    "|",
                    ("login", "=", code),
                    ("email", "=ilike", code),
                ],
                limit=2,
            )
        )
        return users if len(users) == 1 else users.browse()

    def _cost_centre(self, backend, company, code):
        model = "account.analytic.account"
        mapped = self._mapped(backend, "cost_center", [code], model).get(code)
        if mapped:
            return mapped
        found = (
            self.env[model]
            .sudo()
            .search(
                [("code", "=", code), ("company_id", "in", [company.id, False])],
                limit=2,
            )
        )
        return found if len(found) == 1 else self.env[model]

    def _products(self, backend, requisition):
        """{item code: product}, by crosswalk, internal reference, then GTIN."""
        codes = requisition.item_codes
        found = self._mapped(backend, "product", codes, "product.product")
        products = self.env["product.product"].sudo()
        rest = [code for code in codes if code not in found]
        if rest:
            for product in products.search([("default_code", "in", rest)]):
                found.setdefault(product.default_code, product)
        gtins = {line.gtin: line.item for line in requisition.lines if line.gtin}
        rest = [gtin for gtin, code in gtins.items() if code not in found]
        if rest:
            for product in products.search([("barcode", "in", rest)]):
                found.setdefault(gtins[product.barcode], product)
        return found

    def _uoms(self, backend, codes):
        return self._mapped(backend, "uom", codes, "uom.uom")

    @staticmethod
    def _check_units(requisition, products, uoms):
        for line in requisition.lines:
            uom = uoms.get(line.uom)
            product = products[line.item]
            if uom and uom.category_id != product.uom_id.category_id:
                raise HcBusinessError(
                    _(
                        "Requisition %(ref)s, line %(line)s: unit %(uom)s cannot "
                        "measure %(product)s.",
                        ref=requisition.ref,
                        line=line.number,
                        uom=line.uom,
                        product=product.display_name,
                    ),
                    kind="incompatible_uom",
                )
