# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from .common import RequisitionCase, requisition


class TestRequisitionPull(RequisitionCase):
    """The batch pull: requisitions page by page, issues on the run, replays."""

    def feed(self):
        items = []
        for number, cost_centre in ((1, "TCC-4100"), (2, "CC-7777"), (3, "TCC-4200")):
            document = requisition(f"REQ-T-{number}", cost_centre=cost_centre)
            document.update(
                id=document["requisition_id"], updated_at=f"2026-12-0{number}"
            )
            items.append(document)
        return items

    def pull(self):
        with self.jobs() as trap:
            run = self.flow_pull._run_batch()
            self.run_jobs(trap)
        return run

    def test_pull_lists_unknown_codes_and_holds_them_as_messages_to_replay(self):
        self.sim.load(self.feed(), page_size=2)
        run = self.pull()
        self.assertEqual((run.count_created, run.count_skipped), (2, 1))
        [issue] = run.issue_ids
        self.assertEqual(
            (issue.item, issue.kind, issue.code), ("REQ-T-2", "mapping", "CC-7777")
        )
        self.assertIn("cost centre CC-7777", issue.text)
        self.assertEqual(
            (self.request_of("REQ-T-1").state, self.request_of("REQ-T-3").state),
            ("approved", "approved"),
        )
        self.assertFalse(self.request_of("REQ-T-2"))
        # the requisition is held as its own message: a mapping exception
        held = self.env["hc.message"].search(
            [("flow_id", "=", self.flow_in.id), ("parent_id", "=", issue.message_id.id)]
        )
        self.assertEqual((held.state, held.exception_kind), ("dead", "mapping"))
        self.assertIn(held.name, issue.text)
        # mapped and replayed: created, nothing else sent again
        self.env["hc.crosswalk"].create(
            {
                "backend_id": self.backend.id,
                "domain": "cost_center",
                "external_code": "CC-7777",
                "record_ref": f"account.analytic.account,{self.other_cost_centre.id}",
            }
        )
        with self.jobs() as trap:
            replay = held._replay()
            self.run_jobs(trap)
        self.assertEqual(replay.state, "done", replay.error_text)
        self.assertEqual(
            self.request_of("REQ-T-2").hc_cost_centre_id, self.other_cost_centre
        )
        self.assertEqual(
            sorted(doc["requisition_id"] for doc in self.sim.statuses()),
            ["REQ-T-1", "REQ-T-2", "REQ-T-3"],
            "one status each",
        )
        # pulled again from the start: nothing changes, nothing is held twice
        self.flow_pull.watermark = False
        again = self.pull()
        self.assertEqual(
            (again.count_created, again.count_updated, again.count_skipped), (0, 0, 3)
        )
        self.assertFalse(again.issue_ids)
        self.assertEqual(len(self.sim.statuses()), 3)
