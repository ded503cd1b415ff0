# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import hashlib

from odoo import _, fields, models
from odoo.exceptions import UserError


class HcConfigTransfer(models.TransientModel):
    """Export the configuration to a file, or import one after a dry run.

    Import is two steps: *Preview* compares the file with the database and
    lists every change (nothing is written); *Apply* writes exactly the
    previewed file, all of it or nothing.
    """

    _name = "hc.config.transfer"
    _description = "Integration Configuration Export / Import"

    mode = fields.Selection(
        [("export", "Export"), ("import", "Import")], required=True, default="export"
    )
    backend_ids = fields.Many2many(
        "hc.backend",
        string="Backends",
        help="Backends to export, with their flows and crosswalks; all when empty.",
    )
    config_file = fields.Binary(string="File", attachment=False)
    file_name = fields.Char()
    prune = fields.Boolean(
        string="Archive what the file does not list",
        help="Archive the flows and crosswalks of the file's backends that the "
        "file does not list. Backends the file does not name are never touched.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("previewed", "Previewed"), ("done", "Done")],
        default="draft",
        required=True,
    )
    preview = fields.Text(readonly=True)
    previewed_sha256 = fields.Char(readonly=True)
    change_count = fields.Integer(readonly=True)

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": _("Export / Import configuration"),
        }

    def _text(self):
        if not self.config_file:
            raise UserError(_("Choose the file to import."))
        try:
            return base64.b64decode(self.config_file).decode("utf-8")
        except UnicodeDecodeError:
            raise UserError(_("The file is not UTF-8 text.")) from None

    def action_export(self):
        self.ensure_one()
        backends = self.backend_ids or None
        text = self.env["hc.config.io"]._export_config(backends)
        self.write(
            {
                "config_file": base64.b64encode(text.encode()),
                "file_name": f"hc-config-{self.env.cr.dbname}.yaml",
                "state": "done",
            }
        )
        return self._reopen()

    def action_preview(self):
        """Dry run: list the differences, write nothing."""
        self.ensure_one()
        text = self._text()
        result = self.env["hc.config.io"]._import_config(
            text, dry_run=True, prune=self.prune
        )
        self.write(
            {
                "preview": self._preview_text(result),
                "previewed_sha256": hashlib.sha256(text.encode()).hexdigest(),
                "change_count": len(result["changes"]),
                "state": "previewed",
            }
        )
        return self._reopen()

    def action_apply(self):
        self.ensure_one()
        text = self._text()
        if self.state != "previewed" or (
            hashlib.sha256(text.encode()).hexdigest() != self.previewed_sha256
        ):
            raise UserError(_("Preview the file before applying it."))
        result = self.env["hc.config.io"]._import_config(
            text, dry_run=False, prune=self.prune
        )
        self.write(
            {
                "preview": _("Applied.\n\n%s", self._preview_text(result)),
                "state": "done",
            }
        )
        return self._reopen()

    def _preview_text(self, result):
        lines = result["changes"] or [
            _("No difference: the database matches the file.")
        ]
        if result["missing_secrets"]:
            lines += ["", _("Secrets to set after the import:")]
            lines += [f"! {line}" for line in result["missing_secrets"]]
        return "\n".join(lines)
