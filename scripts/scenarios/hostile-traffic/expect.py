"""junk, oversized, unauthenticated and duplicate webhooks hit failoverd while on-prem is killed and comes back"""
from expectations import at_most, full_outage


def replies(run, kind):
    return set(run["notes"].get("hostile_replies", {}).get(kind, []))


EXPECTATIONS = full_outage(
    ("the webhook reached a running cloud copy within 2 s",
     lambda run: at_most(run["figures"]["trigger_to_container_running_seconds"], 2)),
    ("failoverd answered hostile requests, none with a 5xx",
     lambda run: any(run["notes"].get("hostile_replies", {}).values())
     and all(not code.startswith("5") for kind in run["notes"]["hostile_replies"].values() for code in kind)),
    ("failoverd refused the junk with 400, the oversized with 413 (or a closed connection), the unauthenticated with 401 (each kind answered)",
     lambda run: replies(run, "junk") == {"400"} and replies(run, "oversized") and replies(run, "oversized") <= {"413", "closed"}
     and replies(run, "wrong_token") | replies(run, "no_token") == {"401"}),
    ("failoverd's peak resident memory stayed under 128 MiB", lambda run: at_most(run["notes"].get("failoverd_peak_rss_mib"), 128)),
)
