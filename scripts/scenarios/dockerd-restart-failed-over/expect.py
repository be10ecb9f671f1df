"""the cloud host's dockerd restarts (4 s away) while the cloud copy serves; dockerd runs with live-restore, as the Terraform user data sets it up"""
from expectations import full_outage, noted

EXPECTATIONS = full_outage(noted("dockerd restarted while failed over", "cloud_engine_back"))
