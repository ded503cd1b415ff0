# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from pathlib import Path

from odoo import _, models

from odoo.addons.healthcare_integration_core.exceptions import (
    HcBusinessError,
    HcRetryableError,
)
from odoo.addons.healthcare_integration_core.lib import redact, schema
from odoo.addons.healthcare_integration_core.lib.transport import Page

from .hc_payroll_workforce import WAIT_SECONDS

SCHEMA_PATH = Path(__file__).parents[1] / "data/schemas/workforce_event.schema.json"


class HcHandlerPayrollWorkforce(models.AbstractModel):
    """Workforce lifecycle events from the HR system (webhook and batch pull).

    Flow types ``payroll.workforce_event`` (one event per webhook call) and
    ``payroll.workforce_pull`` (pages of events from the HR system's feed).
    Each event goes to ``hc.payroll.workforce``; an event that must wait for
    an earlier one (a transfer before its hire) is retried later instead of
    failing. National ids and bank accounts are masked before storage.
    """

    _name = "hc.handler.payroll.workforce"
    _inherit = "hc.handler.payroll"
    _description = "Payroll: workforce events in (JSON)"
    _hc_directions = ("inbound",)
    _hc_default_redactions = (
        "$.employee.national_id",
        "$.employee.bank_account",
    )

    def process(self, message, document):
        employee, _outcome = self.env["hc.payroll.workforce"]._apply_event(
            message.backend_id, document
        )
        return employee

    # ------------------------------------------------------------------ batch pull

    def fetch_page(self, run, cursor):
        """A page of the HR feed, each event minimized by the flow's rules.

        The runtime stores a pulled page as is, so the minimization that a
        webhook payload gets before storage is applied here, per event.
        """
        page = super().fetch_page(run, cursor)
        flow = run.flow_id
        items = [self._minimized(flow, item) for item in page.items]
        return Page(items=items, next_cursor=page.next_cursor, watermark=page.watermark)

    def _minimized(self, flow, item):
        rules = [(rule.path, rule.mode) for rule in flow.redaction_ids]
        if not rules or not isinstance(item, dict):
            return item
        return json.loads(
            redact.redact_payload("json", json.dumps(item).encode(), rules)
        )

    def process_items(self, message, items):
        """Apply a page of events in each employee's order.

        An event that cannot apply (bad data, unknown cost centre) is an issue
        of the run and is skipped; one that must wait for an earlier event
        holds the whole page, which is retried (every event is idempotent).
        """
        if not isinstance(items, list):
            raise HcBusinessError(
                _("A page of events must be a list."), kind="invalid_page"
            )
        counts = {"created": 0, "updated": 0, "skipped": 0, "failed": 0, "issues": []}
        waiting = []
        workforce = self.env["hc.payroll.workforce"]
        for item in sorted(items, key=self._event_order):
            errors = self._event_errors(item)
            if errors:
                counts["failed"] += 1
                counts["issues"].append(
                    self._issue(item, "invalid_event", "; ".join(errors))
                )
                continue
            try:
                with self.env.cr.savepoint():
                    _employee, outcome = workforce._apply_event(
                        message.backend_id, item
                    )
            except HcRetryableError as exc:
                waiting.append(str(exc))
                continue
            except HcBusinessError as exc:
                counts["failed"] += 1
                counts["issues"].append(self._issue(item, exc.kind, str(exc)))
                continue
            counts[outcome] += 1
        if waiting:
            raise HcRetryableError("; ".join(waiting), seconds=WAIT_SECONDS)
        return counts

    @staticmethod
    def _event_order(item):
        if not isinstance(item, dict):
            return ("", 0, "")
        employee = (
            item.get("employee") if isinstance(item.get("employee"), dict) else {}
        )
        return (
            str(employee.get("id") or ""),
            item.get("sequence") if isinstance(item.get("sequence"), int) else 0,
            str(item.get("effective_date") or ""),
        )

    @staticmethod
    def _event_errors(item):
        return schema.validate_json(event_schema(), item)

    @staticmethod
    def _issue(item, kind, text):
        event = item if isinstance(item, dict) else {}
        employee = (
            event.get("employee") if isinstance(event.get("employee"), dict) else {}
        )
        return {
            "item": event.get("event_id") or employee.get("id") or "?",
            "kind": kind,
            "code": employee.get("id"),
            "text": text,
        }


_SCHEMA = {}


def event_schema():
    """The workforce event JSON Schema (the webhook flow type's, from its file)."""
    if "event" not in _SCHEMA:
        _SCHEMA["event"] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return _SCHEMA["event"]
