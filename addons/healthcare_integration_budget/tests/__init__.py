from . import test_budget_check
from . import test_budget_pull
from . import test_budget_order
from . import test_tour
from . import test_budget_platform_order
