"""Prometheus loses 1.5 s of scrapes of a healthy on-prem: the pre-warm starts the cloud copy"""
from expectations import (completed, no_request_failed, one_cycle, onprem_down_never_fired, stayed_on_onprem,
                          stopped_after_heal_within)

EXPECTATIONS = [completed, no_request_failed, stayed_on_onprem, onprem_down_never_fired, one_cycle, stopped_after_heal_within(15)]
