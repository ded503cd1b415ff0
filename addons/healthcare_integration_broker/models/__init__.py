from . import hc_backend_amqp
from . import hc_flow_amqp
from . import hc_amqp_inbound
from . import hc_webhook_refusal_amqp
