# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Files over a real OpenSSH server and a local folder, X12 split and 997."""

import os
import tempfile
from itertools import count
from pathlib import Path

from odoo.addons.healthcare_integration_core.lib import x12

from .common import HcCase, SftpServerMixin

OTHER_HOST_KEY = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGm8vV6r2RZ0pAvqkB3x3uGzvRr0mQW2H2S1x5k8Y3Zq"
)
ENVELOPE = {
    "sender_qualifier": "14",
    "sender_id": "0614141000005",
    "receiver_qualifier": "14",
    "receiver_id": "0012345000009",
}


def order_segments(po_number):
    """An 850's segments, written out (the 850 maps are procurement's)."""
    return [
        x12.Segment.of("BEG", "00", "SA", po_number, None, "20261207"),
        x12.Segment.of("PO1", "1", "10", "BX", "12.50", None, "VP", "NG-100"),
        x12.Segment.of("CTT", "1"),
    ]


def po_number(transaction_set):
    return next(s for s in transaction_set.segments if s.id == "BEG").value(3)


def two_orders_interchange(numbers):
    """One interchange, one group, two 850s (as a distributor batches them)."""
    return x12.build_interchange(
        ENVELOPE,
        "PO",
        [("850", order_segments(po)) for po in ("PO-F1", "PO-F2")],
        numbers,
        "004010",
    )


class TestFileTransport(SftpServerMixin, HcCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sshd = cls.start_sftp_server()
        cls.sftp = cls.env["hc.backend"].create(
            cls.sftp_backend_values(cls.sshd, "sftp_supplier")
        )
        cls.folder_root = tempfile.mkdtemp(prefix="hc-share-")
        cls.folder = cls.env["hc.backend"].create(
            {
                "name": "Mounted share",
                "code": "share",
                "transport": "folder",
                "file_root": cls.folder_root,
            }
        )
        types = cls.env["hc.flow.type"]
        cls.x12_out = types.create(
            {
                "code": "test.x12_out",
                "name": "X12 out",
                "direction": "outbound",
                "payload_format": "x12",
                "default_file_name_pattern": "PO_{name}.{ext}",
            }
        )
        cls.x12_in = types.create(
            {
                "code": "test.x12_in",
                "name": "X12 in",
                "direction": "inbound",
                "payload_format": "x12",
                "trigger": "schedule",
            }
        )
        cls.numbers = count(1000)

    def bind(self, flow_type, backend, **values):
        return self.env["hc.flow"].create(
            {"flow_type_id": flow_type.id, "backend_id": backend.id, **values}
        )

    def drop(self, name, body):
        inbox = Path(self.sshd.path("in"))
        inbox.mkdir(exist_ok=True)
        (inbox / name).write_bytes(body)

    def test_outbound_message_is_written_to_sftp_and_to_a_folder(self):
        body = x12.serialize(two_orders_interchange(self.numbers))
        for backend, root in (
            (self.sftp, self.sshd.root),
            (self.folder, self.folder_root),
        ):
            flow = self.bind(self.x12_out, backend)
            with self.jobs() as trap:
                message = flow._send(body)
                self.run_jobs(trap)
            self.assertEqual(message.state, "done", message.error_text)
            self.assertEqual(
                message.file_name, f"PO_{message.name.replace('/', '_')}.x12"
            )
            written = Path(root, "out", message.file_name)
            self.assertEqual(written.read_bytes(), body)
            leftovers = [
                n for n in os.listdir(Path(root, "out")) if n.startswith(".hc")
            ]
            self.assertFalse(leftovers, "files are renamed into place, never left half")

    def test_inbound_file_split_acknowledged_archived_and_seen_once(self):
        flow = self.bind(self.x12_in, self.sftp, file_glob="*.x12", x12_ack="997")
        body = x12.serialize(two_orders_interchange(self.numbers))
        self.drop("850_batch.x12", body)
        with self.jobs() as trap:
            run = flow._run_batch()
            self.run_jobs(trap)
        self.assertEqual((run.state, run.count_created), ("done", 1))
        [received] = self.env["hc.message"].search(
            [("flow_id", "=", flow.id), ("file_name", "=", "850_batch.x12")]
        )
        self.assertEqual(received.state, "done")
        parts = received.child_ids.filtered(lambda m: m.parent_relation == "split")
        self.assertEqual(parts.mapped("state"), ["done", "done"])
        self.assertEqual(
            sorted(
                po_number(x12.parse(p._body())[0].groups[0].transaction_sets[0])
                for p in parts
            ),
            ["PO-F1", "PO-F2"],
        )
        [ack] = received.child_ids.filtered(lambda m: m.parent_relation == "ack")
        self.assertEqual(ack.state, "done", ack.error_text)
        [ack_set] = x12.transaction_sets(
            x12.parse(Path(self.sshd.path("out", ack.file_name)).read_bytes())
        )
        self.assertEqual(ack_set.id, "997")
        self.assertEqual(x12.read_ack(ack_set)["status"], "A")
        self.assertFalse(os.listdir(self.sshd.path("in")), "archived once stored")
        self.assertIn("850_batch.x12", os.listdir(self.sshd.path("archive")))
        # the same file dropped again is the same message
        self.drop("850_batch.x12", body)
        with self.jobs() as trap:
            again = flow._run_batch()
            self.run_jobs(trap)
        self.assertEqual((again.count_created, again.count_skipped), (0, 1))
        self.assertEqual(
            self.env["hc.message"].search_count(
                [("flow_id", "=", flow.id), ("file_name", "=", "850_batch.x12")]
            ),
            1,
        )
        self.assertFalse(os.listdir(self.sshd.path("in")))

    def test_corrupt_file_is_a_failed_message_naming_the_segment(self):
        flow = self.bind(self.x12_in, self.sftp, file_glob="*.edi")
        body = x12.serialize(two_orders_interchange(self.numbers))
        self.drop("broken.edi", body.replace(b"SE*", b"SE*99", 1))
        with self.jobs() as trap:
            flow._run_batch()
            self.run_jobs(trap)
        [broken] = self.env["hc.message"].search(
            [("flow_id", "=", flow.id), ("file_name", "=", "broken.edi")]
        )
        parts = broken.child_ids.filtered(lambda m: m.parent_relation == "split")
        failed = parts.filtered(lambda m: m.state == "dead")
        self.assertEqual(len(failed), 1, "the other order still goes through")
        self.assertIn("SE", failed.error_text)
        self.assertIn("segment", failed.error_text)
        self.assertEqual(failed.error_class, "validation")

    def test_unreadable_file_fails_with_the_reason(self):
        flow = self.bind(self.x12_in, self.sftp, file_glob="*.bad")
        self.drop("garbage.bad", b"this is not an interchange")
        with self.jobs() as trap:
            flow._run_batch()
            self.run_jobs(trap)
        [message] = self.env["hc.message"].search(
            [("flow_id", "=", flow.id), ("file_name", "=", "garbage.bad")]
        )
        self.assertEqual(message.state, "dead")
        self.assertIn("ISA", message.error_text)
        self.assertEqual(
            message._body(), b"this is not an interchange", "kept, not lost"
        )

    def test_wrong_host_key_is_refused_and_not_retried(self):
        backend = self.env["hc.backend"].create(
            {
                **self.sftp_backend_values(self.sshd, "impostor"),
                "file_host_key": OTHER_HOST_KEY,
            }
        )
        flow = self.bind(self.x12_out, backend)
        with self.jobs() as trap:
            message = flow._send(b"ISA")
            self.run_jobs(trap)
        self.assertEqual(message.state, "dead")
        self.assertIn("not the pinned one", message.error_text)
        self.assertEqual(message.attempt_count, 1)

    def test_inbound_webhook_type_on_a_file_backend_is_polled(self):
        receive = self.env.ref("healthcare_integration_core.flow_type_receive")
        flow = self.bind(receive, self.sftp, code="events_files", file_glob="*.json")
        self.assertTrue(flow.is_scheduled)
        self.assertTrue(flow.cron_id.active, "files have nobody to post them")
        self.drop("event-1.json", b'{"event": "delivered"}')
        with self.jobs() as trap:
            run = flow._run_batch()
            self.run_jobs(trap)
        self.assertEqual((run.state, run.count_created), ("done", 1))
        [message] = self.env["hc.message"].search(
            [("flow_id", "=", flow.id), ("file_name", "=", "event-1.json")]
        )
        self.assertEqual(message.state, "done")
        self.sftp.transport = "http"
        self.assertFalse(flow.cron_id.active, "on HTTP the partner posts again")
