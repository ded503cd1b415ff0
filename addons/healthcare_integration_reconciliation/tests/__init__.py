from . import test_reconciliation
from . import test_silence_kpi
