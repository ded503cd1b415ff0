from . import hc_finance_batch
from . import account_move
from . import hc_handler_finance
from . import hc_flow
from . import hc_finance_accrual
