from . import hc_asset_retire_wizard
from . import hc_asset_month_end_wizard
