"""a lossy WAN: 3 % of the packets each way are lost for ten minutes; on-prem stays up"""
from expectations import quiet_wan

NEEDS_WAN = True
EXPECTATIONS = quiet_wan()
