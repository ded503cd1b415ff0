"""Upgrade a database made by 18.0.3.0.0 (the plan of cost centres declared
by the payroll addon) to the current version, where the core declares it for
every domain: the plan, its name and its cost centres are kept, and there is
one plan of cost centres.
"""

import pytest
from upgrade import (
    MARK,
    check_with_current,
    install_previous,
    previous_addons,
    shell,
    upgrade_to_current,
)

PREVIOUS = "9ad6bb34cda1d6dfdc9b51e72cf714c99997305b"  # 18.0.3.0.0
MODULES = "healthcare_integration_core,healthcare_integration_payroll"


@pytest.fixture(scope="module")
def addons_18_0_3():
    return previous_addons(PREVIOUS, "18.0.3.0.0")


FILL_WITH_PREVIOUS = f"""
import json
plan = env.ref("healthcare_integration_payroll.analytic_plan_cost_centres")
ward = env["account.analytic.account"].create(
    {{"name": "Ward 7", "code": "CC-7", "plan_id": plan.id}})
env.cr.commit()
print("{MARK}" + json.dumps({{"plan": plan.id, "ward": ward.id}}))
"""

CHECK_WITH_CURRENT = """
import json
ids = json.loads(IDS)
plan = env.ref("healthcare_integration_core.analytic_plan_cost_centres")
ward = env["account.analytic.account"].browse(ids["ward"])
print(MARK + json.dumps({
    "plan": plan.id,
    "ward": [ward.exists().id, ward.plan_id.id],
    "plans": env["account.analytic.plan"].search_count(
        [("name", "=", "Cost centres")]),
    "payroll_name": bool(env.ref(
        "healthcare_integration_payroll.analytic_plan_cost_centres",
        raise_if_not_found=False)),
}))
"""


def test_the_plan_of_cost_centres_moves_to_the_core(addons_18_0_3, database):
    install_previous(database, addons_18_0_3, MODULES, "--without-demo=all")
    before = shell(database, addons_18_0_3, FILL_WITH_PREVIOUS)

    upgrade_to_current(database)

    after = check_with_current(database, before, CHECK_WITH_CURRENT)
    assert after["plan"] == before["plan"], "the same plan, named by the core"
    assert after["ward"] == [before["ward"], before["plan"]], "its cost centres kept"
    assert after["plans"] == 1
    assert not after["payroll_name"]
