"""The baseline for scripts/bench/webhook_throughput.sh: the minimal Flask webhook a hand-written
failover setup runs. It parses Alertmanager's JSON, loops over the alerts to decide whether the
cloud copy is wanted, and answers 200, on Flask's own threaded server with its request log, as
such scripts are run. It leaves out the `docker start` such a script runs on every firing
notice, so the comparison is generous to the baseline.

Usage: python3 flask_webhook.py PORT
"""

import sys

from flask import Flask, request

app = Flask(__name__)


@app.post("/failover")
def failover():
    payload = request.get_json()
    wanted = False
    for alert in payload.get("alerts", []):
        if alert["labels"].get("alertname") == "OnPremDown" and alert["status"] == "firing":
            wanted = True
    return {"start_cloud": wanted}


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(sys.argv[1]))
