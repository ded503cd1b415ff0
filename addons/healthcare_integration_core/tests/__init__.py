from . import test_outbound
from . import test_breaker_oauth
from . import test_webhook
from . import test_crosswalk_batch
from . import test_robustness
from . import test_secrets
from . import test_governance
from . import test_ui_tour
