"""failoverd probes on-prem (probe.url) and Prometheus scrapes it through one path that loses 1.5 s of traffic: the probe pre-warms the cloud copy, nothing else happens"""
from expectations import (completed, no_request_failed, one_cycle, onprem_down_never_fired, stayed_on_onprem,
                          stopped_after_heal_within)

EXPECTATIONS = [
    completed,
    ("failoverd's probe failed and pre-warmed the cloud copy (its log says so)", lambda run: (run["notes"].get("probe_failed") or 0) >= 1),
    no_request_failed, stayed_on_onprem, onprem_down_never_fired, one_cycle, stopped_after_heal_within(15),
]
