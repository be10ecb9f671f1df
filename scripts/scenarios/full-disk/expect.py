"""failoverd's state directory (a 1 MiB tmpfs) is full as on-prem is docker-killed and has room again before on-prem returns"""
from expectations import full_outage, noted

EXPECTATIONS = full_outage(
    ("failoverd said its state was not saved (failoverd_state_save_failing 1)", lambda run: run["notes"].get("state_save_failing") == 1),
    noted("the state was saved again once the disk had room", "state_saved_again_at"),
)
