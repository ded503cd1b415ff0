from . import hc_budget_position
from . import hc_crosswalk
from . import purchase_request
from . import hc_handler_budget_line
from . import purchase_order
