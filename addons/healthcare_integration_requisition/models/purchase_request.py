# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..lib import requisitions as lib

STATUS_FLOW = "requisition.status_out"


class PurchaseRequest(models.Model):
    """A requisition of the eProcurement platform, approved in Odoo.

    The platform owns what it sends (requester, cost centre, lines); Odoo owns
    the approval decisions, made through the tiers of OCA
    ``purchase_request_tier_validation``. Every change of the decision (a tier
    approved or rejected, the request approved, ordered, done) goes back to
    the platform once, as ``requisition.status_out``.
    """

    _name = "purchase.request"
    _inherit = ["purchase.request", "hc.consumer.mixin"]

    hc_backend_id = fields.Many2one(
        "hc.backend",
        string="eProcurement platform",
        readonly=True,
        copy=False,
        index=True,
        ondelete="restrict",
    )
    hc_platform_ref = fields.Char(
        string="Platform requisition", readonly=True, copy=False, index=True
    )
    hc_content_digest = fields.Char(
        readonly=True,
        copy=False,
        help="SHA-256 of what the platform owns in its last copy: a copy with "
        "the same digest changes nothing.",
    )
    hc_cost_centre_id = fields.Many2one(
        "account.analytic.account",
        string="Cost centre",
        readonly=True,
        copy=False,
        index=True,
        help="The analytic account of the platform's cost centre; every line is "
        "charged to it.",
    )

    _sql_constraints = [
        (
            "hc_platform_ref_unique",
            "unique(hc_backend_id, hc_platform_ref)",
            "A platform requisition is imported once per platform.",
        ),
    ]

    # ------------------------------------------------------------------ decisions

    def write(self, vals):
        # EXTENDS purchase_request: a new state is a new status for the platform
        res = super().write(vals)
        if "state" in vals:
            self.filtered("hc_backend_id")._hc_send_status()
        return res

    def _validate_tier(self, tiers=False):
        # EXTENDS tier.validation: a platform requisition whose last tier is
        # approved is approved (its requester is not in Odoo to press Approve)
        res = super()._validate_tier(tiers)
        if self.hc_backend_id:
            if self.state == "draft" and self.validation_status == "validated":
                self.button_approved()
            self._hc_send_status()
        return res

    def _rejected_tier(self, tiers=False):
        # EXTENDS tier.validation: the platform hears of the rejection
        res = super()._rejected_tier(tiers)
        self.filtered("hc_backend_id")._hc_send_status()
        return res

    def _hc_route_for_approval(self):
        """Start the tiers that apply; with none, the requisition is approved.

        Tiers are OCA ``tier.definition`` records on *Purchase Request*, per
        company, e.g. the domain ``[("estimated_cost", ">=", 5000)]`` for a
        department head and ``>= 50000`` for the finance director. A
        requisition under every threshold needs no decision. Works on a batch:
        the reviews of every request are made in one ``create`` (OCA's
        ``request_validation`` on the set) and the approved ones written
        together.
        """
        pending = self.filtered("need_validation")
        pending.request_validation()
        pending._hc_send_status()
        (self - pending).filtered(lambda r: not r.review_ids).button_approved()

    def _hc_note_import(self, backend):
        """One note per request, in one ``create``: where it comes from and
        where it stands (a bulk import leaves out the creation message and the
        tracking of each field)."""
        states = dict(self._fields["state"]._description_selection(self.env))
        bodies = {}
        for request in self:
            if request.state == "draft" and request.review_ids:
                standing = self.env._(
                    "waiting for %s",
                    ", ".join(request.review_ids.sorted("sequence").mapped("name")),
                )
            else:
                standing = states[request.state]
            bodies[request.id] = self.env._(
                "Requisition %(ref)s from %(backend)s: %(lines)s line(s), "
                "%(amount).2f, cost centre %(centre)s, requested by %(user)s; "
                "%(standing)s.",
                ref=request.hc_platform_ref,
                backend=backend.display_name,
                lines=len(request.line_ids),
                amount=request.estimated_cost,
                centre=request.hc_cost_centre_id.display_name,
                user=request.requested_by.name,
                standing=standing,
            )
        return self.sudo()._message_log_batch(
            bodies, author_id=self.env.ref("base.partner_root").id
        )

    # ------------------------------------------------------------------ status out

    def _hc_status_document(self):
        """What the platform is told: status, approvals, orders."""
        self.ensure_one()
        reviews = self.review_ids.sorted("sequence")
        orders = self.line_ids.purchase_lines.order_id.sorted("id")
        return {
            "requisition_id": self.hc_platform_ref,
            "odoo_reference": self.name,
            "status": lib.platform_status(self.state, self.validation_status),
            "approvals": [
                {
                    "tier": review.sequence,
                    "name": review.name,
                    "status": review.status,
                    "by": review.done_by.name or None,
                    "at": fields.Datetime.to_string(review.reviewed_date) or None,
                    "comment": review.comment or None,
                }
                for review in reviews
            ],
            "purchase_orders": [
                {
                    "po_number": order.name,
                    "state": order.state,
                    "supplier": order.partner_id.commercial_partner_id.name,
                    "lines": [
                        {
                            "line": request_line.hc_line_number,
                            "quantity": po_line.product_qty,
                            "received": po_line.qty_received,
                            "invoiced": po_line.qty_invoiced,
                        }
                        for po_line in order.order_line
                        for request_line in po_line.purchase_request_lines
                        if request_line.request_id == self
                    ],
                }
                for order in orders
            ],
        }

    def _hc_send_status(self):
        """Queue the status out, once per different status document.

        A no-op under the context key ``hc_status_deferred`` (a handler
        sending once the whole document it applies is in)."""
        messages = self.env["hc.message"]
        if self.env.context.get("hc_status_deferred"):
            return messages
        for request in self.sudo().filtered("hc_backend_id"):
            document = request._hc_status_document()
            messages |= request._hc_send(
                STATUS_FLOW,
                payload=document,
                idempotency_key=lib.status_key(request.hc_platform_ref, document),
                ordering_key=request.hc_platform_ref,
            )
        return messages
