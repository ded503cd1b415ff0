# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestAccessLevels(TransactionCase):
    """An administrator grants every right of the suite in Settings > Users
    without developer mode. Odoo shows a category as one access level to
    pick only when its groups form a chain; otherwise its groups become
    checkboxes shown in developer mode only. So no group of any addon of the
    suite may sit in a category whose groups are not a chain, its own or
    Odoo's (a group added to Purchase's would hide Purchase's levels)."""

    def test_every_category_holding_a_group_of_the_suite_is_a_level(self):
        groups = self.env["res.groups"].search([])
        ours = groups.filtered(
            lambda g: (g.get_external_id()[g.id] or "").startswith(
                "healthcare_integration"
            )
        )
        categories = ours.category_id.filtered(
            lambda c: c.get_external_id()[c.id] != "base.module_category_hidden"
        )
        self.assertTrue(categories)
        kinds = {
            app: kind
            for app, kind, _groups, _name in self.env[
                "res.groups"
            ].get_groups_by_application()
        }
        for category in categories:
            self.assertEqual(
                kinds.get(category),
                "selection",
                f"{category.display_name}: its groups are not one chain",
            )
