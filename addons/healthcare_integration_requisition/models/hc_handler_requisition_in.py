# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import Command, _, fields, models

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
        on the run.

        The page's new requisitions are applied together: their codes resolved
        in one query per code domain, the requests and their lines made in one
        ``create``, budget and tiers routed as a batch
        (``purchase.request._hc_route_for_approval``). A changed requisition,
        or a second one with the same reference, is applied on its own.
        """
        flow = message.flow_id
        counts = {CREATED: 0, UPDATED: 0, UNCHANGED: 0}
        issues = []
        read = []
        for item in items:
            try:
                read.append((item, self._read(item)))
            except HcBusinessError as exc:
                issues.append(self._hold(message, item, exc))
        existing = self._existing(flow.backend_id, [req.ref for _i, req in read])
        found = self._resolve_page(
            flow, [req for _i, req in read if req.ref not in existing]
        )
        new, one_by_one, refs = [], [], set()
        for item, requisition in read:
            request = existing.get(requisition.ref)
            if request and request.hc_content_digest == requisition.digest:
                counts[UNCHANGED] += 1
            elif request or requisition.ref in refs:
                one_by_one.append(item)
            else:
                try:
                    values = self._request_values(flow, requisition, found)
                except HcBusinessError as exc:
                    issues.append(self._hold(message, item, exc))
                    continue
                refs.add(requisition.ref)
                new.append((item, values))
        try:
            with self.env.cr.savepoint():
                requests = self._create_requests(flow, [vals for _i, vals in new])
            counts[CREATED] += len(requests)
            requests._hc_send_status()
        except HcBusinessError:
            # one of them cannot be applied: each on its own, to know which
            self.env.invalidate_all()
            one_by_one = [item for item, _vals in new] + one_by_one
        for item in one_by_one:
            try:
                with self.env.cr.savepoint():
                    request, outcome = self._apply(flow, item)
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

    @staticmethod
    def _read(document):
        try:
            return lib.read_requisition(document)
        except lib.RequisitionError as exc:
            raise HcBusinessError(str(exc), kind="invalid_requisition") from None

    def _existing(self, backend, refs):
        """{platform reference: purchase request} of the backend, one search."""
        if not refs:
            return {}
        requests = self.env["purchase.request"].search(
            [("hc_backend_id", "=", backend.id), ("hc_platform_ref", "in", refs)]
        )
        return {request.hc_platform_ref: request for request in requests}

    def _apply(self, flow, document):
        """(purchase request, created | updated | unchanged) of one requisition."""
        requisition = self._read(document)
        existing = self._existing(flow.backend_id, [requisition.ref]).get(
            requisition.ref, self.env["purchase.request"]
        )
        if existing and existing.hc_content_digest == requisition.digest:
            return existing, UNCHANGED
        if existing:
            self._check_still_open(existing, requisition)
        values = self._request_values(
            flow, requisition, self._resolve_page(flow, [requisition])
        )
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
            # the status goes out once the whole document is applied
            request.with_context(hc_status_deferred=True)._hc_route_for_approval()
        else:
            request, outcome = self._create_requests(flow, [values]), CREATED
        return request, outcome

    def _create_requests(self, flow, values_list):
        """The purchase requests of new requisitions, made and routed together.

        One ``create`` for the requests, one insert for their lines
        (``purchase.request.line._hc_insert_new``), routed as a batch,
        without the per-record creation message and tracking
        (``mail_create_nolog``, ``tracking_disable``): each request gets one
        note instead, saying where it comes from and where it stands. Its
        status goes out once the caller is done.
        """
        backend = flow.backend_id
        requests = self.env["purchase.request"]
        if not values_list:
            return requests
        # defaults looked up once for the page rather than per request
        # (bench/bench_governance.py): OCA's picking type, creation and
        # required dates (today)
        picking_type = requests._default_picking_type()
        lines = self.env["purchase.request.line"]
        today = fields.Date.context_today(lines)
        vals_list = [
            {
                "hc_backend_id": backend.id,
                "hc_platform_ref": values["origin"],
                "company_id": flow.company_id.id,
                "picking_type_id": picking_type.id,
                "date_start": today,
                **values,
            }
            for values in values_list
        ]
        lines_values = [vals.pop("line_ids") for vals in vals_list]
        requests = requests.with_context(
            mail_create_nolog=True, tracking_disable=True
        ).create(vals_list)
        # the lines in bulk, OCA's computed fields with their values
        # (purchase.request.line._hc_insert_new)
        lines._hc_insert_new(
            [
                {
                    "date_required": today,
                    **line_vals,
                    "request_id": request.id,
                    **lines._hc_new_line_values(line_vals, request_vals),
                }
                for request, request_vals, commands in zip(
                    requests, vals_list, lines_values, strict=True
                )
                for _command, _id, line_vals in commands
            ]
        )
        requests.with_context(hc_status_deferred=True)._hc_route_for_approval()
        requests._hc_note_import(backend)
        return requests.with_env(self.env)

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

    def _request_values(self, flow, requisition, found):
        """The values of a requisition's request; ``found``: its page's codes
        (``_resolve_page``)."""
        found = self._resolve(flow, requisition, found)
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
            "origin": requisition.ref,
            "hc_content_digest": requisition.digest,
            "hc_cost_centre_id": cost_centre.id,
            "requested_by": found["requester"].id,
            "description": requisition.description or False,
            "line_ids": lines,
        }
