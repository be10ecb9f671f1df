"""a jitter storm on the WAN: every minute, for ten minutes, the round trip jumps to 2-6 times its declared value for 5 s; on-prem stays up"""
from expectations import quiet_wan

NEEDS_WAN = True
EXPECTATIONS = quiet_wan()
