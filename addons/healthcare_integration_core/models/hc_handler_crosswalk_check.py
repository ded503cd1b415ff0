# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from ..exceptions import HcMappingError


class HcHandlerCrosswalkCheck(models.AbstractModel):
    """Check that the codes of received documents are mapped (demo and smoke tests).

    A document lists ``{"codes": [{"domain": "uom", "code": "BX"}, ...]}``;
    unmapped codes fail the message as a mapping exception, which succeeds
    once the codes are mapped and the message replayed. Batch pages resolve
    all their codes with one query per domain, as the pull stores them
    (``_hc_page_check_only``); a page with unmapped codes is then processed
    as its own message, which fails with them.
    """

    _name = "hc.handler.crosswalk.check"
    _inherit = "hc.handler"
    _description = "Integration Handler: check crosswalk codes"
    _hc_directions = ("inbound",)
    _hc_page_check_only = True

    @staticmethod
    def _codes_by_domain(documents):
        by_domain = {}
        for document in documents:
            codes = document.get("codes", []) if isinstance(document, dict) else []
            for entry in codes:
                by_domain.setdefault(entry["domain"], []).append(entry["code"])
        return by_domain

    def process(self, message, document):
        self._check(message.backend_id, [document])
        return None

    def process_items(self, message, items):
        self._check(message.backend_id, items)
        return {"created": 0, "updated": 0, "skipped": len(items), "failed": 0}

    def _check(self, backend, documents):
        """Raise one HcMappingError naming every unmapped code of the
        documents, whatever its domain (one query per domain)."""
        crosswalk = self.env["hc.crosswalk"]
        missing = set()
        for domain, codes in self._codes_by_domain(documents).items():
            found = crosswalk._resolve_many(backend, domain, codes)
            missing |= {(domain, code) for code in codes if code not in found}
        if missing:
            raise HcMappingError(
                crosswalk._missing_text(backend, missing), missing=sorted(missing)
            )
