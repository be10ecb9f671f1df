#!/usr/bin/env python3
"""Writes a firing webhook of COUNT distinct OnPremDown alerts (fingerprints capFIRST...) to FILE:
the flood tracked_alerts.sh measures failoverd's memory and latency with.

    flood_body.py FIRST COUNT FILE
"""
import json, sys
first, count, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
alerts = [{"status": "firing", "labels": {"alertname": "OnPremDown", "site": f"s{i}"}, "annotations": {},
           "startsAt": "2026-12-05T06:00:00Z", "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "",
           "fingerprint": f"cap{i:08d}"} for i in range(first, first + count)]
json.dump({"version": "4", "groupKey": "flood", "truncatedAlerts": 0, "status": "firing", "receiver": "failoverd",
           "groupLabels": {}, "commonLabels": {}, "commonAnnotations": {}, "externalURL": "http://am", "alerts": alerts},
          open(path, "w"))
