from . import hc_finance_batch
from . import account_move
from . import hc_handler_finance
