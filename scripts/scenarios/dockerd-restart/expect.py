"""the cloud host's dockerd stops just before on-prem is killed and is back 4 s later"""
from expectations import at_most, full_outage, since

# HAProxy holds a request for ~3 s; the 4 s without Docker cost what it cannot hold.
EXPECTATIONS = full_outage(
    ("failoverd answered 503 while Docker was away (Alertmanager retries a 5xx)",
     lambda run: run["figures"]["webhook_replies"].get("503", 0) > 0),
    ("the cloud copy served at most 10 s after dockerd was back",
     lambda run: at_most(since(run, "cloud_engine_back", "first_cloud_200"), 10)),
    failures=300,
)
