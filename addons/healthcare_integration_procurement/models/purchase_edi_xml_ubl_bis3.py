# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from stdnum import ean

from odoo import fields, models

from odoo.addons.healthcare_integration_core.exceptions import HcBusinessError

from ..lib import peppol_ordering

GLN_SCHEME = "0088"  # EAS code of a GS1 Global Location Number


def _is_gln(value):
    return len(value) == 13 and ean.is_valid(value)


class PurchaseEdiXmlUblBis3(models.AbstractModel):
    """Odoo's Peppol order, made valid under Peppol BIS Advanced Ordering 3.

    Odoo's ``purchase_edi_ubl_bis3`` writes the order; this adds what a
    Peppol access point requires and Odoo leaves out: the electronic address
    (``cbc:EndpointID`` with its EAS ``schemeID``) of buyer and seller from
    the partners' Peppol fields, their legal entity, the seller's and the
    buyer's item codes, the GTIN with scheme ``0160``, the line numbers the
    supplier's answers refer to and the order's validity end (the date the
    supplier's acknowledgement is due). ``data/peppol_order_templates.xml``
    puts the elements in UBL 2.1 order.

    Only for an order that goes to its supplier over Peppol (the supplier's
    procurement backend has an active ``procurement.po_out_ubl`` flow; the
    flow's handler says so with the context key ``hc_peppol``): any other
    order is written by Odoo as Odoo writes it, e.g.::

        builder = env["purchase.edi.xml.ubl_bis3"].with_context(hc_peppol=True)
        xml = builder._export_order(order)
    """

    _inherit = "purchase.edi.xml.ubl_bis3"

    # ------------------------------------------------------------------ checks

    def _hc_peppol_problems(self, order):
        """What keeps ``order`` from being a valid Peppol document, in words."""
        problems = []
        buyer = order.company_id.partner_id.commercial_partner_id
        seller = order.partner_id.commercial_partner_id
        for role, partner in (("buyer", buyer), ("supplier", seller)):
            if not (partner.peppol_eas and partner.peppol_endpoint):
                problems.append(
                    self.env._(
                        "the %(role)s %(name)s has no Peppol address (set its "
                        "Peppol EAS and endpoint on the contact, Accounting tab)",
                        role=role,
                        name=partner.display_name,
                    )
                )
            elif partner.peppol_eas == GLN_SCHEME and not _is_gln(
                partner.peppol_endpoint
            ):
                problems.append(
                    self.env._(
                        "the Peppol endpoint %(gln)s of %(name)s is no valid GLN",
                        gln=partner.peppol_endpoint,
                        name=partner.display_name,
                    )
                )
        if not seller.country_id:
            problems.append(
                self.env._(
                    "the supplier %s has no country (Peppol requires the "
                    "seller's postal address country)",
                    seller.display_name,
                )
            )
        return problems

    def _hc_check_peppol(self, order):
        """Raise a configuration error naming what is missing, before sending."""
        problems = self._hc_peppol_problems(order)
        if problems:
            raise HcBusinessError(
                self.env._(
                    "Order %(po)s cannot go out over Peppol: %(problems)s.",
                    po=order.name,
                    problems="; ".join(problems),
                ),
                kind="configuration",
                records=order,
            )

    # ------------------------------------------------------------------ values

    def _hc_peppol(self):
        """Whether the order being written goes out over Peppol."""
        return bool(self.env.context.get("hc_peppol"))

    def _export_order(self, order):
        # EXTENDS purchase_edi_ubl_bis3: the Peppol additions for an order
        # whose supplier is ordered from over Peppol, Odoo's order otherwise
        if not self._hc_peppol() and order._hc_peppol_ordering():
            builder = self.with_context(hc_peppol=True)
            return super(PurchaseEdiXmlUblBis3, builder)._export_order(order)
        return super()._export_order(order)

    def _get_partner_party_vals(self, partner, role):
        # EXTENDS purchase_edi_ubl_bis3: Peppol address and legal entity
        vals = super()._get_partner_party_vals(partner, role)
        if not self._hc_peppol():
            return vals
        commercial = partner.commercial_partner_id
        vals["endpoint_id"] = commercial.peppol_endpoint
        vals["endpoint_id_attrs"] = {"schemeID": commercial.peppol_eas}
        vals["party_legal_entity_vals"] = {
            "registration_name": commercial.name,
            "company_id": commercial.company_registry or None,
        }
        if not commercial.vat:
            # an empty tax scheme is refused; the buyer's VAT only when known
            vals.pop("party_tax_scheme_vals", None)
        return vals

    def _get_item_vals(self, order, order_line):
        # EXTENDS purchase_edi_ubl_bis3: item codes the supplier can read
        vals = super()._get_item_vals(order, order_line)
        if not self._hc_peppol():
            return vals
        barcode = order_line.product_id.barcode
        vals.update(
            {
                # the template's switch to the UBL 2.1 element order
                "hc_peppol": True,
                "sellers_item_identification": order_line._hc_vendor_code() or None,
                "buyers_item_identification": order_line.product_id.default_code
                or None,
                # scheme 0160 is GS1 GTIN: a barcode that is no GTIN stays out
                "standard_item_identification": barcode
                if barcode and ean.is_valid(barcode)
                else None,
            }
        )
        return vals

    def _get_order_lines(self, order):
        # EXTENDS purchase_edi_ubl_bis3: the line numbers the supplier knows
        vals_list = super()._get_order_lines(order)
        if not self._hc_peppol():
            return vals_list
        # same lines, same order as Odoo's builder
        lines = order.order_line.filtered(
            lambda line: line.display_type not in ("line_note", "line_section")
        )
        currency = order.currency_id
        for vals, line in zip(vals_list, lines, strict=True):
            vals["id"] = line.hc_line_number or vals["id"]
            vals["line_extension_amount"] = currency.round(line.price_subtotal)
            if line.discount:
                # the price is gross: the discount is the line's allowance
                vals["allowance_charge_vals"] = self._get_line_allowance_charge_vals(
                    line
                )
            if line.date_planned:
                vals["requested_delivery_date"] = line.date_planned.date()
        return vals_list

    def _export_order_vals(self, order):
        # EXTENDS purchase_edi_ubl_bis3: one Peppol profile for every document
        vals = super()._export_order_vals(order)
        if not self._hc_peppol():
            return vals
        # valid until the supplier's acknowledgement is due: an order still
        # unanswered then is late, and its buyer may order elsewhere. Both
        # dates are UTC dates: the issue date's, whoever builds the document
        # (a buyer's time zone would make the end date a day later than the
        # issue date's day in some hours, and differ with the builder)
        due = order._hc_ack_due_from(fields.Datetime.now())
        vals["vals"].update(
            {
                "profile_id": peppol_ordering.PROFILE,
                "issue_date": (order.date_approve or order.create_date).date(),
                "tax_amount": order.currency_id.round(order.amount_tax),
                "validity_end_date": due.date(),
            }
        )
        return vals
