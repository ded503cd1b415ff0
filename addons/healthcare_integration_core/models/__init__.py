from . import hc_backend_secret
from . import hc_backend
from . import hc_flow
from . import hc_message
from . import hc_message_attempt
from . import hc_crosswalk
