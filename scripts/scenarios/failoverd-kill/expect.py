"""failoverd is SIGKILLed just after it started the cloud copy, before it answered the webhook, and started again 2 s later"""
from expectations import full_outage, noted

EXPECTATIONS = full_outage(noted("failoverd was killed mid-failover", "failoverd_killed_at"))
