#!/usr/bin/env bash
# Runs every shell integration test; exits non-zero if any fails. Ends with the seconds each step
# took, slowest first: where make test's time goes.
set -uo pipefail
cd "$(dirname "$0")" || exit 1
status=0
timings=()
timed() {  # timed NAME COMMAND...: runs the step, notes its seconds and whether it passed
    local name=$1 started=$SECONDS outcome=passed; shift
    echo "== $name"
    "$@" || { status=1; outcome=FAILED; }
    timings+=("$((SECONDS - started))"$'\t'"$outcome"$'\t'"$name")
}
# The Docker-backed Swift tests need the images (onprem-api, and the sample service that is not
# it); a missing dockerd must fail them, not skip them.
echo "== images"
../build_image.sh || exit 1
../sample_service_image.sh || exit 1
swift_tests() { (cd ../.. && REQUIRE_DOCKER=1 swift test --skip-build); }
timed "swift test" swift_tests
for test in test_*.sh; do
    timed "$test" bash "$test"
done
echo "== seconds per step"
printf '%s\n' "${timings[@]}" | sort -rn | awk -F '\t' '{printf "%6d s  %-6s  %s\n", $1, $2, $3}'
exit $status
