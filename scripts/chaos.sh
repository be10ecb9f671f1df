#!/usr/bin/env bash
# The failure-mode matrix: runs every lab scenario (scripts/lab.sh --scenario NAME, each with its
# own fresh set of real components) and writes matrix.md and matrix.json, one row per scenario:
# pass or fail, the figures the components recorded, and the expectations not met. Each
# scenario's report, timeline.svg and logs stay in its own folder. Exits 1 if any scenario failed.
#
#   scripts/chaos.sh [--work DIR] [--down-seconds N (20)] [--hold-down N (10)] [--wan RTT,JITTER,LOSS]
#                    [--wan-scenarios "NAME..."] [SCENARIO...]
#
# --wan adds the matrix's WAN column: the --wan-scenarios (crash, hang, partition, lost-scrapes,
# alertmanager-ha, and the WAN's own faults: wan-partition, jitter-storm, lossy-wan) run again
# with the sites across the lab's WAN (scripts/lab.sh --wan) and failoverd probing on-prem across
# it (--probe: the setup the WAN's timings are for, and the one a WAN can fool), each in
# DIR/wan/NAME. The WAN's own faults run only there; jitter-storm and lossy-wan take ten minutes each.
# make chaos runs it under scripts/with_dockerd.sh; the tests run it with short outages.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
. scripts/lib/usage.sh
work=""; lab_args=(); scenarios=(); wan=""
wan_scenarios=(crash hang partition lost-scrapes alertmanager-ha wan-partition jitter-storm lossy-wan)
while [ $# -gt 0 ]; do
    case "$1" in
        --work) work=$2; shift 2 ;;
        --down-seconds|--hold-down) lab_args+=("$1" "$2"); shift 2 ;;
        --wan) wan=$2; shift 2 ;;
        --wan-scenarios) read -ra wan_scenarios <<<"$2"; shift 2 ;;
        -h|--help) print_usage "$0"; exit 0 ;;
        -*) echo "unknown argument: $1" >&2; exit 2 ;;
        *) scenarios+=("$1"); shift ;;
    esac
done
[ ${#scenarios[@]} -gt 0 ] || mapfile -t scenarios < <(python3 scripts/lib/chaos_verdict.py --list-names)
[ -n "$wan" ] || wan_scenarios=()
work=${work:-"lab-work/$(date -u +%Y%m%dT%H%M%SZ)-chaos"}
mkdir -p "$work/wan"
started=$(date +%s)
echo "[chaos] building failoverd, failover-drill and the onprem-api image"
{ swift build --product failoverd && swift build --product failover-drill && scripts/build_image.sh; } >"$work/build.log" 2>&1 \
    || { tail -20 "$work/build.log"; exit 1; }
run_scenario() {  # run_scenario DIR NAME [LAB-ARGS...]
    local dir=$1 name=$2; shift 2
    scripts/lab.sh --scenario "$name" --no-build --work "$dir/$name" "${lab_args[@]}" "$@" >"$dir/$name.out" 2>&1
    grep -E '^  NOT MET|^scenario ' "$dir/$name.out" | sed 's/^/    /'
    [ -f "$dir/$name/verdict.json" ] || tail -5 "$dir/$name.out" | sed 's/^/    /'
}
for name in "${scenarios[@]}"; do
    echo "[chaos $(($(date +%s) - started))s] $name"
    run_scenario "$work" "$name"
done
for name in "${wan_scenarios[@]}"; do
    echo "[chaos $(($(date +%s) - started))s] $name across the WAN ($wan)"
    run_scenario "$work/wan" "$name" --wan "$wan" --probe
done
python3 scripts/lib/chaos_matrix.py "$work" "${scenarios[@]}" ${wan:+--wan "$wan" "${wan_scenarios[@]}"}
