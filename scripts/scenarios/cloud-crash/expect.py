"""the cloud copy is docker-killed while it serves, 3 s into the outage"""
from expectations import at_most, clean_failback, completed, ended_stopped, failover_failures_within, rto_within, served

EXPECTATIONS = [
    completed, served, rto_within(10), failover_failures_within(60), clean_failback, ended_stopped,
    ("failoverd started the killed copy again within 2 s (its engine's die and start events)",
     lambda run: len(run["figures"]["cloud_restart_seconds"]) == 1 and at_most(run["figures"]["cloud_restart_seconds"][0], 2)),
    ("two starts and two stops: the kill and the one after failback",
     lambda run: (run["figures"]["cloud_starts"], run["figures"]["cloud_stops"]) == (2, 2)),
]
