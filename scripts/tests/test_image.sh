#!/usr/bin/env bash
# Integration test of the registry-free onprem-api image under a real dockerd, on loopback only.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. scripts/tests/lib.sh

image="${IMAGE:-onprem-api:latest}"
name="onprem-api-test-$$"
port=$(free_port)
cleanup() { docker rm -f "$name" >/dev/null 2>&1 || true; }
trap cleanup EXIT

run_container() {
    docker run -d --name "$name" --network host -e PORT="$port" -e SITE=cloud -e FAULT_INJECTION=true \
        -e SHUTDOWN_DRAIN_SECONDS=1 "$image" >/dev/null
}
health_status() { docker inspect -f '{{.State.Health.Status}}' "$name"; }

check "image builds from scratch without a registry" scripts/build_image.sh
check "image has no base layers beyond the binary" \
    bash -o pipefail -c "[ \"\$(docker history -q '$image' | wc -l)\" -le 12 ] && [ \"\$(docker image inspect -f '{{.Size}}' '$image')\" -lt 200000000 ]"
check "container starts with --network host" run_container
check "/health answers 200 on loopback" wait_for 20 curl -fsS "http://127.0.0.1:$port/health"
check "docker reports the container healthy (HEALTHCHECK without a shell)" \
    wait_for 30 bash -o pipefail -c "[ \"\$(docker inspect -f '{{.State.Health.Status}}' '$name')\" = healthy ]"
check "GET / names the site" bash -o pipefail -c "curl -fsS http://127.0.0.1:$port/ | grep -c '\"site\":\"cloud\"'"
check "request id is echoed" bash -o pipefail -c "curl -fsS -D - -o /dev/null -H 'X-Request-ID: drill-123' http://127.0.0.1:$port/ | grep -ci '^x-request-id: drill-123'"
check "/metrics serves request counters and the 0.2 s bucket" \
    bash -c "metrics=\$(curl -fsS http://127.0.0.1:$port/metrics) && grep -c 'http_requests_total{site=\"cloud\"' <<<\"\$metrics\" && grep -q 'le=\"0.2\"' <<<\"\$metrics\""
logged_with_request_id() { docker logs "$name" | grep '"request_id":"drill-123"' | jq -s . | json_holds 'length > 0 and .[0]["http.route"] == "/"'; }
check "logs are JSON lines carrying the request id" logged_with_request_id

stop_started=$(millis)
check "docker stop is graceful (exit 0)" bash -o pipefail -c "docker stop -t 10 '$name' >/dev/null && [ \"\$(docker inspect -f '{{.State.ExitCode}}' '$name')\" = 0 ]"
stop_ms=$(($(millis) - stop_started))
check "graceful stop drains then exits before Docker's SIGKILL (${stop_ms} ms)" bash -o pipefail -c "[ $stop_ms -lt 9000 ] && docker logs '$name' | grep -c '\"message\":\"draining\"'"

docker rm -f "$name" >/dev/null
check "container restarts for the crash test" run_container
check "crash test container is healthy" wait_for 20 curl -fsS "http://127.0.0.1:$port/health"
curl -s -X POST "http://127.0.0.1:$port/kill" >/dev/null 2>&1
check "POST /kill crashes the process with a non-zero status" \
    wait_for 10 bash -o pipefail -c "[ \"\$(docker inspect -f '{{.State.Running}} {{.State.ExitCode}}' '$name')\" = 'false 70' ]"

finish
