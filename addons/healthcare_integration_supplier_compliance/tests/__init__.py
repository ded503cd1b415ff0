from . import test_compliance_documents
from . import test_compliance_block
from . import test_compliance_sync
from . import test_compliance_onboarding
