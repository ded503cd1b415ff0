from . import test_contract_pull
from . import test_contract_match
from . import test_tour
