#!/usr/bin/env bash
# The lab drill end to end (scripts/lab.sh: real dockerd, HAProxy, Prometheus, Alertmanager and
# failoverd with the shipped configs), once per drill, asserting what clients and the operator
# see rather than how fast: on a crash the cloud copy serves, nothing fails on failback and the
# copy is stopped again; on lost scrapes (on-prem up) no request fails or goes to the cloud copy,
# OnPremDown never fires, and the pre-warmed copy is stopped again. Timings: BENCHMARKS.md.
set -uo pipefail
cd "$(dirname "$0")/../.."
. scripts/tests/lib.sh
work=$(mktemp -d /tmp/lab-drill-test.XXXXXX)
trap 'rm -rf "$work"' EXIT

figure() {  # figure DRILL KEY: one figure of a drill's report
    python3 -c "import json, sys; print(json.load(open(sys.argv[1]))['figures'][sys.argv[2]])" "$work/$1/report.json" "$2"
}
check "crash drill: on-prem killed, the cloud copy serves, on-prem back, the cloud copy stopped" \
    scripts/lab.sh --down-seconds 5 --hold-down 5 --work "$work/crash"
echo "       $(grep -E 'RTO|failed requests' "$work/crash/summary.txt" | tr -s ' ' | paste -sd ' ')"
check "crash drill: no request failed during failback" test "$(figure crash failed_requests_during_failback)" = 0
check "crash drill: at most 60 requests failed during failover (5 s clients; measured: 0 or 1)" \
    test "$(figure crash failed_requests_during_failover)" -le 60

check "false-positive drill: lost scrapes pre-warm the cloud copy, which is stopped again" \
    scripts/lab.sh --drill false-positive --hold-down 5 --work "$work/false-positive"
echo "       $(tail -3 "$work/false-positive/summary.txt" | tr -s ' ' | paste -sd ' ')"
check "false-positive drill: no request failed" test "$(figure false-positive requests_failed_total)" = 0
check "false-positive drill: no request went to the cloud copy" test "$(figure false-positive requests_served_by_cloud)" = 0
check "false-positive drill: OnPremDown never fired" test "$(figure false-positive onprem_down_fired)" = False
finish
