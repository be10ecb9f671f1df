"""the cloud host's dockerd answers the head of a call and then stalls mid-body for 60 s, as on-prem is docker-killed: failoverd gives up at its 5 s call deadline and tries again"""
from expectations import full_outage, noted

EXPECTATIONS = full_outage(
    noted("a Docker answer stalled mid-body during the failover", "docker_stalled_at"),
    # Clients wait out the stalled call's 5 s deadline: HAProxy holds each request 3 s at most.
    rto=15, failures=300,
)
