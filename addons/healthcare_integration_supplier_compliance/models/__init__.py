from . import hc_compliance_approval
from . import hc_compliance_document_type
from . import hc_compliance_document
from . import hc_backend
from . import hc_handler_compliance_document
from . import hc_handler_procurement_supplier
from . import res_partner
from . import purchase_order
