# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from urllib.parse import urlencode

from odoo import _, models
from odoo.exceptions import UserError

from ..lib import schema
from ..lib.transport import Page


class HcHandler(models.AbstractModel):
    """What a flow type does with its payloads: the hooks the runtime calls.

    A domain addon inherits this model in one abstract model per flow type and
    overrides the hooks its direction needs; the runtime does the rest
    (storage, queueing, retries, ordering, idempotency, audit)::

        class HcHandlerPoOut(models.AbstractModel):
            _name = "hc.handler.procurement.po_out"
            _inherit = "hc.handler"
            _description = "Purchase order out (JSON)"
            _hc_directions = ("outbound",)

            def build_payload(self, record, flow):
                return {"order": record.name, "lines": [...]}

    and ships the flow type as data that names it::

        <record id="flow_type_po_out" model="hc.flow.type">
            <field name="code">procurement.po_out</field>
            <field name="name">Purchase order out</field>
            <field name="direction">outbound</field>
            <field name="handler_model">hc.handler.procurement.po_out</field>
        </record>

    Hooks run as the user who sends (outbound) or as the least-privilege
    Integration Processor (inbound), in the company of the message. Inbound
    hooks run in a savepoint: raise ``HcBusinessError`` (with a ``kind``) for
    what a person must fix, ``HcRetryableError`` for what will fix itself; all
    the hook wrote is then rolled back. This base model is itself the "record
    only" handler: it sends what it is given and stores what it receives.
    """

    _name = "hc.handler"
    _description = "Integration Handler"

    _hc_is_handler = True
    # directions this handler serves; empty for both
    _hc_directions = ()
    # personal data of this type's payloads: a new binding starts with these
    # paths masked before storage, and with this payload retention (days;
    # None: the binding's default), e.g. for payroll results::
    #
    #     _hc_default_redactions = ("$.employees[*].national_id",)
    #     _hc_payload_retention_days = 30
    _hc_default_redactions = ()
    _hc_payload_retention_days = None
    # a batch handler whose process_items only reads (checks the items and
    # writes nothing): a pull checks each page as it stores it, its outcome
    # in the same statement, instead of processing it as a message
    _hc_page_check_only = False

    def _hc_overrides(self, hook):
        """Whether this handler implements ``hook`` (else the runtime skips it)."""
        return getattr(type(self), hook) is not getattr(HcHandler, hook)

    # ------------------------------------------------------------------ outbound

    def select_flows(self, record, flows):
        """The bindings that ``record`` goes out through (default: all of them).

        Called by ``record._hc_send(code)`` with the active bindings of the type
        in the record's company; e.g. send an order only to its supplier's
        backend::

            def select_flows(self, record, flows):
                return flows.filtered(
                    lambda f: f.backend_id.partner_id == record.partner_id
                )
        """
        return flows

    def build_payload(self, record, flow):
        """The payload of ``record`` for ``flow``: a dict or list (JSON), str or bytes.

        Example::

            def build_payload(self, record, flow):
                return {"order": record.name, "supplier": record.partner_id.ref}
        """
        raise UserError(
            _(
                "Flow %(flow)s cannot build a payload from %(record)s: pass the "
                "payload to send.",
                flow=flow.display_name,
                record=record.display_name,
            )
        )

    def prepare_request(self, message):
        """Method, path and extra headers of one outbound message.

        The outbound hooks (this one, ``on_delivered``, ``file_name_values``)
        run in the delivery job, as the integration processor, and get the
        message in sudo: what they read or note on its linked record is the
        integration's bookkeeping, whoever sent the message.

        Returns a dict with any of ``method``, ``path`` and ``headers``; what is
        missing comes from the flow. E.g. a FHIR update of the linked record::

            def prepare_request(self, message):
                delivery = message._linked_record()
                return {"method": "PUT", "path": f"/SupplyDelivery/{delivery.ref}"}
        """
        return {}

    def on_delivered(self, message, reply):
        """Read the partner's answer to a delivered message.

        ``reply`` has ``status``, ``headers``, ``body`` and ``document`` (the body
        decoded in the flow's format). E.g. keep the id the partner gave::

            def on_delivered(self, message, reply):
                message._linked_record().partner_ref = reply.document["id"]

        An error raised here is noted on the message, which stays delivered.
        """
        return None

    def file_name_values(self, message):
        """Extra fields of the flow's file name pattern, on file backends.

        E.g. name X12 files by their interchange control number, with the
        pattern ``PO_{name}_{control}.x12``::

            def file_name_values(self, message):
                [interchange] = x12.parse(message._body())
                return {"control": interchange.control_number}
        """
        return {}

    def collect_pages(self, flow):
        """Pages [(payload, watermark after it), ...] a scheduled push sends.

        Called by the schedule of an outbound flow type with trigger
        "schedule"; every page becomes one outbound message of a sync run::

            def collect_pages(self, flow):
                lines = self.env["x"].search([("write_date", ">", flow.watermark)])
                return [([l.as_dict() for l in lines], str(lines[-1:].write_date))]
        """
        return []

    def batch_key(self, flow):
        """The once-only key of the push the schedule is about to send, or None.

        A run with a key already sent is not sent again, e.g. one month-end
        per period::

            def batch_key(self, flow):
                return fields.Date.today().strftime("%Y-%m")
        """
        return None

    # ------------------------------------------------------------------ inbound

    def screen_payload(self, flow, body):
        """Minimize a received payload before anything of it is stored.

        Runs before storage, on every route (webhook, file, broker); the flow's
        redaction rules apply to what it returns. Raise ``HcBusinessError`` to
        refuse the payload: the message is then recorded as failed and nothing
        of the payload is kept. E.g. replace patient identifiers by a token::

            def screen_payload(self, flow, body):
                document = json.loads(body)
                document.pop("patient", None)
                return json.dumps(document).encode()
        """
        return body

    def decode(self, message, body):
        """The document ``process`` receives; default: decoded by payload format."""
        payload_format = message.flow_id._job_settings().payload_format
        return schema.decode_payload(payload_format, body)

    def process(self, message, document):
        """Apply one received document; return the record(s) created or updated.

        The first record returned is linked to the message (and shows the
        message in its Messages button). Example::

            def process(self, message, document):
                partner = self._upsert_supplier(message.backend_id, document)
                return partner
        """
        return None

    # ------------------------------------------------------------------ batch pull

    def fetch_page(self, run, cursor):
        """One page of a batch pull from the run's watermark on, as a ``Page``.

        The default calls ``GET <endpoint>?since=<watermark>&limit=<page size>
        [&cursor=<cursor>]`` and reads ``{"items": [...], "next_cursor": ...,
        "watermark": ...}``. Override for another paging scheme::

            def fetch_page(self, run, cursor):
                data = run._get_json(f"/items?page={cursor or 1}")
                return Page(data["rows"], data.get("next"), data.get("last"))
        """
        query = {
            "since": run.watermark_from or "",
            "limit": run.flow_id.batch_page_size,
        }
        if cursor:
            query["cursor"] = cursor
        data = run._get_json(f"{run.flow_id.endpoint or '/'}?{urlencode(query)}")
        if not isinstance(data, dict) or not isinstance(data.get("items", []), list):
            raise schema.PayloadValidationError(
                ["a page must be an object with an 'items' list"]
            )
        return Page(
            items=data.get("items", []),
            next_cursor=data.get("next_cursor") or None,
            watermark=data.get("watermark") or None,
        )

    def process_items(self, message, items):
        """Apply one page of a batch pull; return counts and issues.

        Returns a dict with ``created``, ``updated``, ``skipped``, ``failed``
        and optionally ``issues``: items that could not be applied, listed on
        the run without failing it, e.g.
        ``{"item": "SKU-1", "kind": "unknown_item", "code": "SKU-1"}``. Resolve
        codes in bulk per page (``hc.crosswalk._resolve_many``), not per item.
        """
        return {"created": 0, "updated": 0, "skipped": len(items), "failed": 0}
