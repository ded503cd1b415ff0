from . import test_ops_dashboard
from . import test_ops_metrics
from . import test_ops_alerts
from . import test_ops_config
from . import test_ops_tour
from . import test_ops_replay
from . import test_ops_multi_node
