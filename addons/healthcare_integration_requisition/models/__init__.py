from . import hc_crosswalk
from . import hc_handler_requisition_in
from . import hc_handler_requisition_status
from . import purchase_request
from . import purchase_request_line
from . import purchase_order
from . import tier_review
