"""on-prem hangs (docker pause): it accepts connections and never answers; detected by scrape and health-check timeouts"""
from expectations import (clean_failback, completed, ended_stopped, failover_failures_within, never_stopped_while_down,
                          one_cycle, rto_within, served)

EXPECTATIONS = [completed, served, rto_within(15), failover_failures_within(150), clean_failback, one_cycle,
                never_stopped_while_down, ended_stopped]
