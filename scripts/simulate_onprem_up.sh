#!/usr/bin/env bash
# Brings the on-prem API back, then probes through HAProxy until on-prem serves again, reporting
# how long that took and how many probes failed (a clean failback has none: --max-failures 0 is
# the default). Exit 1 if on-prem does not serve in time or any probe failed.
#
# How to bring it back (first that is set wins):
#   --container NAME   (env ONPREM_CONTAINER)  docker start the on-prem container
#   --start-cmd CMD    (env ONPREM_START_CMD)  run CMD in the background (e.g. a process)
# Probe: --probe-url URL (env PROBE_URL, default http://127.0.0.1:8000/), --timeout S (env
# TIMEOUT, default 60), --max-failures N (default 0), --json for a JSON summary on stdout.
# Probes with `failover-drill probe` ($FAILOVER_DRILL, else on PATH, else .build/debug).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/lib/usage.sh
. "$here/lib/usage.sh"
container="${ONPREM_CONTAINER:-}"; start_cmd="${ONPREM_START_CMD:-}"
probe_url="${PROBE_URL:-http://127.0.0.1:8000/}"; timeout="${TIMEOUT:-60}"; max_failures=0; json=()
while [ $# -gt 0 ]; do
    case "$1" in
        --container) container=$2; shift 2 ;;
        --start-cmd) start_cmd=$2; shift 2 ;;
        --probe-url) probe_url=$2; shift 2 ;;
        --timeout) timeout=$2; shift 2 ;;
        --max-failures) max_failures=$2; shift 2 ;;
        --json) json=(--json); shift ;;
        -h|--help) print_usage "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done

if [ -n "$container" ]; then
    echo "bringing on-prem back: docker start $container" >&2
    docker start "$container" >/dev/null
elif [ -n "$start_cmd" ]; then
    echo "bringing on-prem back: $start_cmd" >&2
    bash -c "$start_cmd" >/dev/null 2>&1 &
else
    echo "say how to bring on-prem back: --container or --start-cmd (see --help)" >&2
    exit 2
fi
. "$here/lib/failover_drill.sh"
exec "$(failover_drill_path)" probe --url "$probe_url" --until-site onprem --timeout "$timeout" \
    --max-failures "$max_failures" "${json[@]}"
