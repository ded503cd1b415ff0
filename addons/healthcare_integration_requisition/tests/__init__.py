from . import test_requisition_in
from . import test_requisition_pull
from . import test_requisition_approval
from . import test_requisition_po
from . import test_requisition_page_cost
from . import test_tour
