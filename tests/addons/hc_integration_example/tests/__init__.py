from . import test_example_addon
