from . import test_supply_request
from . import test_outbound
from . import test_usage
from . import test_fhir_route
from . import test_fhir_rest
from . import test_fhir_bearer
from . import test_tour
from . import test_stockout_risk
