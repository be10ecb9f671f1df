#!/usr/bin/env bash
# Real HAProxy (the shipped haproxy.cfg) in front of two onprem-api containers on loopback:
# on-prem primary, cloud backup (already running; failoverd is not involved here), the cloud copy
# behind the shipped cloud gateway (haproxy/cloud-gateway.cfg): TLS both ways, HAProxy verifying
# the pinned certificate and showing its own. A client without a certificate is refused; a copy
# with another certificate is marked down, the log saying why. Under steady
# probing: crash on-prem and measure until the cloud serves; bring on-prem back and require zero
# failed probes during failback; drain on-prem with `docker stop` and require zero failed probes;
# with nothing up, a request waits for the cloud copy to start instead of failing; the request in
# flight when on-prem dies is answered by the cloud copy; a hung on-prem: a GET is retried on the
# cloud copy, a POST is not. HAProxy drops root after binding.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. scripts/tests/lib.sh
. scripts/lib/failover_drill.sh

work=$(mktemp -d /tmp/haproxy-test.XXXXXX)
onprem="haproxy-test-onprem-$$"; cloud="haproxy-test-cloud-$$"
api_port=$(free_port); metrics_port=$(free_port); onprem_port=$(free_port); cloud_port=$(free_port); gateway_port=$(free_port)
haproxy_pid=""; gateway_pid=""
cleanup() {
    stop_pid "$gateway_pid"
    [ -n "$haproxy_pid" ] && kill "$haproxy_pid" 2>/dev/null && wait "$haproxy_pid" 2>/dev/null
    docker rm -f "$onprem" "$cloud" >/dev/null 2>&1
    [ "$failed" -gt 0 ] && { echo "--- haproxy log (tail)"; tail -15 "$work/haproxy.log"; }
    rm -rf "$work"
}
trap cleanup EXIT

run_copy() {  # run_copy NAME SITE PORT
    docker run -d --name "$1" --network host -e SITE="$2" -e PORT="$3" -e FAULT_INJECTION=true \
        -e SHUTDOWN_DRAIN_SECONDS=2 onprem-api:latest >/dev/null
}
check "on-prem copy runs" run_copy "$onprem" onprem "$onprem_port"
check "cloud copy runs" run_copy "$cloud" cloud "$cloud_port"

check "the identities TLS between the sites needs are made (cloud host, on-prem clients' CA, HAProxy's)" tls_identities "$work/tls"
start_cloud_gateway gateway_pid "127.0.0.1:$gateway_port" "127.0.0.1:$cloud_port" "$work/tls"
gateway() { curl -fsS --max-time 2 --cacert "$work/tls/server.pem" "$@" "https://127.0.0.1:$gateway_port/health"; }
check "the cloud gateway serves the copy over TLS to a client with an on-prem certificate" wait_for 10 gateway --cert "$work/tls/client.pem"
check "  ... and refuses a client without one, in the handshake" fails gateway
refusal_logged() { grep -q 'SSL handshake failure' "$work/tls/gateway.log"; }
check "  ... its log saying so" wait_for 5 refusal_logged
HAPROXY_BIND="127.0.0.1:$api_port" HAPROXY_METRICS_BIND="127.0.0.1:$metrics_port" \
ONPREM_ADDR="127.0.0.1:$onprem_port" CLOUD_ADDR="127.0.0.1:$gateway_port" HAPROXY_STATS_SOCKET="$work/admin.sock" \
CLOUD_CA_FILE="$work/tls/server.pem" CLOUD_CLIENT_CERT="$work/tls/client.pem" \
    haproxy -db -f haproxy/haproxy.cfg >"$work/haproxy.log" 2>&1 &
haproxy_pid=$!
api="http://127.0.0.1:$api_port/"
check "HAProxy sends traffic to on-prem while it is healthy" \
    "$(failover_drill_path)" probe --url "$api" --until-site onprem --timeout 20 --settle 1 --max-failures 0
check "HAProxy's Prometheus exporter serves backend state" \
    bash -o pipefail -c "curl -fsS http://127.0.0.1:$metrics_port/metrics | grep -c 'haproxy_backend_active_servers{proxy=\"api\"} 1'"
check "the metrics listener exposes no stats or admin page" \
    bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$metrics_port/stats)\" = 404 ]"
check "the admin interface is a root-only unix socket" bash -c "[ \"\$(stat -c %a '$work/admin.sock')\" = 600 ]"
runs_unprivileged() { # started as root, HAProxy serves as the haproxy user inside its chroot
    [ "$(awk '/^Uid:/ {print $2}' "/proc/$haproxy_pid/status")" = "$(id -u haproxy)" ] &&
        [ "$(readlink "/proc/$haproxy_pid/root")" = /var/lib/haproxy ]
}
check "started by root, HAProxy serves as the haproxy user, chrooted to /var/lib/haproxy" runs_unprivileged

check "on-prem crash (docker kill): the cloud copy serves" \
    bash -o pipefail -c "scripts/simulate_onprem_down.sh --container '$onprem' --probe-url '$api' --timeout 20 --json > '$work/down.json'"
echo "       $(cat "$work/down.json")"
check "on-prem back (docker start): failback with zero failed probes" \
    bash -o pipefail -c "scripts/simulate_onprem_up.sh --container '$onprem' --probe-url '$api' --timeout 30 --max-failures 0 --json > '$work/up.json'"
echo "       $(cat "$work/up.json")"

# Planned maintenance: SIGTERM turns /health to 503 for 2 s before the listener closes; HAProxy
# must notice within that window, so no client sees an error.
"$(failover_drill_path)" probe --url "$api" --until-site cloud --timeout 20 --settle 2 --max-failures 0 --json >"$work/drain.json" 2>/dev/null &
probe_pid=$!
sleep 0.5
docker stop -t 10 "$onprem" >/dev/null
check "planned drain (docker stop): traffic moves to the cloud copy with zero failed probes" wait "$probe_pid"
echo "       $(cat "$work/drain.json")"

# fetch NAME SECONDS [CURL-OPTION...]: a request through HAProxy in the background, its status in
# $work/NAME.code and its body in $work/NAME.body, its PID in $fetch_pid.
fetch() {
    local name=$1 seconds=$2; shift 2
    curl -s -m "$seconds" -o "$work/$name.body" -w '%{http_code}' "$@" >"$work/$name.code" 2>/dev/null &
    fetch_pid=$!
}
# served_by_cloud NAME: whether that request got a 200 from the cloud copy.
served_by_cloud() { [ "$(cat "$work/$1.code")" = 200 ] && grep -q cloud "$work/$1.body"; }
onprem_serves_again() {
    docker start "$onprem" >/dev/null
    "$(failover_drill_path)" probe --url "$api" --until-site onprem --timeout 20 --settle 1 >/dev/null 2>&1
}

# The cloud copy starting while requests arrive: HAProxy retries them against the unchecked
# cloud-hold server every 250 ms instead of answering 503 at once.
docker stop -t 5 "$cloud" >/dev/null
fetch held 8 "$api"
sleep 1
docker start "$cloud" >/dev/null
wait "$fetch_pid"
check "with no server up, a request is held and answered once the cloud copy starts 1 s later, not failed" served_by_cloud held

# The request in flight when on-prem dies (its answer due in 300 ms), with the cloud copy down
# and started 0.5 s later: retried with pauses until the copy answers, instead of spending every
# retry at once (HAProxy 2.6 does, for a request that went out on a reused server connection).
onprem_serves_again
docker stop -t 5 "$cloud" >/dev/null
fetch inflight 5 "$api?delay_ms=300"
sleep 0.15
docker kill "$onprem" >/dev/null
sleep 0.5
docker start "$cloud" >/dev/null
wait "$fetch_pid"
check "a GET in flight when on-prem dies is answered by the cloud copy once it starts" served_by_cloud inflight

# A hung on-prem (docker pause: connections accepted, nothing answered) with the cloud copy up:
# a GET sent at that moment is retried on the copy after the idempotent timeout (400 ms), not
# held for timeout server (30 s); a POST sent with it is never sent a second time to the copy.
onprem_serves_again
docker pause "$onprem" >/dev/null
fetch hung-get 3 -H "X-Request-ID: haproxy-test-get-$$" "$api"
get_pid=$fetch_pid
fetch hung-post 3 -X POST -H "X-Request-ID: haproxy-test-post-$$" "$api"
wait "$get_pid" "$fetch_pid"
check "a GET to a hung on-prem is answered by the cloud copy within 3 s" served_by_cloud hung-get
check "a POST to a hung on-prem is not retried on the cloud copy (it may have had effects)" \
    bash -c "docker logs '$cloud' 2>&1 | grep -q 'haproxy-test-get-$$' && ! docker logs '$cloud' 2>&1 | grep -q 'haproxy-test-post-$$'"
docker unpause "$onprem" >/dev/null

# An impostor at the cloud copy's address (another certificate than the pinned one): HAProxy's
# checks fail in the handshake, the server stays down, and no request reaches it.
stop_pid "$gateway_pid"
start_cloud_gateway gateway_pid "127.0.0.1:$gateway_port" "127.0.0.1:$cloud_port" "$work/tls" "$work/tls/impostor.pem"
cloud_down() { page_has "http://127.0.0.1:$metrics_port/metrics" 'haproxy_server_status{proxy="api",server="cloud",state="DOWN"} 1'; }
check "a copy that shows another certificate is marked down by HAProxy's checks" wait_for 10 cloud_down
handshake_named() { grep -q 'cloud is DOWN.*SSL handshake failure' "$work/haproxy.log"; }
check "  ... HAProxy's log naming the SSL handshake failure" handshake_named
docker kill "$onprem" >/dev/null
fetch impostor 8 "$api"  # held ~3 s by the retries, then answered
wait "$fetch_pid"
check "  ... and with on-prem down, a request is not served by it (503, not the impostor's answer)" \
    bash -c "[ \"\$(cat '$work/impostor.code')\" = 503 ] && ! grep -q cloud '$work/impostor.body'"

finish
