# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class HcSyncIssue(models.Model):
    """An item of a batch page that could not be applied, listed on its run.

    Unknown codes in a catalog of 100,000 lines are work for a person, not a
    reason to fail the page: the handler reports them from ``process_items``
    and the run lists them (with the codes) for whoever maps them.
    """

    _name = "hc.sync.issue"
    _description = "Integration Sync Issue"
    _order = "run_id desc, id"

    run_id = fields.Many2one(
        "hc.sync.run", required=True, ondelete="cascade", index=True, readonly=True
    )
    message_id = fields.Many2one("hc.message", ondelete="set null", readonly=True)
    flow_id = fields.Many2one(related="run_id.flow_id", store=True)
    company_id = fields.Many2one(related="run_id.company_id", store=True)
    item = fields.Char(readonly=True, help="The item's reference in the page.")
    kind = fields.Char(readonly=True, index=True, help="e.g. unknown_item, unknown_uom")
    code = fields.Char(readonly=True, help="The code that could not be resolved.")
    text = fields.Char(readonly=True)
    resolved = fields.Boolean()

    @api.model
    def _record(self, run, message, issues):
        """Store [{"item", "kind", "code", "text"}, ...] reported by a handler."""
        return self.sudo().create(
            [
                {
                    "run_id": run.id,
                    "message_id": message.id,
                    "item": str(issue.get("item") or "")[:255] or False,
                    "kind": str(issue.get("kind") or "issue")[:64],
                    "code": str(issue.get("code") or "")[:255] or False,
                    "text": str(issue.get("text") or "")[:1000] or False,
                }
                for issue in issues
            ]
        )
