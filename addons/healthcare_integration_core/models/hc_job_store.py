# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import uuid
from datetime import timedelta

from odoo import api, fields, models, tools

from odoo.addons.queue_job.job import DEFAULT_MAX_RETRIES

NO_DEPENDENCIES = json.dumps({"depends_on": [], "reverse_depends_on": []})


class HcJobStore(models.AbstractModel):
    """Queue jobs of messages: stored through queue_job's API, and the row of
    a received message's job for the statement that stores the message.

    ``_store`` goes through ``with_delay()``, so that what intercepts
    queue_job's jobs (its ``trap_jobs()`` in tests) sees them. The receiving
    of a payload stores its job in the statement that stores the message
    (``hc.inbound``'s ``RECEIVE``: bench_throughput's ingestion, where
    ``with_delay()`` would cost several statements per request), with the row
    ``_job_values`` builds from queue_job's own fields.
    """

    _name = "hc.job.store"
    _description = "Integration Job Store"

    @api.model
    @tools.ormcache("model_name", "method_name")
    def _job_function_id(self, model_name, method_name):
        functions = self.env["queue.job.function"].sudo()
        name = functions.job_function_name(model_name, method_name)
        return functions.search([("name", "=", name)], limit=1).id or None

    @api.model
    def _store(self, jobs):
        """Queue one job per spec; returns their uuids, in order.

        A spec is a dict: ``record`` (a recordset of one, in the environment
        the job runs in), ``method``, ``channel``, ``priority``,
        ``description`` and optionally ``delay`` (seconds).
        """
        uuids = []
        for spec in jobs:
            delay = spec.get("delay")
            delayable = spec["record"].with_delay(
                channel=spec["channel"],
                priority=spec.get("priority") or 10,
                eta=int(delay) if delay else None,
                description=spec["description"],
            )
            uuids.append(getattr(delayable, spec["method"])().uuid)
        return uuids

    @api.model
    def _job_values(self, spec):
        """The ``queue_job`` row of ``spec`` (see ``_store``; ``uuid``: the
        one the caller chose), by column, serialized by queue_job's own
        fields."""
        queue_job = self.env["queue.job"]
        fields_ = queue_job._fields
        record, method = spec["record"], spec["method"]
        now = fields.Datetime.now()
        delay = spec.get("delay")
        return {
            "uuid": spec.get("uuid") or str(uuid.uuid4()),
            "user_id": record.env.uid,
            "company_id": spec["company_id"],
            "name": spec["description"],
            "model_name": record._name,
            "method_name": method,
            "func_string": f"{record!r}.{method}()",
            "job_function_id": self._job_function_id(record._name, method),
            "channel_method_name": f"<{record._name}>.{method}",
            "records": fields_["records"].convert_to_column(record, queue_job),
            "args": fields_["args"].convert_to_column([], queue_job),
            "kwargs": fields_["kwargs"].convert_to_column({}, queue_job),
            "dependencies": NO_DEPENDENCIES,
            "state": "pending",
            "priority": spec.get("priority") or 10,
            "max_retries": DEFAULT_MAX_RETRIES,
            "retry": 0,
            "channel": spec["channel"],
            "date_created": now,
            "eta": now + timedelta(seconds=delay) if delay else None,
        }
