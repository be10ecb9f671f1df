#!/usr/bin/env bash
# The README's main job as a newcomer runs it: `make lab` is scripts/lab.sh with no arguments
# (after installing packages and, if needed, starting a dockerd). It must build, run the crash
# drill with 20 s outages against the real components, pass its verdict, and leave its report,
# pictures and logs in a new lab-work/<time>-fast-crash/ folder, which this test removes again.
# Every query of the shipped Grafana dashboard must return series on that run's Prometheus.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. scripts/tests/lib.sh
out=$(mktemp /tmp/lab-test.XXXXXX)
lab_dir=""
cleanup() {
    [ "$failed" -gt 0 ] && { echo "--- lab output (tail)"; tail -30 "$out"; }
    [ -n "$lab_dir" ] && rm -rf "$lab_dir"
    rm -f "$out"
}
trap cleanup EXIT

scripts/lab.sh >"$out" 2>&1
status=$?
lab_dir=$(sed -n 's/.*tearing down (logs kept in \(.*\))$/\1/p' "$out" | tail -1)
check "scripts/lab.sh with no arguments (make lab) exits 0" test "$status" = 0
check "  ... and prints the crash scenario's verdict: PASS" grep -qx "scenario crash: PASS" "$out"
check "  ... in a new lab-work/<time>-fast-crash folder" bash -c "[[ '$lab_dir' == '$PWD'/lab-work/*-fast-crash ]]"
has_evidence() {
    for file in report.json verdict.json timeline.svg dashboard.svg haproxy.log failoverd.log; do
        [ -s "$lab_dir/$file" ] || { echo "missing: $file"; return 1; }
    done
}
check "  ... holding the report, the verdict, both pictures and the components' logs" has_evidence
dashboard_complete() {
    jq -r '.problems[]' "$lab_dir/dashboard.json" && json_holds '.passed and (.queries | length) >= 30' <"$lab_dir/dashboard.json"
}
check "Grafana dashboard: every panel's query returns series on the drill's Prometheus" dashboard_complete

# The same drill with the user's own service instead of the demo API: the sample service (busybox
# httpd, not onprem-api) with a secret, a volume, its user and a health check of its own.
rm -rf "$lab_dir"
scripts/lab.sh --service sample --down-seconds 5 --no-build >"$out" 2>&1
status=$?
lab_dir=$(sed -n 's/.*tearing down (logs kept in \(.*\))$/\1/p' "$out" | tail -1)
check "scripts/lab.sh --service sample exits 0 with the crash scenario's verdict: PASS" \
    bash -c "[ $status = 0 ] && grep -qx 'scenario crash: PASS' '$out'"
answered_with_its_spec() {
    local digest
    digest=$(sha256sum "$lab_dir/secrets/db_password" | cut -d' ' -f1)
    json_holds ".site == \"cloud\" and .secret_sha256 == \"$digest\" and .secret_owner_mode == \"10001 400\" and (.volume | startswith(\"uploaded\"))" \
        <"$lab_dir/cloud_answer.json"
}
check "  ... the cloud copy answered with its secret (the app user's, 0400) and its volume" answered_with_its_spec
finish
