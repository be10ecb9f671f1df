#!/usr/bin/env bash
# Takes the on-prem API down, then probes through HAProxy until the cloud copy serves, reporting
# how long that took and how many probes failed. Exit 1 if the cloud does not serve in time.
#
# How to take it down (first that is set wins):
#   --container NAME   (env ONPREM_CONTAINER)  docker kill the on-prem container
#   --pid PID          (env ONPREM_PID)        SIGKILL the on-prem process
#   --kill-url URL     (env ONPREM_KILL_URL)   POST /kill (needs FAULT_INJECTION=true on-prem)
# Probe: --probe-url URL (env PROBE_URL, default http://127.0.0.1:8000/), --timeout S (env
# TIMEOUT, default 60), --json to print a JSON summary on stdout. Probes with `failover-drill probe`
# ($FAILOVER_DRILL, else on PATH, else this checkout's .build/debug).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/lib/usage.sh
. "$here/lib/usage.sh"
container="${ONPREM_CONTAINER:-}"; pid="${ONPREM_PID:-}"; kill_url="${ONPREM_KILL_URL:-}"
probe_url="${PROBE_URL:-http://127.0.0.1:8000/}"; timeout="${TIMEOUT:-60}"; json=()
while [ $# -gt 0 ]; do
    case "$1" in
        --container) container=$2; shift 2 ;;
        --pid) pid=$2; shift 2 ;;
        --kill-url) kill_url=$2; shift 2 ;;
        --probe-url) probe_url=$2; shift 2 ;;
        --timeout) timeout=$2; shift 2 ;;
        --json) json=(--json); shift ;;
        -h|--help) print_usage "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done

if [ -n "$container" ]; then
    echo "taking on-prem down: docker kill $container" >&2
    docker kill "$container" >/dev/null
elif [ -n "$pid" ]; then
    echo "taking on-prem down: kill -9 $pid" >&2
    kill -9 "$pid"
elif [ -n "$kill_url" ]; then
    echo "taking on-prem down: POST $kill_url" >&2
    curl -s -o /dev/null -X POST --max-time 2 "$kill_url" || true
else
    echo "say how to take on-prem down: --container, --pid or --kill-url (see --help)" >&2
    exit 2
fi
. "$here/lib/failover_drill.sh"
exec "$(failover_drill_path)" probe --url "$probe_url" --until-site cloud --timeout "$timeout" "${json[@]}"
