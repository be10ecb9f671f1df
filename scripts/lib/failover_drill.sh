# Source it: sets $failover_drill to the failover-drill binary (load generator and site probe):
# $FAILOVER_DRILL if set, else the one on PATH, else this checkout's debug build.
failover_drill="${FAILOVER_DRILL:-$(command -v failover-drill || echo "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.build/debug/failover-drill")}"
