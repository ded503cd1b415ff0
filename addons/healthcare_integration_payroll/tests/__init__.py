from . import test_workforce
from . import test_cutoff
from . import test_results
from . import test_http
from . import test_tour
from . import test_kpi
from . import test_batch_live
