#!/usr/bin/env bash
# The failure-mode matrix (scripts/chaos.sh) with short outages (5 s down, 5 s hold-down): every
# scenario runs against the real dockerd, HAProxy, Prometheus, Alertmanager and failoverd with
# the shipped configs, and each check is one scenario's written expectation, judged on what the
# components recorded (scripts/lib/chaos_verdict.py). Full-length figures: BENCHMARKS.md.
set -uo pipefail
cd "$(dirname "$0")/../.."
. scripts/tests/lib.sh
work=$(mktemp -d /tmp/chaos-test.XXXXXX)
trap 'rm -rf "$work"' EXIT

check "an unknown scenario is refused, naming the known ones" \
    bash -c 'out=$(scripts/lab.sh --scenario nonsense 2>&1); test $? = 2 && grep -q "unknown scenario .nonsense.; one of: crash, hang" <<<"$out"'
check "the catalogue lists at least ten scenarios, each with expectations" \
    bash -c 'test "$(scripts/lab.sh --list | grep -c "^[a-z-]*: ")" -ge 10 && test "$(scripts/lab.sh --list | grep -c "^    - ")" -ge 40'

scripts/chaos.sh --work "$work" --down-seconds 5 --hold-down 5 >"$work/chaos.out" 2>&1
sed -n '/^| scenario/,/^$/p' "$work/chaos.out"
scenario_passed() {  # scenario_passed NAME: its verdict says pass; prints what was not met
    python3 - "$work/matrix.json" "$1" <<'PY'
import json, sys
rows = {row["scenario"]: row for row in json.load(open(sys.argv[1]))["scenarios"]}
row = rows[sys.argv[2]]
print(row["reason"] or "")
sys.exit(0 if row["passed"] else 1)
PY
}
for name in $(scripts/lab.sh --list | grep -v '^ ' | cut -d: -f1); do
    check "scenario $name: $(python3 scripts/lib/chaos_verdict.py --describe "$name")" scenario_passed "$name"
done
dashboard_complete() {  # the shipped Grafana dashboard's queries, run by the lab on its Prometheus
    python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
print("\n".join(r["problems"]))
sys.exit(0 if r["passed"] and len(r["queries"]) >= 30 else 1)' "$work/crash/dashboard.json"
}
check "Grafana dashboard: every panel's query returns series on the crash scenario's Prometheus" dashboard_complete
check "matrix.md and every scenario's timeline.svg were written" \
    bash -c "test -s '$work/matrix.md' && test \$(ls '$work'/*/timeline.svg | wc -l) -ge 10"
finish
