from . import hc_procurement_match_decision
