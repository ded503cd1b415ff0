from . import test_control_file
from . import test_dashboard_tour
from . import test_kpi_alert
from . import test_kpi_concurrency
from . import test_reconciliation
from . import test_set_comparison
from . import test_silence_kpi
from . import test_trailer
