# shellcheck shell=bash
# Source it: failover_drill_path prints the failover-drill binary (load generator and site probe):
# $FAILOVER_DRILL if set, else the one on PATH, else this checkout's debug build.
failover_drill_checkout="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
failover_drill_path() {
    echo "${FAILOVER_DRILL:-$(command -v failover-drill || echo "$failover_drill_checkout/.build/debug/failover-drill")}"
}
