"""on-prem answers 30 % 500s and 300 ms late for 20 s (PUT /brownout). The kit fails over on down, not on a brownout: the SLO burn alerts page people"""
from expectations import completed, onprem_down_never_fired, recorded

EXPECTATIONS = [
    completed,
    ("the cloud copy was never started (no start event, and Docker says it never ran)",
     lambda run: recorded(run, "cloud_events_recorded", "cloud_never_started_by_inspect") and run["figures"]["cloud_starts"] == 0),
    onprem_down_never_fired,
    ("clients saw the brownout: 15-45 % of requests failed during it",
     lambda run: recorded(run, "requests_cover_outage")
     and 0.15 <= run["figures"]["failed_requests_during_failover"] / run["figures"]["requests_during_failover"] <= 0.45),
    ("no request failed once it was over",
     lambda run: recorded(run, "requests_cover_after_back") and run["figures"]["requests_failed_after_onprem_back"] == 0),
]
