"""Prometheus loses on-prem (a cut monitoring path), HAProxy and clients do not: a false positive"""
from expectations import completed, ended_stopped, no_request_failed, stayed_on_onprem, stopped_after_heal_within

EXPECTATIONS = [
    completed,
    ("OnPremDown fired and the cloud copy was started",
     lambda run: run["figures"]["onprem_down_fired"] and run["figures"]["cloud_starts"] == 1),
    no_request_failed,
    stayed_on_onprem,
    ended_stopped, stopped_after_heal_within(15),
]
