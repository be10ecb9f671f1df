#!/usr/bin/env bash
# Thousands of stalled clients (request head plus one byte, then silence) against the failoverd
# binary started as a shell starts it, with a soft open-files limit of 1024 under a hard one of
# 8192 (the unit's LimitNOFILE): failoverd raises its soft limit, so /health and a real webhook
# are still answered at once, and the stalled connections are closed after
# request_timeout_seconds. With a hard limit of 1024 it serves fewer connections than configured,
# and says so.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. scripts/tests/lib.sh

failoverd_bin=$(failoverd_binary)
work=$(mktemp -d /tmp/failoverd-stalled.XXXXXX)
port=$(free_port)
timeout=8  # request_timeout_seconds: stalled connections are dropped this long after connecting
failoverd_pid=""
cleanup() {
    stop_pid "$failoverd_pid"
    [ "$failed" -gt 0 ] && tail -20 "$work/failoverd.log"
    rm -rf "$work"
}
trap cleanup EXIT

new_token "$work/token"
python3 scripts/lib/webhook_body.py non-trigger-group >"$work/webhook.json"
# Docker is not needed: the webhook carries no trigger alert, so its answer needs no action.
cat >"$work/failoverd.yml" <<YAML
listen: {host: 127.0.0.1, port: $port}
auth: {token_file: $work/token}
request_timeout_seconds: $timeout
docker: {socket: $work/no-docker.sock, events: false}
state_directory: $work/state
container: {image: onprem-api:latest}
YAML
(ulimit -Sn 1024 && ulimit -Hn 8192 && exec "$failoverd_bin" serve --config "$work/failoverd.yml") >>"$work/failoverd.log" 2>&1 &
failoverd_pid=$!
check "failoverd starts with a soft limit of 1024 open files (hard 8192)" wait_for 20 curl -fsS "http://127.0.0.1:$port/health"
raised() { grep -q '"process.open_files":"8192"' "$work/failoverd.log"; }
check "  ... and raises it to the hard limit" raised

result=$(python3 scripts/lib/stalled_clients.py --port "$port" --connections 3000 --token "$(cat "$work/token")" --body "$work/webhook.json")
echo "       $result"
# Answered before the first stalled connection is dropped: nothing waited for them to go away.
check "with 3,000 stalled connections open, /health answers 200 before any of them is dropped" \
    json_holds '.health_code == 200 and .open_seconds + .health_seconds < $timeout' --argjson timeout "$timeout" <<<"$result"
check "and then a real Alertmanager webhook is answered 200 within 1 s" \
    json_holds '.webhook_code == 200 and .webhook_seconds < 1' <<<"$result"
check "failoverd closes every stalled connection itself, soon after the $timeout s request timeout" \
    json_holds '.closed_by_server == .stalled and .all_closed_after_seconds < $timeout + 10' --argjson timeout "$timeout" <<<"$result"

stop_pid "$failoverd_pid"
(ulimit -n 1024 && exec "$failoverd_bin" serve --config "$work/failoverd.yml") >"$work/failoverd-1024.log" 2>&1 &
failoverd_pid=$!
check "with a hard limit of 1024, failoverd starts" wait_for 20 curl -fsS "http://127.0.0.1:$port/health"
clamped() { grep -q 'fewer connections than configured.*max_connections 4096 does not fit in 1024 open files.*serving at most 768' "$work/failoverd-1024.log"; }
check "  ... serving at most 768 connections (1024 less 256 for itself), and its log says why" clamped
finish
