# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What storing a page of a batch pull costs in statements.

The throughput benchmark's record-only pulls (``bench/bench_throughput.py``)
store one chunk message per page; its cost per page, not per item, decides
how pages of 100 items compare with a naive ORM loop.
"""

import json

from odoo.addons.healthcare_integration_core.lib.transport import Page

from .common import HcCase

# the chunk message with its payload, and the run's page count (the pull's
# job counts its pages)
RECORDED_PAGE_STATEMENTS = 1
# a page whose codes a crosswalk check looks up: one query per code domain,
# whatever the page's size, and the page stored with its outcome
CHECKED_PAGE_STATEMENTS_BY_DOMAINS = 1


class TestPageCost(HcCase):
    def setUp(self):
        super().setUp()
        self.flow = self.pull_flow("costed", batch_page_size=100)
        self.run_ = self.env["hc.sync.run"].create(
            {"flow_id": self.flow.id, "kind": "pull", "watermark_from": ""}
        )
        self.handler = self.flow._handler()

    def page(self, number):
        items = [
            {"id": f"{number}-{n}", "updated_at": f"2026-11-{number:02d}"}
            for n in range(100)
        ]
        return Page(items, next_cursor=f"c{number}", watermark=f"2026-11-{number:02d}")

    def test_a_pull_job_costs_one_statement_a_recorded_page(self):
        # a backend whose secrets this transaction did not write (the worker
        # keeps no copy of those): its own, without any
        backend = self.env["hc.backend"].create(
            {"name": "Paged", "code": "paged", "base_url": self.sim.url}
        )
        flow = self.pull_flow("paged", batch_page_size=2, backend_id=backend.id)
        self.env["hc.backend.secret"]._forget()

        def pull(pages):
            self.sim.set_feed(
                "paged",
                [
                    {"id": str(n), "updated_at": f"2026-11-{n:02d}"}
                    for n in range(1, 2 * pages + 1)
                ],
                page_size=2,
            )
            run = self.env["hc.sync.run"].create(
                {"flow_id": flow.id, "kind": "pull", "watermark_from": ""}
            )
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            with self.jobs():
                run._pull()
                self.env.flush_all()
            self.assertEqual(run.page_count, pages)
            run.state = "done"
            return self.env.cr.sql_log_count - before

        pull(1)  # the worker's copy of the backend's (no) secrets
        self.assertEqual(pull(8) - pull(4), 4 * RECORDED_PAGE_STATEMENTS)

    def test_a_recorded_page_costs_one_statement(self):
        self.run_._create_chunk(self.page(1), self.handler, sequence=1)
        self.env.flush_all()
        with self.assertQueryCount(RECORDED_PAGE_STATEMENTS):
            chunk = self.run_._create_chunk(self.page(2), self.handler, sequence=2)
            self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(self.run_.page_count, 2)
        self.assertEqual(chunk.state, "done")
        self.assertEqual(chunk.run_id, self.run_)
        self.assertEqual(chunk.run_sequence, 2)
        self.assertEqual(chunk.run_watermark, "2026-11-02")
        self.assertEqual(chunk.result_counts["skipped"], 100)
        self.assertEqual(chunk.idempotency_key, f"{self.run_.name}/2")
        self.assertEqual(chunk.name, chunk._reference())
        self.assertEqual(json.loads(chunk._body()), self.page(2).items)

    def coded_page(self, number, size, domains=("product", "uom")):
        items = [
            {
                "id": f"{number}-{n}",
                "updated_at": f"2026-11-{number:02d}",
                "codes": [{"domain": d, "code": f"{d}-{n % 50}"} for d in domains],
            }
            for n in range(size)
        ]
        return Page(items, next_cursor=f"c{number}", watermark=f"2026-11-{number:02d}")

    def test_a_checked_page_costs_a_query_per_code_domain_and_its_store(self):
        self.env["hc.crosswalk"].create(
            [
                {
                    "backend_id": self.backend.id,
                    "domain": domain,
                    "external_code": f"{domain}-{n}",
                    "odoo_value": str(n),
                }
                for domain in ("product", "uom")
                for n in range(50)
            ]
        )
        flow = self.env["hc.flow"].create(
            {
                "flow_type_id": self.env.ref(
                    "healthcare_integration_core.flow_type_crosswalk_check_pull"
                ).id,
                "name": "Checked feed",
                "code": "checked_feed",
                "backend_id": self.backend.id,
                "endpoint": "/feeds/checked",
                "batch_page_size": 100,
            }
        )
        run = self.env["hc.sync.run"].create(
            {"flow_id": flow.id, "kind": "pull", "watermark_from": ""}
        )
        handler = flow._handler()
        self.assertTrue(run._records_only(handler))
        page_message = run._page_message()
        self.env.flush_all()
        for number, size in ((1, 100), (2, 500)):
            page = self.coded_page(number, size)
            with self.assertQueryCount(2 + CHECKED_PAGE_STATEMENTS_BY_DOMAINS):
                counts = run._checked_page(handler, page, page_message)
                chunk = run._create_chunk(page, sequence=number, counts=counts)
                self.env.flush_all()
            self.assertEqual(chunk.state, "done")
            self.assertEqual(chunk.result_counts["skipped"], size)
        # an unmapped code: the page is left to be processed as a message
        unmapped = self.coded_page(3, 10, domains=("tax",))
        self.assertIsNone(run._checked_page(handler, unmapped, page_message))
        chunk = run._create_chunk(unmapped, sequence=3)
        self.assertEqual(chunk.state, "queued")

    def test_a_page_checks_its_codes_with_one_query_per_domain(self):
        crosswalk = self.env["hc.crosswalk"]
        crosswalk.create(
            [
                {
                    "backend_id": self.backend.id,
                    "domain": domain,
                    "external_code": f"{domain}-{n}",
                    "odoo_value": str(n),
                }
                for domain in ("product", "uom")
                for n in range(50)
            ]
        )
        items = [
            {
                "id": str(n),
                "codes": [
                    {"domain": "product", "code": f"product-{n % 50}"},
                    {"domain": "uom", "code": f"uom-{n % 50}"},
                ],
            }
            for n in range(100)
        ]
        handler = self.env["hc.handler.crosswalk.check"]
        self.env.flush_all()
        self.env.invalidate_all()
        message = self.env["hc.message"].new({"backend_id": self.backend.id})
        with self.assertQueryCount(2):
            counts = handler.process_items(message, items)
        self.assertEqual(counts["skipped"], 100)
