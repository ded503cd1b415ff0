from . import hc_budget_override
