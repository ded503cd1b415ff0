"""Kill the worker applying a document, at a chosen point, and recover.

The test addon ``hc_crash_probe`` (tests/addons) holds the first worker that
reaches a named point (``hold_at``), in the middle of the transaction that
applies a document, and leaves its process id in a file of the folder that
bin/test gave the server and the tests (``HC_CRASH_PROBE_DIR``).
``kill_held`` SIGKILLs that process, as a machine or a worker lost would: its
transaction never commits. The prefork server spawns a new worker; queue_job's
runner requeues the job whose worker died (its lock on ``queue_job_lock`` went
with the connection) once the job was enqueued 10 s ago, when it wakes up:
``recover`` wakes it every second instead of waiting for its 60 s timeout.
"""

import os
import signal
import time
from pathlib import Path

from suite_support import FINAL, wait_until


class CrashProbe:
    def __init__(self, odoo, psql):
        self.odoo = odoo
        self.psql = psql
        folder = os.environ.get("HC_CRASH_PROBE_DIR")
        if not folder:
            raise RuntimeError("run tests/prefork through bin/test (no probe folder)")
        self.folder = Path(folder)
        self.killed = []

    def sql(self, statement):
        return self.psql(self.odoo.db, statement).strip()

    def hold_at(self, point):
        (self.folder / f"{point}.pid").unlink(missing_ok=True)
        (self.folder / "hold").write_text(point)

    def release(self):
        (self.folder / "hold").unlink(missing_ok=True)

    def kill_held(self, point, timeout=90):
        """SIGKILL the worker held at ``point``; its pid."""
        marker = self.folder / f"{point}.pid"
        pid = int(
            wait_until(
                lambda: marker.exists() and marker.read_text(),
                timeout,
                f"a worker held at {point}",
                interval=0.2,
            )
        )
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
        assert b"odoo" in command, f"{pid} is no Odoo worker: {command!r}"
        os.kill(pid, signal.SIGKILL)
        wait_until(
            lambda: not Path(f"/proc/{pid}").exists()
            or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2],
            10,
            f"worker {pid} gone",
            interval=0.1,
        )
        self.killed.append(pid)
        return pid

    def recover(self, model, record_id, timeout=120):
        """Wait until the record's ``state`` is final, waking the runner."""
        deadline = time.monotonic() + timeout
        while True:
            [record] = self.odoo.execute(model, "read", [record_id], ["state"])
            if record["state"] in FINAL:
                return record["state"]
            assert time.monotonic() < deadline, f"{model}({record_id}) {record}"
            # any notification on queue_job's channel wakes the runner, which
            # requeues dead jobs first (an unknown uuid is ignored)
            self.sql("NOTIFY queue_job, 'hc-crash-probe'")
            time.sleep(1)

    def job(self, message_id):
        """(state, times started) of the message's job."""
        [message] = self.odoo.execute("hc.message", "read", [message_id], ["job_uuid"])
        [job] = self.odoo.execute(
            "queue.job",
            "search_read",
            [("uuid", "=", message["job_uuid"])],
            ["state", "retry"],
        )
        return job["state"], job["retry"] or 0

    def mark(self):
        """The last message id now: what comes after is this test's."""
        return int(self.sql("SELECT coalesce(max(id), 0) FROM hc_message"))

    def messages(self, since, backend_ids, direction):
        return self.odoo.execute(
            "hc.message",
            "search_read",
            [
                ("id", ">", since),
                ("backend_id", "in", backend_ids),
                ("direction", "=", direction),
            ],
            ["state", "idempotency_key", "flow_id", "error_text"],
        )

    def answered_once(self, since, backend_ids, applied, timeout=90):
        """Every outbound message to the partner since ``since`` done, and
        applied once by the partner: ``applied(key)`` says how many times it
        took the call with that Idempotency-Key as new (a call the job made
        again after its transaction was rolled back back carries the same key
        and is answered as a replay)."""
        wait_until(
            lambda: all(
                m["state"] in FINAL
                for m in self.messages(since, backend_ids, "outbound")
            ),
            timeout,
            "the answers to the partner sent",
        )
        answers = self.messages(since, backend_ids, "outbound")
        for answer in answers:
            assert answer["state"] == "done", answer
            assert applied(answer["idempotency_key"]) == 1, answer
        return answers


def calls_with_key(sim, key):
    """How many calls the simulator received with this Idempotency-Key."""
    return sum(
        1
        for call in sim.requests()
        if {k.lower(): v for k, v in call["headers"].items()}.get("idempotency-key")
        == key
    )


def backend_id(odoo, code):
    [found] = odoo.execute("hc.backend", "search", [("code", "=", code)])
    return found


def flow_code(odoo, backend, type_code):
    [flow] = odoo.execute(
        "hc.flow",
        "search_read",
        [("backend_id", "=", backend), ("flow_type_id.code", "=", type_code)],
        ["code"],
        limit=1,
    )
    return flow["id"], flow["code"]


def xmlid(odoo, name):
    module, _sep, name = name.partition(".")
    [data] = odoo.execute(
        "ir.model.data",
        "search_read",
        [("module", "=", module), ("name", "=", name)],
        ["res_id"],
    )
    return data["res_id"]
