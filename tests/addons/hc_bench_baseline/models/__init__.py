from . import hc_bench_item
from . import hc_handler_bench_items
