# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The X12 supplier trading over a real OpenSSH server instead of HTTP."""

import os
from pathlib import Path

from odoo.addons.healthcare_integration_core.lib import x12
from odoo.addons.healthcare_integration_core.tests.common import SftpServerMixin

from ..lib import x12_documents
from .common import ProcurementCase

LINES = [
    ("gloves", 20, 8.75),
    ("iv_set", 4, 212.16),
    ("gauze", 25, 5.10),
    ("pump", 2, 1450.0),
]


class TestX12OverSftp(SftpServerMixin, ProcurementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sshd = cls.start_sftp_server()
        sftp = cls.sftp_backend_values(cls.sshd, cls.backend_x12.code)
        cls.backend_x12.write(
            {
                key: value
                for key, value in sftp.items()
                if key not in ("name", "code", "connect_timeout")
            }
        )
        cls.flows[("x12", "asn_in_x12")].write(
            {"file_glob": "856_*.edi", "x12_ack": "997"}
        )

    def folder(self, name):
        path = Path(self.sshd.path(name))
        path.mkdir(exist_ok=True)
        return path

    def test_850_is_written_to_the_supplier_server(self):
        order = self.order(self.supplier_x12, LINES)
        [name] = [n for n in os.listdir(self.folder("out")) if n.endswith(".x12")]
        [po] = x12_documents.read_850((self.folder("out") / name).read_bytes())
        self.assertEqual(po["po_number"], order.name)
        self.assertEqual(
            [ln["line_number"] for ln in po["lines"]], ["1", "2", "3", "4"]
        )
        self.assertFalse(self.sim.requests(path="/northbay/edi/850"), "not over HTTP")
        self.assertEqual(order.hc_transmission_state, "sent")

    def test_856_file_is_picked_up_acknowledged_archived_and_seen_once(self):
        order = self.order(self.supplier_x12, LINES)
        flow = self.flow("x12", "asn_in_x12")
        self.assertTrue(flow.is_scheduled, "files are polled, nobody posts them")
        body = self.data(
            "856_asn_serials.edi", **{"{PO}": order.name, "{ASN}": "ASN-S1"}
        )
        (self.folder("in") / "856_asn1.edi").write_bytes(body)
        with self.jobs() as trap:
            run = flow._run_batch()
            self.run_jobs(trap)
        self.assertEqual((run.state, run.count_created), ("done", 1))
        [received] = self.env["hc.message"].search(
            [("flow_id", "=", flow.id), ("file_name", "=", "856_asn1.edi")]
        )
        self.assertEqual(received.state, "done", received.error_text)
        self.assertEqual(order.picking_ids.hc_asn_ids.name, "ASN-S1")
        self.assertEqual(os.listdir(self.folder("in")), [])
        self.assertIn("856_asn1.edi", os.listdir(self.folder("archive")))
        acks = [
            x12.parse((self.folder("out") / n).read_bytes())
            for n in os.listdir(self.folder("out"))
            if not n.startswith("PO")
        ]
        ack_sets = [ts for ic in acks for ts in x12.transaction_sets(ic)]
        self.assertEqual([ts.id for ts in ack_sets if ts.id == "997"], ["997"])
        (self.folder("in") / "856_asn1.edi").write_bytes(body)
        with self.jobs() as trap:
            again = flow._run_batch()
            self.run_jobs(trap)
        self.assertEqual((again.count_created, again.count_skipped), (0, 1))
        self.assertEqual(len(order.picking_ids.hc_asn_ids), 1)
