"""the WAN between the sites is cut both ways while on-prem stays up: on-prem's clients see nothing, the cloud host sees nothing of on-prem"""
from expectations import completed, cloud_copy_idle_or_prewarmed, no_request_failed, onprem_down_never_fired, stayed_on_onprem

NEEDS_WAN = True
EXPECTATIONS = [completed, no_request_failed, stayed_on_onprem, onprem_down_never_fired, cloud_copy_idle_or_prewarmed]
