# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A file pull tells its screens, file by file, how far it got (hc.live):
its own transaction commits only at the end, so the notices go out from a
transaction of their own; the sync run list hears its runs change."""

import json
import tempfile
from itertools import count
from pathlib import Path
from unittest.mock import patch

from odoo.addons.healthcare_integration_core.lib import x12
from odoo.addons.healthcare_integration_core.models import hc_live

from .common import HcCase
from .test_file_transport import two_orders_interchange

FILES = ("850_a.x12", "850_b.x12", "850_c.x12")


class TestFilePullProgress(HcCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.root = tempfile.mkdtemp(prefix="hc-live-")
        cls.backend = cls.env["hc.backend"].create(
            {
                "name": "Share",
                "code": "live_share",
                "transport": "folder",
                "file_root": cls.root,
            }
        )
        flow_type = cls.env["hc.flow.type"].create(
            {
                "code": "test.live_x12_in",
                "name": "X12 in",
                "direction": "inbound",
                "payload_format": "x12",
                "trigger": "schedule",
            }
        )
        cls.flow = cls.env["hc.flow"].create(
            {
                "flow_type_id": flow_type.id,
                "backend_id": cls.backend.id,
                "file_glob": "*.x12",
            }
        )
        cls.numbers = count(2000)

    def setUp(self):
        super().setUp()
        # the notices' own transaction is the test's, as in a browser test
        self.registry.enter_test_mode(self.cr)
        self.addCleanup(self.registry.leave_test_mode)
        inbox = Path(self.root, "in")
        inbox.mkdir(exist_ok=True)
        for name in FILES:
            body = x12.serialize(two_orders_interchange(self.numbers))
            (inbox / name).write_bytes(body)

    def notices(self, before, kind):
        self.env.cr.flush()
        return [
            (json.loads(n.channel), json.loads(n.message)["payload"])
            for n in self.env["bus.bus"].search([("id", "not in", before)], order="id")
            if json.loads(n.message)["type"] == kind
        ]

    def test_each_file_is_told_as_it_is_stored(self):
        before = self.env["bus.bus"].search([]).ids
        with patch.object(hc_live, "PROGRESS_INTERVAL", 0), self.jobs() as trap:
            run = self.flow._run_batch()
            self.run_jobs(trap)
        self.assertEqual((run.state, run.count_created), ("done", 3))
        db = self.env.cr.dbname
        company = run.company_id.id
        told = self.notices(before, hc_live.RECORD_PROGRESS)
        on_run = [p for c, p in told if c == [db, "hc_record", "hc.sync.run", run.id]]
        self.assertEqual(
            [(p["file"], p["done"], p["total"], p["stored"]) for p in on_run],
            [(name, n, 3, n) for n, name in enumerate(sorted(FILES))],
            "the file at work, how many are done and stored",
        )
        on_list = [p for c, p in told if c == [db, "hc_list", "hc.sync.run", company]]
        self.assertEqual(on_list, on_run, "the run list hears them too")

    def test_notices_are_spaced_out(self):
        before = self.env["bus.bus"].search([]).ids
        with patch.object(hc_live, "PROGRESS_INTERVAL", 3600), self.jobs() as trap:
            run = self.flow._run_batch()
            self.run_jobs(trap)
        told = self.notices(before, hc_live.RECORD_PROGRESS)
        on_run = [p for c, p in told if c[1] == "hc_record" and c[3] == run.id]
        self.assertEqual(
            [p["done"] for p in on_run], [0], "the first file at once, then not faster"
        )

    def test_the_run_list_hears_runs_created_and_changed(self):
        before = self.env["bus.bus"].search([]).ids
        with self.jobs() as trap:
            run = self.flow._run_batch()
            created = self.notices(before, hc_live.LIST_CHANGED)
            self.run_jobs(trap)
        db = self.env.cr.dbname
        channel = [db, "hc_list", "hc.sync.run", run.company_id.id]
        self.assertIn((channel, {"model": "hc.sync.run", "ids": [run.id]}), created)
        live = self.env["hc.live"]
        self.assertEqual(
            live._list_channels_for("hc_list:hc.sync.run"),
            [(db, "hc_list", "hc.sync.run", c) for c in self.env.user.company_ids.ids],
        )
        outsider = self.env["res.users"].create(
            {
                "name": "Outsider",
                "login": "live_list_outsider",
                "groups_id": [(6, 0, [self.env.ref("base.group_user").id])],
            }
        )
        self.assertEqual(
            live.with_user(outsider)._list_channels_for("hc_list:hc.sync.run"), []
        )
        self.assertEqual(live._list_channels_for("hc_list:res.partner"), [])
