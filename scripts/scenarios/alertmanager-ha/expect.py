"""two clustered Alertmanager peers, Prometheus sends to both, both may notify failoverd; on-prem is docker-killed and started again"""
from expectations import full_outage

EXPECTATIONS = full_outage(
    ("both peers ran as one cluster (each counted 2 members)",
     lambda run: run["notes"].get("alertmanager_0_cluster_members") == 2 and run["notes"].get("alertmanager_1_cluster_members") == 2),
    ("failoverd accepted the peers' webhooks (200 replies)", lambda run: run["figures"]["webhook_replies"].get("200", 0) > 0),
)
