# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, time, timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestBusinessPanelTour(HttpCase):
    """The dashboard's business panel: KPIs with their trend, reconciliations."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        backend = cls.env["hc.backend"].create(
            {"name": "Tour business partner", "code": "tour_business"}
        )
        flow = cls.env["hc.flow"].create(
            {
                "flow_type_id": cls.env.ref(
                    "healthcare_integration_core.flow_type_send"
                ).id,
                "name": "Tour orders out",
                "code": "tour_orders_out",
                "backend_id": backend.id,
            }
        )
        kpis, company = cls.env["hc.kpi.daily"], cls.env.company
        kpis.search([]).unlink()  # only the known data below
        today = fields.Date.today()
        now = datetime.combine(today, time(10, 0))
        for value in (1, 0, 0, 0):
            kpis._observe("exception_rate", value, company, now, flow=flow)
        for value in (1, 0):
            kpis._observe(
                "exception_rate", value, company, now - timedelta(days=8), flow=flow
            )
        kpis._observe("ack_latency", 3600, company, now, flow=flow)
        reconciliation = cls.env["hc.reconciliation"].create(
            {"name": "Tour orders", "flow_id": flow.id, "first_day": today}
        )
        period = cls.env["hc.reconciliation.period"].create(
            {
                "reconciliation_id": reconciliation.id,
                "day": today,
                "state": "differences",
            }
        )
        cls.env["hc.reconciliation.difference"].create(
            {
                "period_id": period.id,
                "day": today,
                "doc_type": "core.send",
                "kind": "missing_at_partner",
                "reference": "TOUR-REF-1",
            }
        )
        reconciliation.last_period_id = period

    def test_business_panel(self):
        self.start_tour("/odoo", "hc_business_panel_tour", login="admin")
