from . import hc_consumer
