# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import uuid
from datetime import timedelta

from psycopg2.extras import execute_values

from odoo import api, fields, models, tools

from odoo.addons.queue_job import delay as queue_delay
from odoo.addons.queue_job.job import DEFAULT_MAX_RETRIES
from odoo.addons.queue_job.job import Job as QueueJob

COLUMNS = (
    "uuid",
    "user_id",
    "company_id",
    "name",
    "model_name",
    "method_name",
    "func_string",
    "job_function_id",
    "channel_method_name",
    "records",
    "args",
    "kwargs",
    "dependencies",
    "state",
    "priority",
    "max_retries",
    "retry",
    "channel",
    "date_created",
    "eta",
    "identity_key",
)

NO_DEPENDENCIES = json.dumps({"depends_on": [], "reverse_depends_on": []})
INSERT_JOBS = """
    INSERT INTO queue_job (uuid, user_id, company_id, name, model_name,
        method_name, func_string, job_function_id, channel_method_name, records,
        args, kwargs, dependencies, state, priority, max_retries, retry, channel,
        date_created, eta, identity_key)
    VALUES %s
"""


class HcJobStore(models.AbstractModel):
    """Queue jobs of messages, stored in one statement.

    ``with_delay()`` costs several queries per job (the job function's
    configuration, a look-up of the job, the insert through the ORM); a webhook
    burst or a batch of pages pays them per message. This stores the same
    ``queue_job`` rows, serialized by queue_job's own fields, in one multi-row
    INSERT; queue_job's trigger notifies its runner as for any job.

    When queue_job's ``Job`` class is replaced (``trap_jobs()`` in tests),
    jobs go through ``with_delay()`` so that the trap sees them.
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
        """Store one pending job per spec; returns their uuids, in order.

        A spec is a dict: ``record`` (a recordset of one, in the environment
        the job runs in), ``method``, ``channel``, ``priority``,
        ``description``, ``company_id`` and optionally ``delay`` (seconds)
        ``uuid`` (when the caller already wrote it elsewhere) and
        ``identity_key``.
        """
        if self._jobs_trapped():
            return [self._store_trapped(spec) for spec in jobs]
        rows, uuids = [], []
        for spec in jobs:
            values = self._job_values(spec)
            rows.append(tuple(values[column] for column in COLUMNS))
            uuids.append(values["uuid"])
        if rows:
            execute_values(self.env.cr, INSERT_JOBS, rows)
        return uuids

    @api.model
    def _jobs_trapped(self):
        """Whether queue_job's ``Job`` class is replaced (``trap_jobs()`` in
        tests): jobs then go through ``with_delay()`` for the trap to see."""
        return queue_delay.Job is not QueueJob

    @api.model
    def _job_values(self, spec):
        """The ``queue_job`` row of ``spec`` (see ``_store``), by column,
        serialized by queue_job's own fields."""
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
            "identity_key": spec.get("identity_key"),
        }

    @api.model
    def _store_trapped(self, spec):
        delay = spec.get("delay")
        job = getattr(
            spec["record"].with_delay(
                channel=spec["channel"],
                priority=spec.get("priority") or 10,
                eta=int(delay) if delay else None,
                description=spec["description"],
                identity_key=spec.get("identity_key"),
            ),
            spec["method"],
        )()
        return job.uuid
