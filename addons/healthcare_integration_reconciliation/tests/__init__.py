from . import test_reconciliation
