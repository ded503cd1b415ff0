from . import hc_budget_position
from . import purchase_request
