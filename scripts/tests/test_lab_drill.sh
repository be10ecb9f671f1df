#!/usr/bin/env bash
# A shortened lab drill (the README's main job) must close the loop: failover happens, traffic
# returns to on-prem, the cloud copy stops, and the report and timeline are written and parse.
set -uo pipefail
cd "$(dirname "$0")/../.."
. scripts/tests/lib.sh
work=$(mktemp -d /tmp/lab-drill-test.XXXXXX)
trap 'rm -rf "$work"' EXIT

check "the shortened drill runs to the end" timeout 600 scripts/lab.sh --down-seconds 5 --hold-down 3 --rate 20 --work "$work"
report="$work/report.json"
field() { python3 -c "import json,sys; r=json.load(open('$report')); print(r$1)"; }
check "failover happened: the cloud copy served after on-prem went down" bash -c "[ \"\$(python3 -c \"import json; print(json.load(open('$report'))['figures']['rto_seconds'] is not None)\")\" = True ]"
check "every phase was observed from a component" python3 -c "
import json; p = json.load(open('$report'))['phases']
missing = [k for k, v in p.items() if v is None]
assert not missing, missing
order = ['onprem_down', 'alert_firing', 'webhook_received', 'container_running', 'first_cloud_200', 'onprem_back', 'failback', 'cloud_stopped']
assert all(p[a] <= p[b] for a, b in zip(order, order[1:])), p"
check "traffic returned to on-prem with zero failed requests during failback" python3 -c "
import json; f = json.load(open('$report'))['figures']
assert f['failed_requests_during_failback'] == 0, f
assert f['time_to_failback_seconds'] is not None, f"
check "the cloud copy was stopped after the hold-down" python3 -c "
import json; r = json.load(open('$report')); p = r['phases']
assert p['cloud_stopped'] - p['alert_resolved'] >= r['hold_down_seconds'] - 1, p"
check "timeline.svg is well-formed XML" python3 -c "import xml.etree.ElementTree as t; t.parse('$work/timeline.svg')"
check "timeline.svg renders to a PNG" bash -c "rsvg-convert -o '$work/timeline.png' '$work/timeline.svg' && [ \$(stat -c %s '$work/timeline.png') -gt 10000 ]"
check "the summary states the RTO" grep -q "RTO (on-prem down -> first cloud 200)" "$work/summary.txt"
check "every component's log was kept" bash -c "for f in failoverd haproxy prometheus alertmanager onprem cloud; do [ -s '$work/'\$f.log ] || { echo missing \$f.log; exit 1; }; done"
[ "$failed" -gt 0 ] && cat "$work/summary.txt" 2>/dev/null
finish
