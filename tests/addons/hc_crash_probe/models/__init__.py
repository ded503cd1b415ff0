from . import hold
from . import account_move
from . import hc_handler_payroll_results
from . import stock_move_line
from . import hc_ehr_supply_request
