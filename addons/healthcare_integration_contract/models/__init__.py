from . import purchase_requisition
from . import hc_procurement_tolerance
from . import hc_procurement_match_line
from . import account_move
from . import hc_handler_contract
from . import hc_kpi_daily
from . import hc_alert_rule
from . import hc_kpi
