# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import dataclasses

from odoo import _, api, models

from ..lib import schema, x12
from ..lib import states as st
from .hc_payload import REQUEST


class HcX12(models.AbstractModel):
    """X12 interchanges as the runtime receives them: split, checked, answered.

    A received file (a mailbag of one or more interchanges) is read
    interchange by interchange: an interchange that cannot be read becomes a
    failed child message holding its text (replayable once fixed) and, when
    its ISA could be read, a TA1 to its sender. Each transaction set of the
    others is checked against its implementation guide and becomes one child
    message (a complete interchange with that one set), so that a set that
    fails does not hold the others; a set breaking the syntax or its guide is
    a failed child naming the segment and element.

    When the flow asks for it, a 997 or 999 per functional group goes back to
    the sender as soon as the file is read: syntax decides it, so it is sent
    whether the processing of the sets later succeeds or not (the file is
    then always split, so that a failed set does not roll the answer back).
    Without acknowledgements, a file of one valid set is processed as it is.
    Control numbers come from one database sequence (``_next_control``).
    """

    _name = "hc.x12"
    _description = "Integration X12 Interchanges"

    def init(self):
        # a PostgreSQL sequence, as ir.sequence's standard implementation, but
        # one that cycles at X12's nine digits (ir.sequence cannot)
        self.env.cr.execute(
            "CREATE SEQUENCE IF NOT EXISTS hc_x12_control_seq "
            "MINVALUE 1 MAXVALUE 999999999 CYCLE"
        )

    @api.model
    def _next_control(self):
        """A fresh control number (ISA13, GS06, ST02), as an int."""
        self.env.cr.execute("SELECT nextval('hc_x12_control_seq')")
        return self.env.cr.fetchone()[0]

    def _control_numbers(self):
        return self._next_control

    @api.model
    def _receive(self, message):
        """Split, check and acknowledge a received file; the values for the
        message, or None when it holds a single valid set and no answer is
        due (the handler then processes it as it is).

        A file of one interchange whose ISA cannot be read fails as a whole
        (``PayloadValidationError``): there is nobody to answer.
        """
        received = x12.parse_each(message._body())
        if not received:
            raise schema.PayloadValidationError([_("X12: the file holds no ISA")])
        if len(received) == 1 and received[0].interchange is None:
            if received[0].header is None or message.flow_id.x12_ack == "none":
                raise schema.PayloadValidationError([f"X12: {received[0].error}"])
        acknowledge = message.flow_id.x12_ack != "none"
        groups = [
            (entry.interchange, group, x12.validate_group(group))
            for entry in received
            if entry.interchange is not None
            for group in entry.interchange.groups
        ]
        # 997/999 received answer what this database sent: reconciled, not split
        answers = [found for found in groups if found[1].functional_id == "FA"]
        groups = [found for found in groups if found[1].functional_id != "FA"]
        for _interchange, group, results in answers:
            self._reconcile(message, group, results)
        sets = [
            (interchange, group, found, results[found.control_number])
            for interchange, group, results in groups
            for found in group.transaction_sets
        ]
        broken = [entry for entry in received if entry.interchange is None]
        if acknowledge:
            for entry in broken:
                self._answer_broken(message, entry)
            for interchange, group, results in groups:
                self._acknowledge(message, interchange, group, results)
        clean = not broken and all(result.accepted for *_, result in sets)
        if len(sets) == 1 and clean and not acknowledge and not answers:
            return None
        for entry in broken:
            self._broken_child(message, entry)
        for found in sets:
            self._split_child(message, *found)
        rejected = [found for found in sets if not found[-1].accepted]
        return {
            "result_summary": _(
                "%(n)s transaction set(s) split, %(bad)s rejected, "
                "%(broken)s interchange(s) unreadable, %(acks)s acknowledgement "
                "group(s) reconciled",
                n=len(sets),
                bad=len(rejected),
                broken=len(broken),
                acks=len(answers),
            )
        }

    @staticmethod
    def _problems(interchange, group, transaction_set, result):
        """What the failed message of a set says: envelope then guide errors,
        naming the interchange, group, set, segment and element."""
        where = (
            f"interchange {interchange.control_number}, group "
            f"{group.control_number}, set {transaction_set.id} "
            f"{transaction_set.control_number}"
        )
        lines = [f"X12 {where}: {error}" for error in transaction_set.errors]
        lines += [f"X12 {where}: {text}" for text in x12.describe_result(result)]
        if not lines:
            lines.append(f"X12 {where}: rejected ({', '.join(result.codes)})")
        return "\n".join(lines)

    def _split_child(self, message, interchange, group, transaction_set, result):
        single = dataclasses.replace(
            interchange,
            segments=(),
            groups=(dataclasses.replace(group, transaction_sets=(transaction_set,)),),
        )
        body = x12.serialize(single, interchange.delimiters)
        key = (
            f"{message.idempotency_key[:150]}/{interchange.control_number}/"
            f"{group.control_number}/{transaction_set.control_number}"
        )
        child = self._child(message, body, key)
        if not result.accepted and child.state not in st.FINAL:
            problems = self._problems(interchange, group, transaction_set, result)
            child._fail("validation", problems)
        return child

    def _broken_child(self, message, entry):
        """A failed message holding the text of an interchange not read."""
        key = f"{message.idempotency_key[:150]}/interchange-{entry.index}"
        body = entry.text.encode(entry.encoding or "utf-8")
        child = self._child(message, body, key)
        if child.state not in st.FINAL:
            child._fail("validation", f"X12: {entry.error}")
        return child

    def _child(self, message, body, key):
        ingested = self.env["hc.inbound"]._ingest(
            message.flow_id,
            body,
            idempotency_key=key,
            correlation_id=message.correlation_id,
            parent=message,
            parent_relation="split",
        )
        return message.browse(ingested.id)

    def _acknowledge(self, message, interchange, group, results):
        """Queue the 997/999 of a functional group back to its sender."""
        build = x12.build_999 if message.flow_id.x12_ack == "999" else x12.build_997
        ack = build(interchange, group, results, self._control_numbers())
        return self._queue_ack(message, ack, interchange)

    def _answer_broken(self, message, entry):
        """A TA1 rejecting an interchange whose ISA was read but not the rest."""
        if entry.header is None:
            return None
        ta1 = x12.build_ta1(entry.header, entry.error, self._control_numbers())
        return self._queue_ack(message, ta1, entry.header)

    def _reconcile(self, message, group, results):
        """Note each 997/999 of ``group`` on the message that sent the group
        it answers (same backend, GS06 = AK102); a 997/999 breaking its own
        guide is not read."""
        messages = self.env["hc.message"].sudo()
        for transaction_set in group.transaction_sets:
            if transaction_set.id not in ("997", "999"):
                continue
            if not results[transaction_set.control_number].accepted:
                continue
            record = x12.read_ack(transaction_set)
            sent = messages.search(
                [
                    ("backend_id", "=", message.backend_id.id),
                    ("direction", "=", "outbound"),
                    ("x12_group_control", "=", record["group_control_number"]),
                ],
                order="id desc",
                limit=1,
            )
            if sent:
                answered = next(iter(record["sets"]), None)
                sent._x12_acknowledged(record, answered)

    def _advise(self, message, reason):
        """Queue an 824 telling the sender why the set of ``message`` (a
        single-set interchange) was not applied; None when it cannot be read
        (its syntax was answered already)."""
        try:
            [interchange] = x12.parse(message._body())
            [group] = interchange.groups
            [transaction_set] = group.transaction_sets
            reference = x12.document_reference(transaction_set)
            advice = x12.build_824(
                interchange,
                group,
                transaction_set,
                reference or transaction_set.control_number,
                str(reason).splitlines()[:5],
                self._control_numbers(),
            )
        except (x12.X12Error, ValueError):
            return None
        return self._queue_ack(message, advice, interchange)

    def _queue_ack(self, message, ack, answered):
        body = x12.serialize(
            ack, answered.delimiters, encoding=answered.encoding or "utf-8"
        )
        messages = self.env["hc.message"]
        ack_message = messages.sudo().create(
            messages._base_vals(
                message.flow_id,
                direction="outbound",
                parent_id=message.id,
                parent_relation="ack",
                correlation_id=message.correlation_id,
                idempotency_key=f"ack/{ack.control_number}",
                payload_size=len(body),
                state=st.QUEUED,
                endpoint=message.flow_id.endpoint or "/",
                http_method="POST",
            )
        )
        ack_message._store_payload(REQUEST, body)
        ack_message._enqueue()
        return ack_message
