# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from .common import EhrFixtures


@tagged("post_install", "-at_install")
class TestStockoutRisk(EhrFixtures, TransactionCase):
    """Days of cover of the items the EHR watches, from recent usage and what
    is on hand; the stockout risk KPI on the dashboard and in the scrape."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_ehr()
        cls.consumption = cls.env.ref(
            "healthcare_integration_ehr.stock_location_consumption"
        )
        watches = cls.env["hc.ehr.watch"]
        cls.env["hc.ehr.watch"].search([]).active = False
        cls.gloves_watch = watches.create(
            {
                "backend_id": cls.backend.id,
                "product_id": cls.gloves.id,
                "location_id": cls.ward.id,
                "threshold": 1,
                "usage_days": 10,
                "risk_days": 4,
            }
        )
        cls.kit_watch = watches.create(
            {
                "backend_id": cls.backend.id,
                "product_id": cls.kit.id,
                "location_id": cls.ward.id,
                "threshold": 0,
            }
        )

    def move(self, product, quantity, source, destination):
        move = self.env["stock.move"].create(
            {
                "name": "test move",
                "product_id": product.id,
                "product_uom": product.uom_id.id,
                "product_uom_qty": quantity,
                "location_id": source.id,
                "location_dest_id": destination.id,
            }
        )
        move._action_confirm()
        move._action_assign()
        move.picked = True
        move._action_done()

    def kpi_row(self):
        return self.env["hc.kpi.daily"].search(
            [("kpi", "=", "stockout_risk"), ("company_id", "=", self.env.company.id)]
        )

    def test_days_of_cover_and_risk(self):
        self.stock(self.gloves, 100, self.ward)
        self.stock(self.kit, 5, self.ward)
        # 50 used over the window of 10 days: 5 a day
        self.move(self.gloves, 50, self.ward, self.consumption)
        # a transfer to another of the group's locations is no usage
        self.move(self.gloves, 10, self.ward, self.store)
        watch = self.gloves_watch
        self.assertAlmostEqual(watch.daily_usage, 5.0)
        self.assertAlmostEqual(watch.days_of_cover, 8.0, msg="40 left")
        self.assertFalse(watch.stockout_risk)
        # 30 more: 8 a day, 10 left: 1.25 days, fewer than the 4 wanted
        self.move(self.gloves, 30, self.ward, self.consumption)
        self.assertAlmostEqual(watch.daily_usage, 8.0)
        self.assertAlmostEqual(watch.days_of_cover, 1.25)
        self.assertTrue(watch.stockout_risk)
        # an item nobody used is at no risk, whatever is on hand
        self.kit_watch._check()
        self.assertFalse(self.kit_watch.stockout_risk)
        self.assertEqual(self.kit_watch.daily_usage, 0)

        # the day's state: 2 items watched, 1 at risk, on the EHR's
        # availability flow
        row = self.kpi_row()
        self.assertEqual((row.count, row.total), (2, 1))
        self.assertEqual(row.flow_id, self.flows["ehr.availability_out"])
        self.assertEqual(row.reading, "50.0 %")
        # set again, not added, at each check
        self.env["hc.ehr.watch"]._cron_check()
        self.assertEqual((row.count, row.total), (2, 1))

        dashboard = self.env["hc.ops.dashboard"]._kpi_rows()
        [kpi] = [r for r in dashboard if r["kpi"] == "stockout_risk"]
        self.assertEqual(kpi["value"]["display"], "50.0 %")
        scrape = self.env["hc.ops.metrics"]._exposition().decode()
        self.assertIn('hc_kpi_gauge{backend="ehr_test"', scrape)
        lines = [
            line
            for line in scrape.splitlines()
            if line.startswith("hc_kpi_gauge") and 'kpi="stockout_risk"' in line
        ]
        self.assertEqual(
            sorted(line.rsplit(" ", 1)[1] for line in lines), ["1.0", "2.0"]
        )
        self.assertNotIn('hc_kpi_count{backend="ehr_test"', scrape)

        # stock back on the ward: covered again
        self.stock(self.gloves, 100, self.ward)
        self.gloves_watch._check()
        self.assertFalse(watch.stockout_risk)
        self.assertEqual((row.count, row.total), (2, 0))
