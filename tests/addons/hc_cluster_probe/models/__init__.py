from . import hc_cluster_effect
from . import hc_handler_cluster_probe
