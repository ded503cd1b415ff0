# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The metrics mark when several Odoo nodes run one database at once: held by
whoever folds or retires messages, and an update's init() does not trip over
a mark another node just moved."""

import psycopg2

from odoo.tests.common import TransactionCase
from odoo.tools import mute_logger

from odoo.addons.healthcare_integration_core.tests.common import HcCase


class TestMetricsMarkAcrossNodes(HcCase):
    def test_retiring_messages_holds_the_mark_against_a_fold(self):
        self.env["hc.ops.tally"]._retire([0])
        with (
            self.env.registry.cursor() as fold,
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.LockNotAvailable),
        ):
            fold.execute(
                "SELECT sealed_until FROM hc_ops_tally_mark WHERE id = 1 "
                "FOR UPDATE NOWAIT"
            )


class TestModuleUpdateWhileNodesRun(TransactionCase):
    def test_an_update_does_not_trip_over_a_mark_moved_by_a_running_node(self):
        self.env["hc.audit.log"].search([], limit=1)  # this snapshot
        with self.env.registry.cursor() as running_node:
            running_node.execute(
                "UPDATE hc_ops_tally_mark SET sealed_until = sealed_until"
            )
        # the update of the modules calls init() again: no serialization failure
        self.env["hc.ops.tally"].init()
