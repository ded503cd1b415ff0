from odoo import fields, models


class HcClusterEffect(models.Model):
    """One row per processing of a probe event: a business effect to count.

    Deliberately not idempotent (no unique key): a message processed twice
    leaves two rows, which is what the cluster test looks for.
    """

    _name = "hc.cluster.effect"
    _description = "Cluster probe effect"

    key = fields.Char(required=True, index=True)
    message_id = fields.Many2one("hc.message", ondelete="set null")
    node_pid = fields.Integer(help="The worker process that applied the effect.")
