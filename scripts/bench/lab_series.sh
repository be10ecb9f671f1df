#!/usr/bin/env bash
# Runs the lab drill several times and prints each figure's median and range, shipped timings
# beside the reference setup's, with their ratio, plus the false-positive (lost-scrapes) scenario,
# and, with SWARM_RUNS, the same drill with a Swarm service as the cloud target beside the container.
# With SUBSECOND_RUNS: the crash and the hang with failoverd's probe (shipped probe timings and
# haproxy.cfg) beside today's configuration (no probe, the haproxy.cfg of TODAY_REF, default
# b493c6c, the last commit before the sub-second changes), one after the other, plus the lost
# probe path (the probe's false positive). With NODES_RUNS: the Swarm target on one node beside
# three nodes (--nodes 3, one replica each), one after the other. With SECURE_RUNS: what the safe
# path costs, the shipped drill (TLS to the cloud host's gateway, failoverd through the Docker
# socket proxy) beside one with plain HTTP and dockerd's own socket, one after the other.
#   scripts/bench/lab_series.sh [RUNS (5)] [REFERENCE_RUNS (2)] [FALSE_POSITIVE_RUNS (3)] [SWARM_RUNS (0)] [SUBSECOND_RUNS (0)]
#                               [NODES_RUNS (0)] [SECURE_RUNS (0)]
# Run it under scripts/with_dockerd.sh unless a dockerd runs. Reports stay in lab-work/series-*/;
# SERIES=lab-work/series-... resumes a series, skipping the runs that have a report.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}; reference_runs=${2:-2}; false_positive_runs=${3:-3}; swarm_runs=${4:-0}; subsecond_runs=${5:-0}; nodes_runs=${6:-0}
secure_runs=${7:-0}
series=${SERIES:-"lab-work/series-$(date -u +%Y%m%dT%H%M%SZ)"}
mkdir -p "$series"
drill() {  # drill NAME ARGS...: a run's verdict may fail (the reference timings miss the shipped bounds); its report may not
    local name=$1; shift
    [ -f "$series/$name/report.json" ] && return
    echo "[series] $name" >&2
    scripts/lab.sh --work "$series/$name" "$@" >"$series/$name.out" 2>&1 || [ -f "$series/$name/report.json" ] \
        || { tail -5 "$series/$name.out" >&2; exit 1; }
}
for n in $(seq 1 "$runs"); do drill "fast-$n"; done
for n in $(seq 1 "$reference_runs"); do drill "reference-$n" --profile reference; done
for n in $(seq 1 "$false_positive_runs"); do drill "false-positive-$n" --scenario lost-scrapes; done
for n in $(seq 1 "$swarm_runs"); do drill "swarm-$n" --target swarm; done
if [ "$subsecond_runs" -gt 0 ]; then
    git show "${TODAY_REF:-b493c6c}:haproxy/haproxy.cfg" >"$series/haproxy-today.cfg"
    for n in $(seq 1 "$subsecond_runs"); do
        for scenario in crash hang; do
            drill "probe-$scenario-$n" --scenario "$scenario" --probe
            drill "today-$scenario-$n" --scenario "$scenario" --haproxy-config "$series/haproxy-today.cfg" --plain-http
        done
        drill "probe-false-positive-$n" --scenario lost-probe-path
    done
fi
for n in $(seq 1 "$nodes_runs"); do
    drill "swarm-$n" --target swarm
    drill "nodes3-$n" --target swarm --nodes 3
done
for n in $(seq 1 "$secure_runs"); do
    drill "secure-$n"
    drill "open-$n" --plain-http --direct-docker
done
python3 scripts/bench/series_table.py "$series"
