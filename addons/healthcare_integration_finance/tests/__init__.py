from . import test_hand_off
