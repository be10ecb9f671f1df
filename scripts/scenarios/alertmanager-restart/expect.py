"""Alertmanager restarts with empty storage while failed over (on-prem stays down 20 s), then again just before on-prem returns, so the resolve is never sent"""
from expectations import full_outage, stopped_within

EXPECTATIONS = full_outage(
    stopped_within("alertmanager_restarted_at", 45, "the second Alertmanager restart (warm-up 15 s + hold-down + slack)"),
)
