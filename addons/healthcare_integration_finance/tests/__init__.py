from . import test_hand_off
from . import test_accrual
