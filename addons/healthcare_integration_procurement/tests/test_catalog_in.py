# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from .common import ProcurementCase

CSV = b"""id,item,gtin,description,price,currency,min_qty,uom,valid_from,valid_to
L1,NBG-4402M,,Gloves M,8.80,USD,1,BX,2026-01-01,2026-12-31
L2,ZZ-NOT-KNOWN,,Unknown item,1.00,USD,1,BX,,
L3,,2000000000022,Syringe by GTIN,14.25,USD,5,BX,,
L4,NBZ-4412,,Gauze per pallet,400,USD,1,PL,,
L5,NBA-0200,,Alcohol pads per dozen,47.40,USD,1,DZ,,
"""


class TestCatalogIn(ProcurementCase):
    """Catalog prices: bulk upsert, issues on the run, price review."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.flow_pull = cls.flows[("json", "catalog_pull")]
        cls.flow_pull.write({"endpoint": "/feeds/prices", "batch_page_size": 50})
        cls.backend_json.procurement_price_review_percent = 10.0
        cls.env["hc.crosswalk"].create(
            {
                "backend_id": cls.backend_json.id,
                "domain": "product",
                "external_code": "MD-GZ-4412",
                "record_ref": f"product.product,{cls.products['gauze'].id}",
            }
        )

    def pull(self, items):
        self.sim.set_feed("prices", items, page_size=3)
        with self.jobs() as trap:
            run = self.flow_pull._run_batch()
            self.run_jobs(trap)
        return run

    def price(self, key, **domain):
        return self.env["product.supplierinfo"].search(
            [
                ("partner_id", "=", self.supplier_json.id),
                ("product_tmpl_id", "=", self.products[key].product_tmpl_id.id),
                ("hc_catalog_key", "!=", False),
                *[(k, "=", v) for k, v in domain.items()],
            ]
        )

    def items(self, gloves="8.75"):
        return [
            {
                "item": "NBG-4402M",
                "price": gloves,
                "currency": "USD",
                "uom": "BX",
                "valid_from": "2026-01-01",
                "updated_at": "2026-02-01T00:00:01",
            },
            {
                "item": "MD-GZ-4412",
                "price": "5.10",
                "uom": "BX",
                "min_qty": 10,
                "updated_at": "2026-02-01T00:00:02",
            },
            {
                "item": "NBA-0200",
                "price": "47.40",
                "uom": "DZ",
                "updated_at": "2026-02-01T00:00:03",
            },
            {
                "item": "XX-UNKNOWN-1",
                "price": "1.00",
                "uom": "BX",
                "updated_at": "2026-02-01T00:00:04",
            },
            {
                "item": "NBM-5003",
                "price": "6.40",
                "uom": "PL",
                "updated_at": "2026-02-01T00:00:05",
            },
            {
                "item": "NBS-1010LL",
                "price": "not a price",
                "updated_at": "2026-02-01T00:00:06",
            },
        ]

    def test_pull_upserts_prices_and_lists_unknown_items(self):
        run = self.pull(self.items())
        self.assertEqual(run.state, "done", run.error_text)
        self.assertEqual((run.page_count, run.count_created), (2, 3))
        issues = {(i.kind, i.code) for i in run.issue_ids}
        self.assertEqual(
            issues,
            {
                ("unknown_item", "XX-UNKNOWN-1"),
                ("unknown_uom", "PL"),
                ("invalid_line", "price"),
            },
        )
        gloves = self.price("gloves")
        self.assertEqual((gloves.price, gloves.product_code), (8.75, "NBG-4402M"))
        self.assertEqual(str(gloves.date_start), "2026-01-01")
        self.assertEqual(self.price("gauze").min_qty, 10, "found by the crosswalk")
        self.assertAlmostEqual(self.price("alcohol_pads").price, 3.95, 2)  # per unit
        self.assertEqual(self.price("alcohol_pads").hc_vendor_uom, "DZ")
        self.assertEqual(self.flow_pull.watermark, "2026-02-01T00:00:06")

    def test_big_price_change_waits_for_review(self):
        self.pull(self.items())
        gloves = self.price("gloves")
        run = self.pull(
            [dict(self.items(gloves="10.50")[0], updated_at="2026-03-01T00:00:00")]
        )
        self.assertEqual(run.count_updated, 1)
        gloves.invalidate_recordset()
        self.assertEqual(
            (gloves.price, gloves.hc_pending_price, gloves.hc_review_state),
            (8.75, 10.50, "to_review"),
        )
        gloves.hc_review_note = "Resin surcharge agreed for the quarter"
        gloves.action_hc_approve_price()
        self.assertEqual((gloves.price, gloves.hc_previous_price), (10.50, 8.75))
        [entry] = self.env["hc.audit.log"].search(
            [
                ("action", "=", "price_change_approved"),
                ("res_model", "=", "product.supplierinfo"),
                ("res_id", "=", gloves.id),
            ]
        )
        self.assertEqual(entry.user_id, self.env.user)
        changes = json.loads(entry.changes)
        self.assertEqual(
            (changes["price_in_use"], changes["proposed_price"], changes["reason"]),
            (8.75, 10.50, "Resin surcharge agreed for the quarter"),
        )
        # a small change is used at once
        self.pull(
            [dict(self.items(gloves="10.60")[0], updated_at="2026-04-01T00:00:00")]
        )
        gloves.invalidate_recordset()
        self.assertEqual((gloves.price, gloves.hc_review_state), (10.60, "ok"))

    def test_csv_file_goes_through_the_same_bulk_path(self):
        message = self.receive_payload(self.flows[("json", "catalog_file")], CSV)
        self.assertEqual(message.state, "done", message.error_text)
        run = message._linked_record()
        self.assertEqual(run._name, "hc.sync.run")
        self.assertEqual((run.count_created, run.count_skipped), (3, 2))
        self.assertEqual(
            {(i.kind, i.code) for i in run.issue_ids},
            {("unknown_item", "ZZ-NOT-KNOWN"), ("unknown_uom", "PL")},
        )
        self.assertEqual(self.price("syringe").min_qty, 5, "found by its GTIN")

    def test_queries_per_page_do_not_grow_with_the_lines(self):
        handler = self.env["hc.handler.procurement.catalog"]
        flow = self.flow_pull

        def page(size):
            return [
                {
                    "item": "NBG-4402M",
                    "id": f"K{size}-{n}",
                    "price": "8.75",
                    "min_qty": n + 1,
                    "uom": "BX",
                }
                for n in range(size)
            ]

        handler._apply_items(flow, self.supplier_json, page(5))
        self.env.flush_all()
        with self.assertQueryCount(__system__=14):
            handler._apply_items(flow, self.supplier_json, page(20))
            self.env.flush_all()
        with self.assertQueryCount(__system__=14):
            handler._apply_items(flow, self.supplier_json, page(400))
            self.env.flush_all()
