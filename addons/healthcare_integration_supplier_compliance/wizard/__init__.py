from . import hc_compliance_override
