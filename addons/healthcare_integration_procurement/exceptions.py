# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.addons.healthcare_integration_core.exceptions import HcBusinessError


class HcDecisionPending(HcBusinessError):
    """A document that waits for a person's decision, which is kept.

    Like any business error, everything the handler wrote is rolled back;
    ``record_decision(env, message)`` then runs in the message's transaction
    (see ``hc.inbound._notify_business_owner``) to store what must be decided,
    e.g. a substitution the buyer accepts or refuses. Once decided, the
    message is replayed and applies the decision.
    """

    def __init__(self, message, kind, record_decision):
        super().__init__(message, kind=kind)
        self.record_decision = record_decision

    def after_rollback(self, env, message):
        self.record_decision(env, message)
