#!/usr/bin/env bash
# The failure-mode matrix: runs every lab scenario (scripts/lab.sh --scenario NAME, each with its
# own fresh set of real components) and writes matrix.md and matrix.json, one row per scenario:
# pass or fail, the figures the components recorded, and the expectations not met. Each
# scenario's report, timeline.svg and logs stay in its own folder. Exits 1 if any scenario failed.
#
#   scripts/chaos.sh [--work DIR] [--down-seconds N (20)] [--hold-down N (10)] [SCENARIO...]
#
# make chaos runs it under scripts/with_dockerd.sh; the tests run it with short outages.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
work=""; lab_args=(); scenarios=()
while [ $# -gt 0 ]; do
    case "$1" in
        --work) work=$2; shift 2 ;;
        --down-seconds|--hold-down) lab_args+=("$1" "$2"); shift 2 ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        -*) echo "unknown argument: $1" >&2; exit 2 ;;
        *) scenarios+=("$1"); shift ;;
    esac
done
[ ${#scenarios[@]} -gt 0 ] || mapfile -t scenarios < <(python3 scripts/lib/chaos_verdict.py --list | grep -v '^ ' | cut -d: -f1)
work=${work:-"lab-work/$(date -u +%Y%m%dT%H%M%SZ)-chaos"}
mkdir -p "$work"
started=$(date +%s)
echo "[chaos] building failoverd, failover-drill and the onprem-api image"
{ swift build --product failoverd && swift build --product failover-drill && scripts/build_image.sh; } >"$work/build.log" 2>&1 \
    || { tail -20 "$work/build.log"; exit 1; }
for name in "${scenarios[@]}"; do
    echo "[chaos $(($(date +%s) - started))s] $name"
    scripts/lab.sh --scenario "$name" --no-build --work "$work/$name" "${lab_args[@]}" >"$work/$name.out" 2>&1
    grep -E '^  NOT MET|^scenario ' "$work/$name.out" | sed 's/^/    /'
    [ -f "$work/$name/verdict.json" ] || tail -5 "$work/$name.out" | sed 's/^/    /'
done
python3 scripts/lib/chaos_matrix.py "$work" "${scenarios[@]}"
