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
# socket proxy) beside one with plain HTTP and dockerd's own socket, one after the other. With
# WAN_RUNS: the crash drill with failoverd's probe on loopback, across a WAN of 100 ms ± 20 ms
# with 1 % loss, and across one of 200 ms ± 40 ms with 1 % loss, one after the other. With
# REUSE_RUNS: that drill across the 100 ms WAN with the shipped haproxy.cfg (connections to the
# cloud copy kept alive) beside one with `option http-server-close` instead (a new connection,
# and TLS handshake, per request), one after the other.
#   scripts/bench/lab_series.sh [RUNS (5)] [REFERENCE_RUNS (2)] [FALSE_POSITIVE_RUNS (3)] [SWARM_RUNS (0)] [SUBSECOND_RUNS (0)]
#                               [NODES_RUNS (0)] [SECURE_RUNS (0)] [WAN_RUNS (0)] [REUSE_RUNS (0)]
# Run it under scripts/with_dockerd.sh unless a dockerd runs. Reports stay in lab-work/series-*/;
# SERIES=lab-work/series-... resumes a series, skipping the runs that have a report.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}; reference_runs=${2:-2}; false_positive_runs=${3:-3}; swarm_runs=${4:-0}; subsecond_runs=${5:-0}; nodes_runs=${6:-0}
secure_runs=${7:-0}; wan_runs=${8:-0}; reuse_runs=${9:-0}
series=${SERIES:-"lab-work/series-$(date -u +%Y%m%dT%H%M%SZ)"}
mkdir -p "$series"
drill() {  # drill NAME ARGS...: a run's verdict may fail (the reference timings miss the shipped bounds); its report may not
    local name=$1; shift
    [ -f "$series/$name/report.json" ] && return
    echo "[series] $name" >&2
    rm -rf "${series:?}/$name"  # an interrupted run's files: lab.sh refuses a folder that holds them
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
for n in $(seq 1 "$wan_runs"); do
    drill "loopback-$n" --probe
    drill "wan100-$n" --probe --wan 100,20,1
    drill "wan200-$n" --probe --wan 200,40,1
done
if [ "$reuse_runs" -gt 0 ]; then
    sed 's/^    http-request set-header Connection close if onprem_up$/    option http-server-close/' haproxy/haproxy.cfg >"$series/haproxy-server-close.cfg"
    grep -q '^    option http-server-close$' "$series/haproxy-server-close.cfg" || { echo "no keep-alive line to replace in haproxy.cfg" >&2; exit 1; }
    for n in $(seq 1 "$reuse_runs"); do
        drill "reuse-$n" --probe --wan 100,20,1
        drill "close-$n" --probe --wan 100,20,1 --haproxy-config "$series/haproxy-server-close.cfg"
    done
fi
python3 scripts/bench/series_table.py "$series"
