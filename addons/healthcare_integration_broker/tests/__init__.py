from . import test_broker_publish
from . import test_broker_consume
