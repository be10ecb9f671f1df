#!/usr/bin/env bash
# The failure-mode matrix (scripts/chaos.sh) with short outages (5 s down, 5 s hold-down): every
# scenario runs against the real dockerd, HAProxy, Prometheus, Alertmanager and failoverd with
# the shipped configs, and each check is one scenario's written expectation, judged on what the
# components recorded (scripts/lib/chaos_verdict.py). Full-length figures: BENCHMARKS.md. The crash
# scenario is left to test_lab.sh, which runs it at full length as `make lab` does.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. scripts/tests/lib.sh
work=$(mktemp -d /tmp/chaos-test.XXXXXX)
trap 'rm -rf "$work"' EXIT

check "an unknown scenario is refused, naming the known ones" \
    bash -c 'out=$(scripts/lab.sh --scenario nonsense 2>&1); test $? = 2 && grep -q "unknown scenario .nonsense.; one of: crash, alertmanager-ha" <<<"$out"'
check "the catalogue lists at least ten scenarios, each with expectations" \
    bash -c 'test "$(scripts/lab.sh --list | grep -c "^[a-z-]*: ")" -ge 10 && test "$(scripts/lab.sh --list | grep -c "^    - ")" -ge 40'

# The loopback catalogue: the WAN's own faults run across the lab's WAN only (test_wan.sh, make chaos).
mapfile -t scenarios < <(python3 scripts/lib/chaos_verdict.py --list-names | grep -vx crash)
scripts/chaos.sh --work "$work" --down-seconds 5 --hold-down 5 "${scenarios[@]}" >"$work/chaos.out" 2>&1
sed -n '/^| scenario/,/^$/p' "$work/chaos.out"
scenario_passed() {  # scenario_passed NAME: its verdict says pass; prints what was not met
    jq -r --arg name "$1" '.scenarios[] | select(.scenario == $name) | .reason // empty' "$work/matrix.json" &&
        jq -e --arg name "$1" 'any(.scenarios[]; .scenario == $name and .passed)' "$work/matrix.json" >/dev/null
}
for name in "${scenarios[@]}"; do
    check "scenario $name: $(python3 scripts/lib/chaos_verdict.py --describe "$name")" scenario_passed "$name"
done
check "matrix.md and every scenario's timeline.svg were written" \
    bash -c "test -s '$work/matrix.md' && test \$(ls '$work'/*/timeline.svg | wc -l) -ge 10"
finish
