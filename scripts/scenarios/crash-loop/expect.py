"""another process holds the cloud copy's port for 8 s as on-prem is docker-killed: the copy exits at every start until the port is free"""
from expectations import at_most, clean_failback, completed, ended_stopped, recorded, served, since

EXPECTATIONS = [
    completed, served, clean_failback, ended_stopped,
    ("failoverd counted at least 3 quick exits in a row while the port was taken (CloudCopyCrashLooping fires)",
     lambda run: (run["notes"].get("cloud_quick_exits") or 0) >= 3),
    ("between 1 and 7 starts in all: doubling waits, not a tight loop",
     lambda run: recorded(run, "cloud_events_recorded") and 1 <= run["figures"]["cloud_starts"] <= 7),
    ("the copy served at most 12 s after its port was free", lambda run: at_most(since(run, "port_freed_at", "first_cloud_200"), 12)),
]
