# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import Counter
from decimal import Decimal

from odoo import _, models
from odoo.exceptions import UserError

from odoo.addons.healthcare_integration_core.lib import (
    filetransport,
    retry,
    schema,
    x12,
)
from odoo.addons.healthcare_integration_core.lib import states as st

from ..lib import reconcile as lib

# sources whose report the partner gives: its API, or a file it drops
REPORTED = ("api", "file")


class HcReconciliationHandler(models.AbstractModel):
    """What a reconciliation compares: the hooks a period's check calls.

    This base model reconciles any flow by its messages: each message done in
    the period is a document of the flow type's code, referenced by its
    correlation id (what the partner receives as ``X-Correlation-ID``, the
    same on a replay or a message sent again). A domain addon inherits it in
    one abstract model per kind of reconciliation and says what its
    documents are, e.g. purchase orders by PO number at their total::

        class HcReconciliationHandlerOrders(models.AbstractModel):
            _name = "hc.reconciliation.handler.procurement.orders"
            _inherit = "hc.reconciliation.handler"
            _description = "Reconcile orders sent with the supplier's report"

            def exchanged_documents(self, reconciliation, start, end):
                messages = self._exchanged_messages(reconciliation.flow_id, start, end)
                orders = self.env["purchase.order"].browse(messages.mapped("res_id"))
                return [lib.Document(o.date_approve.date(), "order", o.name,
                                     Decimal(str(o.amount_total))) for o in orders]

    and names it on the reconciliation (``handler_model``), as a flow type
    names its handler.
    """

    _name = "hc.reconciliation.handler"
    _description = "Integration Reconciliation Handler"

    _hc_is_reconciliation_handler = True

    # ------------------------------------------------------------------ comparison

    def compare_period(self, reconciliation, start, end):
        """The period's differences and figures: ``(differences, (our count,
        their count, our amount, their amount))``.

        Our documents (``exchanged_documents``) against the partner's report
        (``control_report``), compared by ``lib.compare``; a flow's messages
        against a partner's API listing its documents are compared in the
        database (``_compare_messages_in_database``), since a busy flow
        exchanges a million documents a day.
        """
        if self._compares_messages(reconciliation):
            body, report_format = self._report_body(reconciliation, start, end)
            if report_format == "json":
                compared = self._compare_messages_in_database(
                    reconciliation, start, end, body
                )
                if compared is not None:
                    return compared
            report = self._read_report(body, report_format, start.date())
        else:
            report = self.control_report(reconciliation, start, end)
        ours = self.exchanged_documents(reconciliation, start, end)
        tolerance = Decimal(str(reconciliation.amount_tolerance or 0))
        return lib.compare(ours, report, tolerance), lib.figures(ours, report)

    def _compares_messages(self, reconciliation):
        """Whether the period compares the flow's messages with the partner's
        report (API or file) as this model defines both (a handler overriding
        either compares its own documents)."""
        cls = type(self)
        return (
            reconciliation.source in REPORTED
            and cls.exchanged_documents is HcReconciliationHandler.exchanged_documents
            and cls.control_report is HcReconciliationHandler.control_report
            and cls._report_body is HcReconciliationHandler._report_body
        )

    # ------------------------------------------------------------------ our side

    def exchanged_documents(self, reconciliation, start, end):
        """Our documents of the period [start, end) (UTC), as ``lib.Document``.

        Default: one per message of the flow done in the period, typed by its
        flow type's code, referenced by its correlation id (a replay counts
        once with its original, which is its origin). Against
        control trailers: the transaction sets applied from the files
        received in the period (``_applied_sets``).
        """
        if reconciliation.source == "trailer":
            return self._applied_sets(reconciliation, start, end)
        flow = reconciliation.flow_id
        documents = {}
        for row in self._exchanged_rows(flow, start, end):
            message_id, done_at, code, correlation, name, parent, model, res_id = row
            reference = correlation or name
            documents[reference] = lib.Document(
                done_at.date(),
                code or flow.code,
                reference,
                None,
                # a replay or a message sent again: its original carried it
                (parent or message_id, model, res_id),
            )
        return list(documents.values())

    def _exchanged_rows(self, flow, start, end):
        """(id, done at, flow type code, correlation id, name, parent id,
        record model, record id) of the flow's messages done in the period.

        One query, no record read: a busy flow has a million messages a day,
        which the ORM would read for minutes (bench/bench_reconciliation.py);
        the finished messages' index on ``done_at`` serves the range.
        """
        self.env["hc.message"].flush_model()
        self.env.cr.execute(
            """
            SELECT m.id, m.done_at, t.code, m.correlation_id, m.name,
                   CASE WHEN p.flow_id = m.flow_id THEN p.id END,
                   m.res_model, m.res_id
              FROM hc_message m
              LEFT JOIN hc_flow_type t ON t.id = m.flow_type_id
              LEFT JOIN hc_message p ON p.id = m.parent_id
             WHERE m.flow_id = %s AND m.state = %s
                   AND m.done_at >= %s AND m.done_at < %s
             ORDER BY m.id
            """,
            (flow.id, st.DONE, start, end),
        )
        return self.env.cr.fetchall()

    def _exchanged_messages(self, flow, start, end):
        """The flow's messages done in the period (records, for handlers that
        read what they carried)."""
        return (
            self.env["hc.message"]
            .sudo()
            .search(
                [
                    ("flow_id", "=", flow.id),
                    ("state", "=", st.DONE),
                    ("done_at", ">=", start),
                    ("done_at", "<", end),
                ],
                order="id",
            )
        )

    @staticmethod
    def origin_of(message, record=None):
        """Where a document is on our side: (message id, model, record id)."""
        if record is None:
            return (message.id, message.res_model, message.res_id)
        return (message.id if message else False, record._name, record.id)

    # ------------------------------------------------------------------ their side

    def control_report(self, reconciliation, start, end):
        """The partner's report of the period, as a ``lib.ControlReport``.

        Default by the reconciliation's source: the partner's API, its
        control file (SFTP or folder backend, JSON or CSV), or the control
        trailers of the X12 files received. Raise ``lib.ReportError``
        (or ``UserError``) when the report is unavailable: the period is then
        recorded as failed, and checked again at the next run.
        """
        if reconciliation.source in REPORTED:
            body, report_format = self._report_body(reconciliation, start, end)
            return self._read_report(body, report_format, start.date())
        if reconciliation.source == "trailer":
            return self._report_from_trailers(reconciliation, start, end)
        raise UserError(
            _(
                "Reconciliation %(name)s reads its report with its handler, and "
                "%(handler)s does not say how (override control_report).",
                name=reconciliation.name,
                handler=self._name,
            )
        )

    def _report_body(self, reconciliation, start, end):
        """The partner's report of the period's day as it came, and its
        format: ``(bytes, "json" | "csv")``."""
        if reconciliation.source == "file":
            return self._report_body_from_file(reconciliation, start, end)
        return self._report_body_from_api(reconciliation, start, end), "json"

    @staticmethod
    def _read_report(body, report_format, day):
        if report_format == "csv":
            return lib.read_report_csv(body, day)
        return lib.read_report(schema.load_json(body), day)

    def _control_backend(self, reconciliation):
        return (
            reconciliation.control_backend_id or reconciliation.flow_id.backend_id
        ).sudo()

    def _report_body_from_api(self, reconciliation, start, end):
        """GET the control endpoint on the flow's backend, for the period's day."""
        day = start.date()
        path = (reconciliation.control_endpoint or "").format(date=day.isoformat())
        backend = self._control_backend(reconciliation)
        if backend._is_file_transport():
            raise UserError(
                _("Backend %s has no API to ask for a control report.", backend.name)
            )
        result = backend._http_send("GET", path, None, {"Accept": "application/json"})
        outcome = retry.classify_status(result.status, result.headers)
        if not outcome.ok:
            raise UserError(
                _(
                    "The partner's control report of %(day)s: %(reason)s",
                    day=day,
                    reason=outcome.reason,
                )
            )
        return result.body

    def _report_body_from_file(self, reconciliation, start, end):
        """The partner's control file of the period's day, read from the in
        folder of its SFTP (or folder) backend and left there (a corrected
        file of the same name is read at the next check); CSV when its name
        ends in ``.csv``, else JSON."""
        day = start.date()
        name = (reconciliation.control_file_pattern or "").format(date=day.isoformat())
        backend = self._control_backend(reconciliation)
        if not backend._is_file_transport():
            raise UserError(
                _(
                    "Backend %s exchanges no files to read a control file from.",
                    backend.name,
                )
            )
        backend._check_environment()
        try:
            with filetransport.connect(backend._file_config()) as files:
                body = files.get(name)
        except FileNotFoundError:
            raise lib.ReportError(
                _(
                    "No control file %(name)s on %(backend)s yet.",
                    name=name,
                    backend=backend.name,
                )
            ) from None
        except filetransport.FileTransportError as exc:
            raise lib.ReportError(
                _("The control file %(name)s: %(error)s", name=name, error=exc)
            ) from None
        return body, "csv" if name.lower().endswith(".csv") else "json"

    def _received_files(self, reconciliation, start, end):
        """The X12 files the partner sent in the period (not their split sets)."""
        flow = reconciliation.control_flow_id or reconciliation.flow_id
        return (
            self.env["hc.message"]
            .sudo()
            .search(
                [
                    ("flow_id", "=", flow.id),
                    ("direction", "=", "inbound"),
                    ("parent_relation", "=", False),
                    ("create_date", ">=", start),
                    ("create_date", "<", end),
                ],
                order="id",
            )
        )

    def _applied_sets(self, reconciliation, start, end):
        """Each transaction set applied from the period's files: a file's split
        sets done, or the file itself when it held one set and is done; dated
        by its file, typed by its set id (e.g. ``810``)."""
        files = self._received_files(reconciliation, start, end)
        split = (
            self.env["hc.message"]
            .sudo()
            .search(
                [("parent_id", "in", files.ids), ("parent_relation", "=", "split")],
                order="id",
            )
        )
        documents = []
        for file in files:
            sets = split.filtered(lambda m, f=file: m.parent_id == f) or file
            for message in sets.filtered(lambda m: m.state == st.DONE):
                try:
                    interchanges = x12.parse(message._body())
                except x12.X12Error:
                    continue  # a set that was not applied is no document of ours
                for transaction_set in x12.transaction_sets(interchanges):
                    documents.append(
                        lib.Document(
                            file.create_date.date(),
                            transaction_set.id,
                            f"{message.name}/{transaction_set.control_number}",
                            None,
                            self.origin_of(message),
                        )
                    )
        return documents

    def _report_from_trailers(self, reconciliation, start, end):
        """The transaction sets the partner's X12 files of the period declare.

        Each file's functional groups end with ``GE01``, the number of sets the
        partner put in them (checked against the sets when the file was
        parsed): per day and transaction set type, that count is the
        partner's control total.
        """
        files = self._received_files(reconciliation, start, end)
        totals = Counter()
        for message in files:
            body = message._body()
            if not body:
                raise lib.ReportError(
                    _("The payload of %s was purged with its trailer.", message.name)
                )
            try:
                interchanges = x12.parse(body)
            except x12.X12Error as exc:
                raise lib.ReportError(f"{message.name}: {exc}") from None
            for transaction_set in x12.transaction_sets(interchanges):
                totals[(message.create_date.date(), transaction_set.id)] += 1
        return lib.ControlReport(
            totals=tuple(
                lib.Total(day, set_id, count) for (day, set_id), count in totals.items()
            )
        )

    # ------------------------------------------------------------------ replay

    def replay_difference(self, difference):
        """Send our document again; the new message, or None when not possible.

        Default, for a document missing at the partner or whose amount
        differs, carried by an outbound message: a failed message is replayed
        as any failed message; a delivered one, which the runtime never
        delivers twice under its key, is sent again as a new message of the
        same payload and correlation, keyed by the difference (a second
        replay of the difference returns it), since the partner's own report
        says it does not have it.
        """
        message = difference.message_id.sudo()
        if difference.kind not in (lib.MISSING_AT_PARTNER, lib.AMOUNT_DIFFERS) or not (
            message and message.direction == "outbound"
        ):
            return None
        if message.state != st.DONE:
            return message._replay()
        return message.flow_id._send(
            message._body(),
            record=message._linked_record(),
            idempotency_key=f"{message.idempotency_key}/reconciled/{difference.id}",
            correlation_id=message.correlation_id,
            parent=message,
        )
