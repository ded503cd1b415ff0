from . import test_contract_pull
from . import test_contract_match
