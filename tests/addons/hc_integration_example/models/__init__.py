from . import res_partner
from . import hc_handler_example_contact
