# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from odoo.addons.healthcare_integration_core.lib import retry
from odoo.addons.healthcare_integration_core.lib import states as st

from ..lib import kpi as lib


class HcKpi(models.AbstractModel):
    """Observes the business KPIs as messages finish (``hc.message._hc_on_finished``).

    Every finished message of a flow is one observation of the flow's
    business exception rate (1 when it failed as a business exception), which
    also dates the flow's last message for silence alerts. Domain addons
    extend ``_observe_finished`` for their own KPIs, e.g. the latency of an
    order acknowledgement once it is processed::

        def _observe_finished(self, message):
            super()._observe_finished(message)
            if message.state == "done" and message.flow_type_id.code == "x.ack_in":
                order = message._linked_record()
                self._observe(lib.ACK_LATENCY,
                              (message.done_at - order.hc_sent_at).total_seconds(),
                              message, partner=order.partner_id)
    """

    _name = "hc.kpi"
    _description = "Integration Business KPIs"

    @api.model
    def _hc_kpi_definitions(self):
        """The KPIs the suite knows: ``{code: (label, unit, higher_is_better)}``
        with the unit ``lib.RATE`` (observed as 1 or 0) or ``lib.SECONDS``.

        How a KPI reads (dashboard, list of daily rows), its trend and its
        alert thresholds follow its entry. A domain addon adds its own KPIs
        here, and their codes to the ``kpi`` selection of ``hc.kpi.daily``
        and ``hc.alert.rule`` (``selection_add``), e.g.::

            RETURN_RATE = "return_rate"

            @api.model
            def _hc_kpi_definitions(self):
                return {
                    **super()._hc_kpi_definitions(),
                    RETURN_RATE: ("Goods returned to the supplier", lib.RATE, False),
                }
        """
        return dict(lib.KPIS)

    @api.model
    def _observe_finished(self, message):
        if not message.flow_id or message.state not in (st.DONE, st.DEAD):
            return
        failed = message.state == st.DEAD and (
            message.error_class == retry.ERROR_BUSINESS
        )
        self._observe(
            lib.EXCEPTION_RATE,
            1 if failed else 0,
            message,
            partner=self._partner_of(message),
        )

    @api.model
    def _partner_of(self, message):
        """The partner a message is about, for KPIs per supplier; None by
        default (reading the linked record costs queries on the delivery
        path: a domain addon reads it for the flows it knows)."""
        return None

    @api.model
    def _observe(self, kpi, value, message, partner=None, when=None):
        """One observation of ``kpi`` for ``message``'s flow and company."""
        self.env["hc.kpi.daily"]._observe(
            kpi,
            value,
            message.company_id,
            when or message.done_at,
            flow=message.flow_id,
            partner=partner,
        )
