# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""``odoo hc-consumer``: consume the broker queues of one database's inbound flows.

    odoo hc-consumer -c /etc/odoo/odoo.conf -d hospital [--flow ehr_bus[/demand]]

One process per database (run several for more throughput or availability:
the broker shares a queue's deliveries among them). Each broker backend is
consumed by a thread of its own; each batch of deliveries is stored in one
transaction, committed, and only then acknowledged. The flows consumed are
read again every ``--refresh`` seconds, so that flows bound, changed or
archived in Odoo are picked up without a restart. SIGTERM or SIGINT stops it
once the batches in hand are stored and acknowledged.
"""

import argparse
import functools
import logging
import signal
import sys
import threading
from pathlib import Path

import psycopg2

from odoo import SUPERUSER_ID, api
from odoo.cli import Command
from odoo.modules.registry import Registry
from odoo.tools import config

from ..lib import amqp_consumer

_logger = logging.getLogger(__name__)

UNSTORABLE_STREAK_LIMIT = 20


class ConsumerRunner:
    """Keeps one ``amqp_consumer.Consumer`` thread per broker backend of a database."""

    def __init__(
        self,
        dbname,
        selectors=(),
        batch_size=100,
        max_wait=0.2,
        refresh=30.0,
        max_backoff=30.0,
    ):
        self.dbname = dbname
        self.selectors = tuple(selectors or ())
        self.batch_size = batch_size
        self.max_wait = max_wait
        self.refresh = refresh
        self.max_backoff = max_backoff
        self.stop_event = threading.Event()
        # backend code -> (plan entry, Consumer, Thread)
        self.running = {}
        # backend code -> events that could not be stored, in a row
        self.unstorable_streak = {}
        self.idle = False

    def stop(self, *_args):
        self.stop_event.set()

    def run(self):
        """Consume until stopped; re-read the flows every ``refresh`` seconds."""
        _logger.info("hc-consumer started on database %s", self.dbname)
        try:
            while not self.stop_event.is_set():
                self._reconcile()
                self.stop_event.wait(self.refresh)
        finally:
            for code in list(self.running):
                self._stop_consumer(code)
            self._write_refusals()
        _logger.info("hc-consumer stopped")
        return 0

    # ------------------------------------------------------------------ plan

    def _registry(self):
        return Registry(self.dbname).check_signaling()

    def _plan(self):
        with self._registry().cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            return env["hc.amqp.inbound"]._consumer_plan(self.selectors)

    def _reconcile(self):
        """Start, restart or stop consumers to match the flows in the database."""
        try:
            plan = self._plan()
        except psycopg2.Error as exc:
            _logger.warning("hc-consumer: cannot read the flows (%s)", exc)
            return
        except Exception:  # e.g. a secret no key decrypts: keep the others going
            _logger.exception("hc-consumer: cannot read the flows")
            return
        for code in list(self.running):
            entry, _consumer, thread = self.running[code]
            if plan.get(code) != entry or not thread.is_alive():
                self._stop_consumer(code)
        for code, entry in plan.items():
            if code not in self.running:
                self._start_consumer(code, entry)
        if not plan and not self.idle:
            _logger.info("hc-consumer: no inbound flow on a broker backend (yet)")
        self.idle = not plan
        self._write_refusals()

    def _start_consumer(self, code, entry):
        cfg, prefetch, specs = entry
        consumer = amqp_consumer.Consumer(
            cfg,
            specs,
            store=functools.partial(self._store, code),
            prefetch=prefetch,
            batch_size=min(self.batch_size, max(prefetch // 2, 1)),
            max_wait=self.max_wait,
            name=f"odoo-hc consumer {self.dbname}/{code}",
            max_backoff=self.max_backoff,
        )
        thread = threading.Thread(
            target=consumer.run, name=f"hc-consumer-{code}", daemon=True
        )
        self.running[code] = (entry, consumer, thread)
        thread.start()

    def _stop_consumer(self, code):
        _entry, consumer, thread = self.running.pop(code)
        consumer.stop()
        thread.join(timeout=60)

    # ------------------------------------------------------------------ storing

    def _store(self, code, deliveries):
        """Store a batch and commit; the consumer acknowledges after this returns."""
        try:
            with self._registry().cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                stored = env["hc.amqp.inbound"]._store_deliveries(deliveries)
                self._check_unstorable_streak(code, len(deliveries), stored)
            # leaving the block committed: the deliveries may be acknowledged
        except psycopg2.Error as exc:
            raise amqp_consumer.StoreUnavailable(str(exc).strip()[:200]) from exc
        if stored.refusals:
            self._record_refusals(stored.refusals)
        return stored.outcomes

    def _check_unstorable_streak(self, code, size, stored):
        """Stop dead-lettering when every event fails to be stored.

        A poison event is rare; many in a row rather mean that the fault is
        ours (a bug, a module not updated): the batch is then left to the
        broker (rolled back, not acknowledged) until the fault is fixed.
        """
        if stored.unstorable < size:
            self.unstorable_streak[code] = 0
            return
        streak = self.unstorable_streak.get(code, 0) + size
        self.unstorable_streak[code] = streak
        if streak >= UNSTORABLE_STREAK_LIMIT:
            reason = stored.refusals[-1][-1].reason
            _logger.error(
                "hc-consumer %s: %s events in a row could not be stored (last: %s); "
                "they stay on the queue until this is fixed",
                code,
                streak,
                reason,
            )
            raise amqp_consumer.StoreUnavailable(f"{streak} events in a row unstorable")

    def _record_refusals(self, refusals):
        try:
            with self._registry().cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["hc.amqp.inbound"]._record_refusals(refusals)
        except psycopg2.Error as exc:
            _logger.warning("hc-consumer: cannot count refused events (%s)", exc)

    def _write_refusals(self):
        try:
            with self._registry().cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["hc.webhook.refusal"]._write_counts()
        except psycopg2.Error as exc:
            _logger.warning("hc-consumer: cannot write refusal counts (%s)", exc)


class HcConsumer(Command):
    """Consume the broker queues of inbound flows into one database"""

    name = "hc-consumer"

    def run(self, cmdargs):
        parser = argparse.ArgumentParser(
            prog=f"{Path(sys.argv[0]).name} {self.name}",
            description="Consume the broker queues of one database's inbound flows.",
            epilog="Other options are Odoo's (-c, -d, --db_host, --log-level...).",
        )
        parser.add_argument(
            "--flow",
            action="append",
            default=[],
            metavar="BACKEND[/FLOW]",
            help="consume only these backends or flows (repeatable)",
        )
        parser.add_argument("--batch-size", type=int, default=100)
        parser.add_argument(
            "--max-wait",
            type=float,
            default=0.2,
            help="seconds a partial batch waits for more deliveries",
        )
        parser.add_argument(
            "--refresh",
            type=float,
            default=30.0,
            help="seconds between two readings of the flows to consume",
        )
        options, odoo_args = parser.parse_known_args(cmdargs)
        config.parse_config(odoo_args, setup_logging=True)
        dbname = config["db_name"]
        if not dbname or "," in dbname:
            sys.exit("hc-consumer serves one database: give it with -d <database>")
        runner = ConsumerRunner(
            dbname,
            selectors=options.flow,
            batch_size=options.batch_size,
            max_wait=options.max_wait,
            refresh=options.refresh,
        )
        signal.signal(signal.SIGTERM, runner.stop)
        signal.signal(signal.SIGINT, runner.stop)
        sys.exit(runner.run())
