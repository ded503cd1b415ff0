# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, models
from odoo.osv import expression

from odoo.addons.healthcare_integration_core.exceptions import (
    HcBusinessError,
    HcMappingError,
)


class HcHandlerRequisitionInCodes(models.AbstractModel):
    """The codes of the platform's requisitions, resolved a page at a time.

    Crosswalks of the backend first (*Requester*, *Cost centre*, *Product*,
    *Unit of measure*), then the user's login or e-mail, the analytic
    account's reference, the product's internal reference or GTIN: one query
    per code domain for a whole page (``_resolve_page``). Every unknown code
    of a requisition is named in one mapping exception (``_resolve``).
    """

    _inherit = "hc.handler.requisition.in"

    def _resolve_page(self, flow, requisitions):
        """The records of the codes of a page of requisitions, one query per
        code domain (crosswalks) and per fallback (logins, references, GTINs):
        ``{"requester": {code: user}, "cost_centre": {code: account},
        "product": {code: product}, "gtin": {gtin: product}, "uom": {...}}``."""
        backend, company = flow.backend_id, flow.company_id
        codes = {"requester": set(), "cost_centre": set(), "item": set()}
        gtins, uoms = set(), set()
        for requisition in requisitions:
            codes["requester"].add(requisition.requester)
            codes["cost_centre"].add(requisition.cost_centre)
            codes["item"].update(requisition.item_codes)
            gtins.update((ln.gtin, ln.item) for ln in requisition.lines if ln.gtin)
            uoms.update(requisition.uoms)
        return {
            "requester": self._requesters(backend, sorted(codes["requester"])),
            "cost_centre": self._cost_centres(
                backend, company, sorted(codes["cost_centre"])
            ),
            **self._products_of(backend, sorted(codes["item"]), sorted(gtins)),
            "uom": self._uoms(backend, sorted(uoms)),
        }

    def _resolve(self, flow, requisition, found):
        """The records of a requisition's codes; every unknown one at once."""
        backend = flow.backend_id
        requester = found["requester"].get(requisition.requester)
        cost_centre = found["cost_centre"].get(requisition.cost_centre)
        products = self._line_products(requisition, found)
        uoms = {code: found["uom"].get(code) for code in requisition.uoms}
        uoms = {code: uom for code, uom in uoms.items() if uom}
        # (what the platform calls it, crosswalk domain, code)
        missing = []
        if not requester:
            missing.append(("requester", "requester", requisition.requester))
        if not cost_centre:
            missing.append(("cost centre", "cost_center", requisition.cost_centre))
        missing += [
            ("item", "product", code)
            for code in requisition.item_codes
            if code not in products
        ]
        missing += [
            ("unit", "uom", code) for code in requisition.uoms if code not in uoms
        ]
        if missing:
            label = {
                "requester": self.env._("requester"),
                "cost centre": self.env._("cost centre"),
                "item": self.env._("item"),
                "unit": self.env._("unit"),
            }
            raise HcMappingError(
                _(
                    "Requisition %(ref)s: unknown %(codes)s. Press Add mapping to "
                    "map each code on backend %(backend)s; the message is then "
                    "replayed.",
                    ref=requisition.ref,
                    codes="; ".join(
                        f"{label[what]} {code}" for what, _d, code in missing
                    ),
                    backend=backend.code,
                ),
                missing=[(domain, code) for _what, domain, code in missing],
            )
        self._check_units(requisition, products, uoms)
        return {
            "requester": requester,
            "cost_centre": cost_centre,
            "products": products,
            "uoms": uoms,
        }

    def _mapped(self, backend, domain, codes, model):
        if not codes:
            return {}
        entries = self.env["hc.crosswalk"]._resolve_many(backend, domain, codes)
        return {
            code: entry.record_ref
            for code, entry in entries.items()
            if entry.record_ref and entry.record_ref._name == model
        }

    def _requesters(self, backend, codes):
        """{code: user}: by crosswalk, then the one internal user whose login,
        or e-mail (case aside), is the code."""
        codes = [code for code in codes if code]
        found = self._mapped(backend, "requester", codes, "res.users")
        rest = [code for code in codes if code not in found]
        if not rest:
            return found
        domain = [("share", "=", False)]
        matches = [[("login", "in", rest)]] + [[("email", "=ilike", c)] for c in rest]
        users = self.env["res.users"].sudo().search(domain + expression.OR(matches))
        for code in rest:
            same = users.filtered(
                lambda u, c=code: u.login == c or (u.email or "").lower() == c.lower()
            )
            if len(same) == 1:
                found[code] = same
        return found

    def _requester(self, backend, code):
        return self._requesters(backend, [code]).get(code, self.env["res.users"])

    def _cost_centres(self, backend, company, codes):
        """{code: analytic account}: by crosswalk, then the one account of the
        company (or shared) whose reference is the code."""
        model = "account.analytic.account"
        codes = [code for code in codes if code]
        found = self._mapped(backend, "cost_center", codes, model)
        rest = [code for code in codes if code not in found]
        if not rest:
            return found
        accounts = (
            self.env[model]
            .sudo()
            .search([("code", "in", rest), ("company_id", "in", [company.id, False])])
        )
        for code in rest:
            same = accounts.filtered(lambda a, c=code: a.code == c)
            if len(same) == 1:
                found[code] = same
        return found

    def _cost_centre(self, backend, company, code):
        return self._cost_centres(backend, company, [code]).get(
            code, self.env["account.analytic.account"]
        )

    def _products(self, backend, document):
        """{item code: product} of a document's lines (a requisition, a
        contract): by crosswalk, internal reference, then the line's GTIN."""
        gtins = [(line.gtin, line.item) for line in document.lines if line.gtin]
        found = self._products_of(backend, document.item_codes, gtins)
        return self._line_products(document, found)

    @staticmethod
    def _line_products(document, found):
        products = {}
        for line in document.lines:
            product = found["product"].get(line.item) or found["gtin"].get(line.gtin)
            if product:
                products.setdefault(line.item, product)
        return products

    def _products_of(self, backend, codes, gtins):
        """``{"product": {item code: product}, "gtin": {gtin: product}}``: by
        crosswalk, internal reference, then GTIN (``gtins``: (gtin, item code)
        of the lines, looked up for the codes not found otherwise)."""
        found = self._mapped(backend, "product", codes, "product.product")
        products = self.env["product.product"].sudo()
        rest = [code for code in codes if code not in found]
        if rest:
            for product in products.search([("default_code", "in", rest)]):
                found.setdefault(product.default_code, product)
        rest = sorted({gtin for gtin, code in gtins if code not in found})
        by_gtin = {}
        if rest:
            for product in products.search([("barcode", "in", rest)]):
                by_gtin.setdefault(product.barcode, product)
        return {"product": found, "gtin": by_gtin}

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
