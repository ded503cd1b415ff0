from . import hc_compliance_document_type
from . import hc_compliance_document
from . import hc_handler_compliance_document
from . import res_partner
from . import purchase_order
