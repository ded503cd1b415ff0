from . import test_budget_check
