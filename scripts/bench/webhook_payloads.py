"""Writes the three webhook bodies scripts/bench/webhook_throughput.sh sends, into DIRECTORY:

  non-trigger.json  a body captured from Alertmanager 0.25 (three HighLatency alerts, no trigger)
  duplicate.json    the OnPremDown firing notice the cloud copy is already running for
  large.json        the captured body's alerts repeated (distinct fingerprints) to just under 1 MiB,
                    failoverd's default max_body_bytes

Usage: python3 webhook_payloads.py DIRECTORY
"""

import json
import pathlib
import sys

fixtures = pathlib.Path(__file__).resolve().parents[2] / "Tests" / "Fixtures" / "alertmanager"
out = pathlib.Path(sys.argv[1])
captured = (fixtures / "non-trigger-group.json").read_text()
(out / "non-trigger.json").write_text(captured)
(out / "duplicate.json").write_text((fixtures / "onprem-down.json").read_text())

limit = 1 << 20
body = json.loads(captured)
template = body["alerts"]
body["alerts"] = []
while True:
    alert = dict(template[len(body["alerts"]) % len(template)])
    alert["fingerprint"] = f"{len(body['alerts']):016x}"
    body["alerts"].append(alert)
    if len(json.dumps(body)) > limit - 4096:
        break
(out / "large.json").write_text(json.dumps(body))
