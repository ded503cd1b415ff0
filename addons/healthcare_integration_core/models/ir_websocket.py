# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class IrWebsocket(models.AbstractModel):
    _inherit = "ir.websocket"

    def _build_bus_channel_list(self, channels):
        # EXTENDS bus: a form listening to one record (hc.live) hears it only
        # when its user may read that record; a live list, when the user may
        # read its model (the channels of the user's companies)
        if self.env.uid and not self.env.user._is_public():
            live = self.env["hc.live"]
            channels = list(channels)
            for channel in list(channels):
                if isinstance(channel, str) and channel.startswith("hc_record:"):
                    record_channel = live._channel_for(channel)
                    if record_channel:
                        channels.append(record_channel)
                elif isinstance(channel, str) and channel.startswith("hc_list:"):
                    channels.extend(live._list_channels_for(channel))
        return super()._build_bus_channel_list(channels)
