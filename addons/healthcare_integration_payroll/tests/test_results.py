# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import copy
from datetime import date

from odoo.tests import new_test_user

from .common import PayrollCase

MASK = "***REDACTED***"


class TestPayrollResults(PayrollCase):
    """Payroll results in: one balanced entry per run by cost centre, or nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.moves = cls.env["account.move"]
        # notified in Odoo: the core e-mails activity assignments from the
        # Integration Processor, which has no sender address
        cls.owner = new_test_user(
            cls.env,
            "payroll-owner",
            groups="base.group_user,hr.group_hr_manager",
            notification_type="inbox",
        )
        cls.pay_backend.business_owner_id = cls.owner

    def setUp(self):
        super().setUp()
        self.ana = self.hire("E9001", "Ana Martins")
        self.david = self.hire("E9004", "David Kim")
        transfer = self.event(
            "transfer",
            "E9004",
            "2025-03-17",
            assignment={"department": {"code": "ED", "cost_center": "T-ED"}},
        )
        self.assertEqual(self.receive_payload(self.flow_events, transfer).state, "done")
        self.work(self.ana, date(2025, 3, 3))
        # David: 16 h in intensive care, then 24 h in emergency
        for day in (12, 13, 18, 19, 20):
            self.work(self.david, date(2025, 3, day))

    @staticmethod
    def employee(ref, gross, charges, deductions, net):
        return {
            "employee_id": ref,
            "national_id": f"987-65-{ref[-4:]}",
            "bank_account": f"DE89 3704 0044 0532 0130 {ref[-2:]}",
            "gross": [{"code": code, "amount": amount} for code, amount in gross],
            "employer_charges": [{"code": "ER_SS", "amount": charges}],
            "deductions": [
                {"code": code, "amount": amount} for code, amount in deductions
            ],
            "net": net,
        }

    def results(self, revision=1, run_id="RUN-2025-03"):
        return {
            "run_id": run_id,
            "revision": revision,
            "period": {"start": "2025-03-01", "end": "2025-03-31"},
            "pay_date": "2025-03-31",
            "currency": self.currency.name,
            "employees": [
                self.employee(
                    "E9001",
                    [("REG", 1000.00)],
                    237.50,
                    [("EE_TAX", 200.00), ("EE_SS", 110.00)],
                    690.00,
                ),
                self.employee(
                    "E9004",
                    [("REG", 2000.00), ("OT", 500.01)],
                    593.75,
                    [("EE_TAX", 500.00), ("EE_SS", 275.00)],
                    1725.01,
                ),
            ],
        }

    def lines_by(self, move):
        """{(account code, cost centre code or None): (debit, credit)}."""
        found = {}
        for line in move.line_ids:
            centres = self.env["account.analytic.account"].browse(
                [int(key) for key in (line.analytic_distribution or {})]
            )
            key = (line.account_id.code, centres.code or None)
            debit, credit = found.get(key, (0.0, 0.0))
            found[key] = (debit + line.debit, credit + line.credit)
        return found

    def test_run_posts_one_balanced_entry_by_cost_centre(self):
        message = self.receive_payload(self.flow_results, self.results(), "run-1")
        self.assertEqual(message.state, "done", message.error_text)
        result = message._linked_record()
        self.assertEqual((result._name, result.state), ("hc.payroll.result", "posted"))
        move = result.move_id
        self.assertEqual((move.state, move.journal_id), ("posted", self.journal))
        self.assertEqual(move.date, date(2025, 3, 31))
        self.assertAlmostEqual(sum(move.line_ids.mapped("debit")), 4331.26)
        self.assertAlmostEqual(
            sum(move.line_ids.mapped("debit")), sum(move.line_ids.mapped("credit"))
        )
        # David's cost splits by hours: 16 h ICU (40 %), 24 h ED (60 %)
        david_icu = round((2500.01 + 593.75) * 0.4, 2)
        self.assertEqual(
            self.lines_by(move),
            {
                ("T63000", "T-ICU"): (1237.50 + david_icu, 0.0),
                ("T63000", "T-ED"): (round(3093.76 - david_icu, 2), 0.0),
                ("T23000", None): (0.0, 2415.01),
                ("T23010", None): (0.0, 1085.00),
                ("T23020", None): (0.0, 831.25),
            },
        )
        self.assertEqual(result.employee_count, 2)
        self.assertAlmostEqual(result.total_gross, 3500.01)
        self.assertAlmostEqual(result.total_net, 2415.01)
        self.assertEqual(result.period_id, self.period)
        stored = self.stored(message)["employees"][1]
        self.assertEqual((stored["national_id"], stored["bank_account"]), (MASK, MASK))
        self.assertEqual(
            (stored["gross"][0]["amount"], stored["net"]),
            (MASK, MASK),
            "pay is masked once posted",
        )
        self.assertEqual(stored["gross"][0]["code"], "REG")

    def test_entry_lines_are_shown_to_a_billing_administrator(self):
        message = self.receive_payload(self.flow_results, self.results(), "run-lines")
        result = message._linked_record()
        admin = new_test_user(
            self.env,
            login="payroll-billing-admin",
            groups="base.group_user,account.group_account_manager",
        )
        self.assertFalse(admin.has_group("account.group_account_readonly"))
        as_admin = result.with_user(admin)
        self.assertEqual(as_admin.move_line_ids, result.move_id.line_ids)
        action = as_admin.action_view_journal_items()
        lines = self.env["account.move.line"].with_user(admin).search(action["domain"])
        self.assertEqual(lines, result.move_id.line_ids)
        menu = self.env["hc.payroll.result"].with_user(admin)
        everything = menu.action_view_all_journal_items()
        self.assertIn(("move_id", "in", result.move_id.ids), everything["domain"])
        self.assertEqual(
            self.env.ref(
                "healthcare_integration_payroll.hc_payroll_move_line_action"
            ).view_id.arch.count('name="account_id"'),
            1,
            "the account is shown without full accounting features",
        )

    def test_unbalanced_run_is_held_whole(self):
        document = self.results()
        document["employees"][1]["net"] = 1735.01
        message = self.receive_payload(self.flow_results, document)
        self.assertEqual(message.state, "dead")
        self.assertEqual(
            (message.error_class, message.exception_kind), ("business", "unbalanced")
        )
        self.assertIn("E9004", message.error_text)
        self.assertFalse(self.moves.search([("journal_id", "=", self.journal.id)]))
        self.assertFalse(
            self.env["hc.payroll.result"].search(
                [("provider_id", "=", self.provider.id)]
            )
        )
        self.assertEqual(
            self.period.activity_ids.user_id,
            self.owner,
            "the provider's business owner is asked to look at the period",
        )

    def test_unknown_code_and_employee_hold_the_run_until_mapped(self):
        document = self.results()
        document["employees"][0]["gross"].append({"code": "BONUS", "amount": 50.0})
        document["employees"][0]["net"] = 740.00
        document["employees"].append(
            self.employee("E9999", [("REG", 100.0)], 23.75, [], 100.0)
        )
        message = self.receive_payload(self.flow_results, document)
        self.assertEqual(
            (message.state, message.exception_kind), ("dead", "unknown_employee")
        )
        self.assertIn("'BONUS' is not mapped", message.error_text)
        self.assertIn("'E9999' is not known", message.error_text)
        self.assertFalse(self.moves.search([("journal_id", "=", self.journal.id)]))
        held = self.stored(message)
        self.assertEqual(held["employees"][0]["national_id"], MASK)
        self.assertEqual(
            held["employees"][0]["gross"][0]["amount"], 1000.0, "kept for the replay"
        )

        self.env["hc.payroll.code"].create(
            {
                "provider_id": self.provider.id,
                "usage": "result",
                "code": "BONUS",
                "name": "Bonus",
                "category": "earning",
                "debit_account_id": self.acc_wages.id,
            }
        )
        self.hire("E9999", "Zoe Quinn", department="RAD")
        with self.jobs() as trap:
            replay = message._replay()
            self.run_jobs(trap)
        self.assertEqual(replay.state, "done", replay.error_text)
        move = replay._linked_record().move_id
        self.assertEqual(move.state, "posted")
        self.assertIn(("T63000", "T-RAD"), self.lines_by(move))

    def test_same_run_sent_again_is_a_duplicate(self):
        first = self.receive_payload(self.flow_results, self.results(), "run-1")
        again = self.receive_payload(self.flow_results, self.results(), "run-1-resent")
        self.assertEqual(again.state, "done")
        self.assertEqual(again._linked_record(), first._linked_record())
        self.assertEqual(
            len(self.moves.search([("journal_id", "=", self.journal.id)])), 1
        )
        changed = self.results()
        changed["employees"][0]["gross"][0]["amount"] = 1001.00
        changed["employees"][0]["net"] = 691.00
        conflict = self.receive_payload(self.flow_results, changed)
        self.assertEqual(
            (conflict.state, conflict.exception_kind), ("dead", "run_conflict")
        )

    def test_corrected_run_reverses_the_entry_and_posts_the_new_one(self):
        first = self.receive_payload(self.flow_results, self.results())._linked_record()
        corrected = self.results(revision=2)
        corrected["employees"][0]["gross"][0]["amount"] = 1100.00
        corrected["employees"][0]["net"] = 790.00
        message = self.receive_payload(self.flow_results, corrected)
        self.assertEqual(message.state, "done", message.error_text)
        second = message._linked_record()
        self.assertEqual((first.state, second.state), ("reversed", "posted"))
        self.assertEqual((first.replaced_by_id, second.replaces_id), (second, first))
        reversal = first.reversal_move_id
        self.assertEqual(reversal.state, "posted")
        self.assertEqual(reversal.reversed_entry_id, first.move_id)
        self.assertAlmostEqual(
            sum(reversal.line_ids.mapped("credit")),
            sum(first.move_id.line_ids.mapped("debit")),
        )
        self.assertAlmostEqual(second.total_gross, 3600.01)
        stale = self.receive_payload(
            self.flow_results, copy.deepcopy(self.results()), "old"
        )
        self.assertEqual((stale.state, stale.exception_kind), ("dead", "stale_run"))
