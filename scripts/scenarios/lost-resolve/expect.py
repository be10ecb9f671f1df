"""failoverd is stopped while failed over; on-prem comes back and Alertmanager's resolve finds nobody; failoverd starts 10 s later"""
from expectations import full_outage, stopped_within

EXPECTATIONS = full_outage(
    stopped_within("failoverd_restarted_at", 40, "failoverd started again (hold-down + Alertmanager warm-up + slack)"),
)
