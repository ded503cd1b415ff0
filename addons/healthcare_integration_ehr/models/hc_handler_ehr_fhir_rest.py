# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import re
import uuid

from odoo import fields, models

from ..lib import fhir_answers, fhir_http, fhir_stamp, fhir_validate

ENTRY_PATH = re.compile(r"^Bundle\.entry\[(\d+)\]")


class HcHandlerEhrFhir(models.AbstractModel):
    """What the FHIR endpoint's RESTful interactions add to inbound FHIR.

    Ids and versions assigned by the server (``_stamp``), and batch Bundles,
    whose entries are each taken or refused alone: an invalid entry is left
    out of what is stored (the door answers it in the ``batch-response``),
    and each kept entry is processed as its own message, a ``split`` child of
    the Bundle's, so that one failing entry fails (and is replayed) alone.
    """

    _inherit = "hc.handler.ehr.fhir"

    @staticmethod
    def _issue_of(error):
        where = [error.expression] if error.expression else []
        return fhir_validate.Issue(
            error.diagnostics, code=error.code, expression=where, status=error.status
        )

    def _stamp(self, flow, document, interaction):
        store = self.env["hc.ehr.fhir.resource"].sudo()
        backend = flow.backend_id

        def next_version(rtype, rid):
            return store._next_version(backend, rtype, rid)

        def matches(rtype, query):
            capability = fhir_answers.RESOURCE_CAPABILITIES.get(rtype)
            if not capability:
                return []
            params = fhir_http.parse_qsl(query)
            search = fhir_http.parse_search(rtype, params, capability["search"])
            search.count = 2
            page, _total = store._find(backend, rtype, search)
            return [version._resource() for version in page]

        now = fhir_http.instant(fields.Datetime.now())
        return fhir_stamp.stamp(
            document,
            interaction,
            now,
            next_version,
            lambda: str(uuid.uuid4()),
            matches,
        )

    def _fhir_keep(self, screened, issues, interaction):
        """(document to store, blocking issues named as received).

        A batch keeps its valid entries when it has some and the Bundle
        itself is sound; any other document is refused on any issue.
        """
        document = screened.document
        by_entry = self._issues_by_entry(issues)
        batch = (
            interaction is not None
            and interaction.kind == "bundle"
            and document.get("type") == "batch"
        )
        entries = document.get("entry") or []
        if batch and issues and None not in by_entry and len(by_entry) < len(entries):
            document = dict(document)
            document["entry"] = [
                entry for index, entry in enumerate(entries) if index not in by_entry
            ]
            screened.entry_positions = [
                position
                for index, position in enumerate(screened.entry_positions)
                if index not in by_entry
            ]
            issues = []
        for issue in issues:
            issue.expression = [screened.received_path(e) for e in issue.expression]
        return document, issues

    @staticmethod
    def _issues_by_entry(issues):
        """{screened entry index or None (the Bundle itself): [issues]}."""
        found = {}
        for issue in issues:
            match = ENTRY_PATH.match(issue.expression[0]) if issue.expression else None
            found.setdefault(int(match.group(1)) if match else None, []).append(issue)
        return found

    def _fhir_entry_issues(self, flow, body):
        """{received entry index: [issues]} of a batch Bundle's refused entries."""
        document = json.loads(body)
        screened = self._screener(flow).screen(document)
        issues = fhir_validate.check(screened.document, self._hc_fhir_types)
        found = {}
        for index, entry_issues in self._issues_by_entry(issues).items():
            if index is None or index >= len(screened.entry_positions):
                continue
            for issue in entry_issues:
                issue.expression = [screened.received_path(e) for e in issue.expression]
            found[screened.entry_positions[index]] = entry_issues
        return found

    # ------------------------------------------------------------------ batches

    @staticmethod
    def _fhir_is_batch(message, document):
        return (
            document.get("resourceType") == "Bundle"
            and document.get("type") == "batch"
            and message.parent_relation != "split"
        )

    def _fhir_split_batch(self, message, document):
        """Each entry of a batch becomes its own message, processed alone."""
        inbound = self.env["hc.inbound"]
        for index, (_prefix, resource) in enumerate(fhir_validate.resources(document)):
            body = json.dumps(resource, ensure_ascii=False, sort_keys=True).encode()
            inbound._ingest(
                message.flow_id,
                body,
                idempotency_key=f"{message.idempotency_key}/{index}",
                correlation_id=message.correlation_id,
                parent=message,
                parent_relation="split",
            )
        return None
