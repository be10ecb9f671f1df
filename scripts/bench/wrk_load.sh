# shellcheck shell=bash
# What the webhook benchmarks share: wrk runs that POST Alertmanager bodies, and how they read
# figures. Sourced by scripts/bench/webhook_throughput.sh and scripts/bench/webhook_peer.sh.

# rss_mib PID: the process's resident memory in MiB.
rss_mib() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
# to_ms 1.23ms|456.7us|1.2s
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }
# wrk_load URL BODY_FILES TOKEN OUT [WRK-ARG...]: wrk -t2 -c50 POSTing the bodies (in turn) with
# the bearer token, its output in OUT; prints "requests/s p50 p99 non2xx requests".
wrk_load() {
    local url=$1 bodies=$2 token=$3 out=$4; shift 4
    BODY_FILES="$bodies" TOKEN="$token" wrk -t2 -c50 --latency -s scripts/bench/post_body.lua "$@" "$url" >"$out" 2>&1
    awk '
        /Requests\/sec/ {rps = $2}
        /^ +50%/ {p50 = $2} /^ +99%/ {p99 = $2}
        /Non-2xx/ {bad = $NF}
        /requests in/ {total = $1}
        END {printf "%s %s %s %d %d\n", rps, p50, p99, bad, total}' "$out"
}
