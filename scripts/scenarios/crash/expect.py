"""on-prem is docker-killed, stays down, then starts again"""
from expectations import full_outage

EXPECTATIONS = full_outage()
