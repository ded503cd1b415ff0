from . import hc_compliance_override
from . import hc_compliance_onboarding
