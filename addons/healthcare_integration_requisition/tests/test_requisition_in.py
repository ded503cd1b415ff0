# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields

from .common import RequisitionCase, requisition


class TestRequisitionIn(RequisitionCase):
    """Requisitions in: purchase requests, mapping exceptions, second copies."""

    def test_requisition_under_every_threshold_is_approved(self):
        message = self.receive_payload(self.flow_in, requisition())
        self.assertEqual(message.state, "done", message.error_text)
        request = message._linked_record()
        self.assertEqual(request, self.request_of("REQ-T-1"))
        self.assertEqual(
            (request.requested_by, request.hc_cost_centre_id, request.origin),
            (self.requester, self.cost_centre, "REQ-T-1"),
        )
        self.assertEqual(request.company_id, self.company)
        lines = request.line_ids.sorted("hc_line_number")
        self.assertEqual(
            [(ln.hc_line_number, ln.product_id, ln.product_qty) for ln in lines],
            [(1, self.products["gloves"], 20), (2, self.products["syringe"], 10)],
        )
        self.assertEqual(lines.mapped("estimated_cost"), [175.0, 142.0])
        self.assertEqual(
            lines[0].product_uom_id, self.env.ref("uom.product_uom_unit"), "BX mapped"
        )
        self.assertEqual(
            lines.mapped("analytic_distribution"),
            [{str(self.cost_centre.id): 100.0}] * 2,
            "every line is charged to the cost centre",
        )
        self.assertEqual(request.state, "approved", "317.00: under every tier")
        self.assertFalse(request.review_ids)
        [status] = self.sim.statuses("REQ-T-1")
        self.assertEqual(
            (status["status"], status["odoo_reference"], status["approvals"]),
            ("approved", request.name, []),
        )

    def test_requisition_without_a_required_date_is_needed_today(self):
        document = requisition("REQ-T-NODATE")
        del document["date_required"]
        message = self.receive_payload(self.flow_in, document)
        self.assertEqual(message.state, "done", message.error_text)
        lines = message._linked_record().line_ids
        # today for the one who received it: the Integration Processor (in
        # its time zone, not the test's user's: they differ around midnight)
        processor = self.env["hc.message"]._processing_user()
        self.assertEqual(
            set(lines.mapped("date_required")),
            {fields.Date.context_today(lines.with_user(processor))},
        )

    def test_second_copy_and_echo_change_nothing(self):
        request = self.receive_payload(self.flow_in, requisition())._linked_record()
        line_ids = request.line_ids.ids
        again = self.receive_payload(self.flow_in, requisition(), key="second-copy")
        self.assertEqual(again.state, "done", again.error_text)
        self.assertEqual(again._linked_record(), request)
        # the platform echoes what Odoo told it: still the same requisition
        echo = requisition(
            status="approved",
            approvals=[],
            purchase_orders=[{"po_number": "P0001"}],
            updated_at="2026-12-02T10:00:00",
        )
        echoed = self.receive_payload(self.flow_in, echo, key="echo")
        self.assertEqual(echoed.state, "done", echoed.error_text)
        self.assertEqual(request.line_ids.ids, line_ids, "nothing rewritten")
        self.assertEqual(len(self.request_of("REQ-T-1")), 1)
        self.assertEqual(
            self.statuses("REQ-T-1"), ["approved"], "no status sent back again"
        )

    def test_unknown_codes_are_one_mapping_exception_replayed_once_mapped(self):
        document = requisition(
            requester="locum.17@agency.example",
            cost_centre="CC-9999",
            lines=[
                {"line": 1, "item": "T100234", "quantity": 2, "unit_price": 8.75},
                {"line": 2, "item": "NEW-ITEM-7", "quantity": 1, "unit_price": 3},
                {"line": 3, "item": "T100871", "quantity": 1, "uom": "PK"},
            ],
        )
        message = self.receive_payload(self.flow_in, document)
        self.assertEqual((message.state, message.exception_kind), ("dead", "mapping"))
        for code in ("locum.17@agency.example", "CC-9999", "NEW-ITEM-7", "PK"):
            self.assertIn(code, message.error_text)
        self.assertFalse(self.request_of("REQ-T-1"), "nothing is written")
        self.assertFalse(self.sim.statuses())
        self.assertEqual(message.status, "exception", "a business decision")
        self.assertEqual(
            message.unmapped_codes, "locum.17@agency.example, CC-9999, NEW-ITEM-7, PK"
        )
        # the message's Add mapping: each code in its own kind, then the replay
        action = message.action_add_mapping()
        wizard = self.env["hc.mapping.wizard"].with_context(**action["context"])
        wizard = wizard.create({})
        records = {
            ("requester", "locum.17@agency.example"): self.requester,
            ("cost_center", "CC-9999"): self.other_cost_centre,
            ("product", "NEW-ITEM-7"): self.products["pump"],
            ("uom", "PK"): self.env.ref("uom.product_uom_unit"),
        }
        self.assertEqual(
            {(line.domain, line.external_code) for line in wizard.line_ids},
            set(records),
        )
        for line in wizard.line_ids:
            record = records[(line.domain, line.external_code)]
            line.record_ref = f"{record._name},{record.id}"
        with self.jobs() as trap:
            opened = wizard.action_confirm()
            self.run_jobs(trap)
        replay = self.env["hc.message"].browse(opened["res_id"])
        self.assertEqual(replay.state, "done", replay.error_text)
        request = self.request_of("REQ-T-1")
        self.assertEqual(request.hc_cost_centre_id, self.other_cost_centre)
        self.assertEqual(
            request.line_ids.sorted("hc_line_number").product_id,
            self.products["gloves"] | self.products["pump"] | self.products["syringe"],
        )

    def test_invalid_requisitions_are_refused_with_the_reason(self):
        for document, reason in (
            (requisition(lines=[]), "lines must be a non-empty list"),
            (
                requisition(lines=[{"line": 1, "item": "T100234", "quantity": -2}]),
                "quantity must be positive",
            ),
            (requisition(requisition_id=None), "requisition_id is missing"),
            (requisition(date_required="20/12/2026"), "is not a date"),
        ):
            message = self.receive_payload(self.flow_in, document, key=reason)
            self.assertEqual(
                (message.state, message.exception_kind),
                ("dead", "invalid_requisition"),
            )
            self.assertIn(reason, message.error_text)
        self.assertFalse(
            self.env["purchase.request"].search([("hc_backend_id", "!=", False)])
        )

    def test_a_pending_requisition_follows_the_platform_a_decided_one_does_not(self):
        pumps = requisition(
            lines=[{"line": 1, "item": "T300001", "quantity": 2, "unit_price": 1450}]
        )
        request = self.receive_payload(self.flow_in, pumps)._linked_record()
        self.assertEqual(request.state, "draft")
        self.assertEqual(request.review_ids.definition_id, self.tier_head)
        # changed on the platform while pending: lines replaced, approval restarted
        pumps["lines"][0]["quantity"] = 4
        pumps["lines"].append({"line": 2, "item": "T100234", "quantity": 5})
        message = self.receive_payload(self.flow_in, pumps, key="v2")
        self.assertEqual(message.state, "done", message.error_text)
        self.assertEqual(message._linked_record(), request)
        self.assertEqual(sorted(request.line_ids.mapped("product_qty")), [4, 5])
        self.assertEqual(
            request.review_ids.definition_id,
            self.tier_head | self.tier_director,
            "5,800: both tiers now",
        )
        # once approved, a change from the platform is refused with the reason
        self.decide(request, self.head)
        self.decide(request, self.director, comment="Budgeted in Q1")
        self.assertEqual(request.state, "approved")
        pumps["lines"][0]["quantity"] = 1
        refused = self.receive_payload(self.flow_in, pumps, key="v3")
        self.assertEqual(
            (refused.state, refused.exception_kind), ("dead", "requisition_decided")
        )
        self.assertIn("already Approved", refused.error_text)
        self.assertEqual(sorted(request.line_ids.mapped("product_qty")), [4, 5])

    def test_a_list_of_requisitions_is_applied_whole_or_not_at_all(self):
        documents = [requisition("REQ-T-A"), requisition("REQ-T-B", cost_centre="X")]
        message = self.receive_payload(self.flow_in, documents)
        self.assertEqual(message.exception_kind, "mapping")
        self.assertFalse(self.request_of("REQ-T-A"))
        documents[1]["cost_centre"] = "TCC-4200"
        message = self.receive_payload(self.flow_in, documents)
        self.assertEqual(message.state, "done", message.error_text)
        self.assertEqual(
            len(self.request_of("REQ-T-A") | self.request_of("REQ-T-B")), 2
        )
