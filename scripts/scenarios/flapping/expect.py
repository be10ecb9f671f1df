"""on-prem is killed and started again every 4 s for 60 s"""
from expectations import STOP_BUDGET, clean_failback, completed, ended_stopped, never_stopped_while_down, recorded, served

EXPECTATIONS = [
    completed, served, never_stopped_while_down,
    (f"at most {1 + STOP_BUDGET} starts and {STOP_BUDGET} stops (the stop budget), the first start recorded",
     lambda run: recorded(run, "cloud_events_recorded")
     and 1 <= run["figures"]["cloud_starts"] <= 1 + STOP_BUDGET and run["figures"]["cloud_stops"] <= STOP_BUDGET),
    ("at most 10 % of requests failed while on-prem flapped",
     lambda run: recorded(run, "requests_cover_outage")
     and run["figures"]["failed_requests_during_failover"] <= 0.1 * run["figures"]["requests_during_failover"]),
    clean_failback, ended_stopped,
]
