# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import _, api, fields, models

from ..lib import finance

_logger = logging.getLogger(__name__)

CAPITALIZATION_OUT = "asset.capitalization_out"


class HcAssetFinancePeriod(models.Model):
    """A month of capital equipment for a finance backend, and what was sent.

    The month-end run confirms the draft assets whose equipment is in service,
    posts their depreciation with OCA's engine, and pushes per cost centre
    what was capitalized, depreciated and disposed of, as one push run whose
    once-only key is the period. Running a period again sends only the
    difference with what was sent (a correction), or nothing.
    """

    _name = "hc.asset.finance.period"
    _description = "Capital Equipment Finance Period"
    _inherit = ["mail.thread"]
    _order = "name desc, id desc"

    name = fields.Char(string="Period", required=True, readonly=True, index=True)
    flow_id = fields.Many2one(
        "hc.flow", required=True, readonly=True, ondelete="restrict", index=True
    )
    backend_id = fields.Many2one(related="flow_id.backend_id", store=True)
    company_id = fields.Many2one(related="flow_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(readonly=True, required=True)
    date_to = fields.Date(string="Cutoff", readonly=True, required=True)
    revision = fields.Integer(
        readonly=True, help="Pushes made: the first, then one per correction."
    )
    line_ids = fields.One2many(
        "hc.asset.finance.period.line", "period_id", string="Sent per cost centre"
    )
    run_ids = fields.Many2many("hc.sync.run", string="Push runs", readonly=True)
    capitalized = fields.Monetary(compute="_compute_totals")
    depreciation = fields.Monetary(compute="_compute_totals")
    disposed_book_value = fields.Monetary(compute="_compute_totals")

    _sql_constraints = [
        ("period_unique", "unique(flow_id, name)", "One record per period and flow."),
    ]

    @api.depends(
        "line_ids.capitalized", "line_ids.depreciation", "line_ids.disposed_book_value"
    )
    def _compute_totals(self):
        for period in self:
            lines = period.line_ids
            period.capitalized = sum(lines.mapped("capitalized"))
            period.depreciation = sum(lines.mapped("depreciation"))
            period.disposed_book_value = sum(lines.mapped("disposed_book_value"))

    # ------------------------------------------------------------------ runs

    @api.model
    def _cron_month_end(self):
        """Scheduled action: close the month before today for every binding."""
        period = finance.previous_period(fields.Date.context_today(self))
        return self._run_month_end(period)

    @api.model
    def _run_month_end(self, period, companies=None):
        """Close ``period`` (YYYY-MM) for the finance bindings of ``companies``."""
        finance.period_bounds(period)
        domain = [
            ("flow_type_id.code", "=", CAPITALIZATION_OUT),
            ("backend_id.active", "=", True),
        ]
        if companies:
            domain.append(("company_id", "in", companies.ids))
        periods = self.browse()
        for flow in self.env["hc.flow"].sudo().search(domain):
            record = self._for_flow(flow, period)
            record.with_company(flow.company_id)._close()
            periods |= record
        return periods

    @api.model
    def _for_flow(self, flow, period):
        record = self.search([("flow_id", "=", flow.id), ("name", "=", period)])
        if record:
            return record
        date_from, date_to = finance.period_bounds(period)
        return self.create(
            {
                "name": period,
                "flow_id": flow.id,
                "date_from": date_from,
                "date_to": date_to,
            }
        )

    def _close(self):
        """Capitalize, depreciate and push what changed; the run, or None."""
        self.ensure_one()
        self._confirm_in_service_assets()
        self._assets().filtered(lambda a: a.state == "open")._compute_entries(
            self.date_to
        )
        self._claim()
        digits = self.currency_id.decimal_places
        figures = finance.rounded(self._figures(), digits)
        changes = finance.delta(self._sent_figures(), figures, digits)
        if not changes:
            _logger.info("period %s: nothing new for %s", self.name, self.flow_id.name)
            return None
        key = self.name if not self.revision else f"{self.name}/r{self.revision}"
        header = {
            "period": self.name,
            "cutoff": fields.Date.to_string(self.date_to),
            "company": self.company_id.name,
            "currency": self.currency_id.name,
            "kind": "correction" if self.revision else "period",
            "revision": self.revision,
        }
        pages = [(page, self.name) for page in finance.pages(header, changes)]
        # finance users close periods; the run is the integration's record
        run = self.flow_id.sudo()._send_batch(pages, key=key)
        self._store_sent(figures)
        self.write({"revision": self.revision + 1, "run_ids": [(4, run.id)]})
        self.message_post(
            body=_(
                "%(kind)s sent as run %(run)s.",
                kind=_("Correction") if header["kind"] == "correction" else _("Period"),
                run=run.name,
            )
        )
        return run

    # ------------------------------------------------------------------ figures

    def _assets(self):
        return (
            self.env["account.asset"]
            .with_context(active_test=True)
            .search(
                [
                    ("hc_equipment_id", "!=", False),
                    ("company_id", "=", self.company_id.id),
                ]
            )
        )

    def _confirm_in_service_assets(self):
        """Confirm the draft assets whose equipment is in service by the cutoff."""
        drafts = self._assets().filtered(
            lambda a: a.state == "draft"
            and a.hc_equipment_id.hc_in_service_date
            and a.hc_equipment_id.hc_in_service_date <= self.date_to
        )
        drafts.validate()
        return drafts

    def _claim(self):
        """Give this period what no period reported yet, up to the cutoff.

        Something that qualifies late (a commissioning entered after its month
        was sent) goes to the next period run, or to the correction of this one.
        """
        assets = self._assets()
        assets.filtered(
            lambda a: a.state in ("open", "close", "removed")
            and not a.hc_capitalized_period
            and a.date_start <= self.date_to
        ).write({"hc_capitalized_period": self.name})
        lines = self.env["account.asset.line"].search(
            [
                ("asset_id", "in", assets.ids),
                ("type", "in", ("depreciate", "remove")),
                ("move_check", "=", True),
                ("line_date", "<=", self.date_to),
                ("hc_reported_period", "=", False),
            ]
        )
        # OCA refuses changes to posted lines; this field is only our mark
        lines.with_context(allow_asset_line_update=True).write(
            {"hc_reported_period": self.name}
        )

    def _figures(self):
        """{cost centre: {measure: amount}} reported in this period."""
        figures = {}
        assets = self._assets().with_context(active_test=False)
        for asset in assets.filtered(lambda a: a.hc_capitalized_period == self.name):
            for centre, share in self._split(asset, asset.purchase_value).items():
                finance.add(figures, centre, "capitalized", share)
            finance.add(figures, self._main_centre(asset), "capitalized_count", 1)
        lines = self.env["account.asset.line"].search(
            [
                ("asset_id", "in", assets.ids),
                ("hc_reported_period", "=", self.name),
                ("move_check", "=", True),
            ]
        )
        for line in lines:
            asset = line.asset_id
            if line.type == "depreciate":
                measure, value = "depreciation", line.amount
            else:
                measure, value = "disposed_book_value", line.amount
                proceeds = asset.hc_equipment_id.hc_disposal_value
                for centre, share in self._split(asset, proceeds).items():
                    finance.add(figures, centre, "disposal_proceeds", share)
            for centre, share in self._split(asset, value).items():
                finance.add(figures, centre, measure, share)
        return figures

    def _centre_distribution(self, asset):
        """{cost centre label: percentage} of an asset's analytic distribution."""
        labels = {}
        accounts = self.env["account.analytic.account"].sudo()
        for key, share in (asset.analytic_distribution or {}).items():
            first = str(key).split(",")[0].strip()
            account = accounts.browse(int(first)) if first.isdigit() else accounts
            label = account.exists() and (account.code or account.name)
            label = label or finance.UNALLOCATED
            labels[label] = labels.get(label, 0.0) + float(share)
        return labels

    def _split(self, asset, amount):
        digits = self.currency_id.decimal_places
        return finance.split(amount, self._centre_distribution(asset), digits)

    def _main_centre(self, asset):
        distribution = self._centre_distribution(asset)
        if not distribution:
            return finance.UNALLOCATED
        return max(distribution, key=distribution.get)

    def _sent_figures(self):
        return {
            line.cost_centre: {m: line[m] for m in finance.MEASURES}
            for line in self.line_ids
        }

    def _store_sent(self, figures):
        lines = {line.cost_centre: line for line in self.line_ids}
        for centre in set(lines) | set(figures):
            values = {m: figures.get(centre, {}).get(m, 0.0) for m in finance.MEASURES}
            if centre in lines:
                lines[centre].write(values)
            else:
                self.env["hc.asset.finance.period.line"].create(
                    {"period_id": self.id, "cost_centre": centre, **values}
                )

    def action_view_runs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "healthcare_integration_core.hc_sync_run_action"
        )
        action["domain"] = [("id", "in", self.run_ids.ids)]
        return action
