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
# The Docker-backed Swift tests reach dockerd through the shipped socket proxy, as failoverd does on
# the cloud host: the suite passing shows the proxy allows every call failoverd makes.
swift_tests() {
    local proxy_dir proxy_pid outcome=0
    proxy_dir=$(mktemp -d /tmp/failoverd-swift-proxy.XXXXXX)
    DOCKER_SOCKET=/var/run/docker.sock PROXY_SOCKET=$proxy_dir/docker.sock PROXY_SOCKET_GROUP=root \
        haproxy -db -f ../../haproxy/docker-socket-proxy.cfg >"$proxy_dir/proxy.log" 2>&1 &
    proxy_pid=$!
    for _ in $(seq 1 50); do [ -S "$proxy_dir/docker.sock" ] && break; sleep 0.1; done
    (cd ../.. && DOCKER_SOCKET=$proxy_dir/docker.sock REQUIRE_DOCKER=1 swift test --skip-build) || outcome=1
    kill "$proxy_pid" 2>/dev/null && wait "$proxy_pid" 2>/dev/null
    [ "$outcome" = 0 ] || { echo "the socket proxy's refusals, if any:"; grep -F ' 403 ' "$proxy_dir/proxy.log" | tail -20; }
    rm -rf "$proxy_dir"
    return "$outcome"
}
timed "swift test" swift_tests
for test in test_*.sh; do
    timed "$test" bash "$test"
done
echo "== seconds per step"
printf '%s\n' "${timings[@]}" | sort -rn | awk -F '\t' '{printf "%6d s  %-6s  %s\n", $1, $2, $3}'
exit $status
