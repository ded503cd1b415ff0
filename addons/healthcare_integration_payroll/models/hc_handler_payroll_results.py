# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models

from odoo.addons.healthcare_integration_core.exceptions import HcBusinessError

from ..lib import journal

RESULT_SECTIONS = ("gross", "employer_charges", "deductions")


class HcHandlerPayrollResults(models.AbstractModel):
    """Payroll results of a provider's run in, posted as one journal entry.

    Flow type ``payroll.results`` (see data/schemas/payroll_results.schema.json).
    The run posts whole or not at all: an unknown employee or code, or an
    entry that would not balance, holds it as a business exception (nothing
    posted; fix the mapping, replay). The same run and revision sent again is
    a duplicate (nothing posted again); a higher revision is a correction:
    the entry of the previous revision is reversed and the new one posted.
    Debit lines are split by the employees' cost centres in the period
    (by hours worked in each). National ids and bank accounts are masked
    before storage, pay amounts once posted.
    """

    _name = "hc.handler.payroll.results"
    _inherit = "hc.handler.payroll"
    _description = "Payroll: payroll results in (JSON)"
    _hc_directions = ("inbound",)
    _hc_default_redactions = (
        "$.employees[*].national_id",
        "$.employees[*].bank_account",
    )
    _hc_mask_when_done = (
        "$.employees[*].gross[*].amount",
        "$.employees[*].employer_charges[*].amount",
        "$.employees[*].deductions[*].amount",
        "$.employees[*].net",
    )

    def process(self, message, document):
        provider = self._hc_provider(message)
        period = self._hc_period(provider, document)
        currency = provider.currency_id
        if document["currency"] != currency.name:
            raise HcBusinessError(
                _(
                    "Run %(run)s is in %(currency)s; %(company)s posts payroll in "
                    "%(own)s.",
                    run=document["run_id"],
                    currency=document["currency"],
                    company=provider.company_id.name,
                    own=currency.name,
                ),
                kind="currency",
            )
        run = journal.parse_run(document, currency.decimal_places)
        revision = document.get("revision") or 1
        previous = self._hc_previous(provider, document["run_id"])
        duplicate = self._hc_duplicate(previous, revision, run)
        if duplicate:
            self._hc_mask_processed(message)
            return duplicate
        entry, employees = self._hc_entry(provider, period, run)
        move = self._hc_post(provider, period, document, entry)
        result = self._hc_record(provider, period, document, run, move, employees)
        if previous:
            self._hc_replace(previous, result)
        self._hc_mask_processed(message)
        return result

    # ------------------------------------------------------------------ checks

    def _hc_period(self, provider, document):
        start = fields.Date.to_date(document["period"]["start"])
        end = fields.Date.to_date(document["period"]["end"])
        period = (
            self.env["hc.payroll.period"]
            .sudo()
            .search(
                [
                    ("provider_id", "=", provider.id),
                    ("date_from", "=", start),
                    ("date_to", "=", end),
                ],
                limit=1,
            )
        )
        if not period:
            raise HcBusinessError(
                _(
                    "Run %(run)s is for %(start)s to %(end)s, which is no pay period "
                    "of %(provider)s.",
                    run=document["run_id"],
                    start=start,
                    end=end,
                    provider=provider.name,
                ),
                kind="unknown_period",
            )
        return period

    def _hc_previous(self, provider, run_id):
        """The posted result of the run, if any (its latest revision)."""
        return (
            self.env["hc.payroll.result"]
            .sudo()
            .search(
                [
                    ("provider_id", "=", provider.id),
                    ("run_id", "=", run_id),
                    ("state", "=", "posted"),
                ],
                order="revision desc",
                limit=1,
            )
        )

    def _hc_duplicate(self, previous, revision, run):
        """The result a re-sent run duplicates; errors for a stale or changed one."""
        if not previous or revision > previous.revision:
            return None
        if revision < previous.revision:
            raise HcBusinessError(
                _(
                    "Run %(run)s revision %(revision)s is older than the posted "
                    "revision %(posted)s; nothing posted.",
                    run=previous.run_id,
                    revision=revision,
                    posted=previous.revision,
                ),
                kind="stale_run",
                records=previous,
            )
        if journal.content_hash(run) != previous.content_hash:
            raise HcBusinessError(
                _(
                    "Run %(run)s revision %(revision)s was already posted with other "
                    "amounts: a corrected run must come with a higher revision.",
                    run=previous.run_id,
                    revision=revision,
                ),
                kind="run_conflict",
                records=previous,
            )
        return previous

    def _hc_entry(self, provider, period, run):
        """The journal lines of the run, or a business error listing all problems."""
        refs = [employee.employee for employee in run.employees]
        crosswalks = (
            self.env["hc.crosswalk"]
            .sudo()
            ._resolve_many(provider.hr_backend_id, "employee", refs)
        )
        employees = {
            ref: entry.record_ref
            for ref, entry in crosswalks.items()
            if entry.record_ref and entry.record_ref._name == "hr.employee"
        }
        found = (
            self.env["hr.employee"].sudo().browse([e.id for e in employees.values()])
        )
        shares_by_id = found._hc_cost_shares(period.date_from, period.date_to)
        shares = {ref: shares_by_id.get(e.id, []) for ref, e in employees.items()}
        rules = {
            code: record._rule() for code, record in provider._code_rules().items()
        }
        entry = journal.build_entry(
            run, rules, shares, provider.currency_id.decimal_places
        )
        if entry.problems:
            raise HcBusinessError(
                _(
                    "Payroll run held, nothing posted (%(count)s problem(s)):\n"
                    "%(problems)s",
                    count=len(entry.problems),
                    problems="\n".join(p.text for p in entry.problems),
                ),
                kind=journal.held_kind(entry.problems),
                records=period,
            )
        return entry, found

    # ------------------------------------------------------------------ posting

    def _hc_post(self, provider, period, document, entry):
        run_label = _(
            "Payroll %(run)s rev. %(revision)s",
            run=document["run_id"],
            revision=document.get("revision") or 1,
        )
        accounts = self.env["account.account"].sudo()
        centers = self.env["account.analytic.account"].sudo()
        lines = []
        for line in entry.lines:
            center = centers.browse(line.cost_center) if line.cost_center else centers
            lines.append(
                fields.Command.create(
                    {
                        "account_id": accounts.browse(line.account).id,
                        "name": f"{run_label} - {center.display_name}"
                        if center
                        else run_label,
                        "debit": float(line.debit),
                        "credit": float(line.credit),
                        "analytic_distribution": {str(center.id): 100}
                        if center
                        else False,
                    }
                )
            )
        # posting needs accounting rights the Integration Processor does not
        # have: the run was checked whole above, the entry is posted as it is
        move = (
            self.env["account.move"]
            .sudo()
            .with_company(provider.company_id)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": provider.journal_id.id,
                    "date": document.get("pay_date") or period.date_to,
                    "ref": run_label,
                    "line_ids": lines,
                }
            )
        )
        move.action_post()
        return move

    def _hc_record(self, provider, period, document, run, move, employees):
        totals = run.totals()
        return (
            self.env["hc.payroll.result"]
            .sudo()
            .create(
                {
                    "provider_id": provider.id,
                    "period_id": period.id,
                    "run_id": document["run_id"],
                    "revision": document.get("revision") or 1,
                    "content_hash": journal.content_hash(run),
                    "move_id": move.id,
                    "employee_count": len(employees),
                    "total_gross": float(totals["gross"]),
                    "total_employer_charges": float(totals["employer_charges"]),
                    "total_deductions": float(totals["deductions"]),
                    "total_net": float(totals["net"]),
                }
            )
        )

    def _hc_replace(self, previous, result):
        """Reverse the entry of the revision ``result`` corrects."""
        reversal = previous.move_id._reverse_moves(
            [
                {
                    "date": result.move_id.date,
                    "ref": _("Reversal of %(old)s, corrected by %(new)s")
                    % {"old": previous.name, "new": result.name},
                }
            ],
            cancel=True,
        )
        previous.write(
            {
                "state": "reversed",
                "reversal_move_id": reversal.id,
                "replaced_by_id": result.id,
            }
        )
        result.replaces_id = previous
        previous.message_post(
            body=_("Reversed: corrected by %s.", result.name),
            subtype_xmlid="mail.mt_note",
        )
