# shellcheck shell=bash
# Shared helpers for the shell integration tests: a tiny pass/fail ledger and loopback ports.
# Source it; call `finish` last. Every check prints one line, the summary prints 'N passed, N failed'.
passed=0
failed=0
# The tests build with the version the Makefile stamps (scripts/version.sh); run alone, they stamp
# the same one, so a test's build never differs from make test's and forces a relink.
FAILOVER_KIT_VERSION="${FAILOVER_KIT_VERSION:-$("$(dirname "${BASH_SOURCE[0]}")/../version.sh")}"
export FAILOVER_KIT_VERSION

# check "what the user expects" command...: runs the command, records the outcome.
check() {
    local check_label=$1; shift
    if "$@" >/tmp/check.$$.out 2>&1; then
        passed=$((passed + 1)); echo "ok   - $check_label"
    else
        failed=$((failed + 1)); echo "FAIL - $check_label"; sed 's/^/       /' /tmp/check.$$.out | tail -20
    fi
    rm -f /tmp/check.$$.out
}

# fails command...: succeeds when the command fails (a check that something is refused).
fails() { ! "$@"; }

# A TCP port on 127.0.0.1 that nothing listens on right now, and that this script ($$, also in
# the $(...) it is called from) was not given before: a script takes its ports before it starts
# anything, and the kernel can hand the same free port out twice in a row (about once in 1,200
# sets of six here; a lab run whose cloud copy got Prometheus' port crash-looped in CI). The
# ports given are kept in /tmp/free-ports.<pid>; files of scripts that have ended are removed.
free_port() { python3 "${BASH_SOURCE[0]%/*}/../lib/free_port.py" "/tmp/free-ports.$$"; }

# wait_for SECONDS command...: retries every 0.1 s until the command succeeds or time runs out.
wait_for() {
    local deadline=$((SECONDS + $1)); shift
    until "$@" >/dev/null 2>&1; do
        [ "$SECONDS" -ge "$deadline" ] && return 1
        sleep 0.1
    done
}

# stop_pid PID...: stops processes this script started, by PID, and reaps them. Never fails, so
# an EXIT trap under `set -e` goes on to its other cleanup.
stop_pid() {
    local pid
    for pid in "$@"; do
        [ -n "$pid" ] || continue
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
}

# The failoverd debug binary the tests run, built first when missing.
failoverd_binary() {
    local binary
    binary="$(swift build --show-bin-path)/failoverd"
    [ -x "$binary" ] || swift build --product failoverd >/dev/null
    echo "$binary"
}

# page_has URL PATTERN [CURL-OPTION...]: whether a line of the page at URL matches the grep
# PATTERN. The page is read whole first: `curl | grep -q` under pipefail fails when grep stops at
# its match and curl cannot write the rest (curl: (23), seen in CI).
page_has() {
    local page
    page=$(curl -fsS --max-time 5 "${@:3}" "$1") && grep -q -- "$2" <<<"$page"
}

# json_holds FILTER [JQ-OPTION...]: whether the JSON on stdin makes the jq FILTER true; prints the
# JSON when it does not, so a failed check shows what was there.
json_holds() {
    local json
    json=$(cat)
    # No JSON at all is missing evidence, not a pass (jq -e exits 0 on empty input).
    [ -n "$json" ] || { echo "(no JSON to check)"; return 1; }
    jq -e "${@:2}" "$1" <<<"$json" >/dev/null || { head -c 2000 <<<"$json"; return 1; }
}

# Milliseconds since the epoch, for timing a step of a test.
millis() {
    echo $(($(date +%s%N) / 1000000))
}

# The time now as Alertmanager's API writes it (RFC 3339, UTC, milliseconds).
rfc3339_now() { date -u +%Y-%m-%dT%H:%M:%S.%3NZ; }

# median N...: the middle value (the upper one of an even count).
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# start_failoverd_serving PID-VARIABLE BINARY CONFIG LOG PORT [SECONDS]: starts `failoverd serve`,
# appending to LOG, its PID put in the variable named (for stop_pid), and waits until it answers
# /health on 127.0.0.1:PORT (20 s by default).
start_failoverd_serving() {
    "$2" serve --config "$3" >>"$4" 2>&1 &
    printf -v "$1" '%s' "$!"
    wait_for "${6:-20}" curl -fsS "http://127.0.0.1:$5/health"
}

# start_alertmanager_process PID-VARIABLE CONFIG PORT PREFIX [ARG...]: prometheus-alertmanager on
# 127.0.0.1:PORT (or on PORT when it is HOST:PORT), its storage in PREFIX-data, its log appended to
# PREFIX.log, its PID put in the variable named (am_pid, am_pids[0]). Without ARGs it runs alone:
# no cluster port is opened.
start_alertmanager_process() {
    local pid_variable=$1 config=$2 listen=$3 prefix=$4; shift 4
    [[ $listen == *:* ]] || listen=127.0.0.1:$listen
    [ $# -gt 0 ] || set -- --cluster.listen-address=
    prometheus-alertmanager --config.file="$config" --storage.path="$prefix-data" \
        --web.listen-address="$listen" "$@" >>"$prefix.log" 2>&1 &
    printf -v "$pid_variable" '%s' "$!"
}

# start_prometheus_process PID-VARIABLE CONFIG PORT PREFIX [ARG...]: prometheus on 127.0.0.1:PORT,
# its TSDB in PREFIX-data, its log appended to PREFIX.log, its PID put in the variable named.
start_prometheus_process() {
    local pid_variable=$1 config=$2 port=$3 prefix=$4; shift 4
    prometheus --config.file="$config" --storage.tsdb.path="$prefix-data" --web.listen-address="127.0.0.1:$port" "$@" \
        >>"$prefix.log" 2>&1 &
    printf -v "$pid_variable" '%s' "$!"
}

# post_webhook PORT TOKEN-FILE firing|resolved FINGERPRINT: posts an Alertmanager webhook with
# one alert to failoverd's /failover on 127.0.0.1:PORT; fails unless it answers 2xx.
post_webhook() {
    python3 "${BASH_SOURCE[0]%/*}/../lib/webhook_body.py" --status "$3" --fingerprint "$4" |
        curl -fsS -o /dev/null -X POST -H "Authorization: Bearer $(cat "$2")" -H 'Content-Type: application/json' \
            --data-binary @- "http://127.0.0.1:$1/failover"
}

# failoverd_status PORT TOKEN-FILE: failoverd's /status on 127.0.0.1:PORT, with the token.
failoverd_status() {
    curl -fsS -H "Authorization: Bearer $(cat "$2")" "http://127.0.0.1:$1/status"
}

# post_alert_to_alertmanager PORT LABELS-JSON STARTS-AT [ENDS-AT]: posts one alert to the
# Alertmanager on 127.0.0.1:PORT through its API v2; firing for an hour unless ENDS-AT is given.
post_alert_to_alertmanager() {
    local ends=${4:-$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)}
    curl -fsS -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$1/api/v2/alerts" \
        -d "[{\"labels\": $2, \"startsAt\": \"$3\", \"endsAt\": \"$ends\"}]"
}

finish() {
    rm -f "/tmp/free-ports.$$"
    echo "$(basename "$0"): $passed passed, $failed failed"
    # A suite that checked nothing (it stopped early, or its checks were skipped) proves nothing.
    [ $((passed + failed)) -gt 0 ] || { echo "$(basename "$0"): FAIL - no check ran"; return 1; }
    [ "$failed" -eq 0 ]
}

# new_token FILE: a random webhook token in FILE, readable by its owner only (failoverd refuses a
# token file other users can read).
new_token() {
    (umask 077 && head -c 32 /dev/urandom | base64 | tr -d '\n' >"$1")
}

# python_venv NAME PACKAGE==VERSION: prints the bin directory of .cache/venv-NAME, a venv with the
# pinned package, creating it once (tools that conflict with each other get a venv each).
python_venv() {
    local dir=.cache/venv-$1
    if [ ! -x "$dir/bin/python" ] || ! "$dir/bin/pip" show -q "${2%%[[=]*}" >/dev/null 2>&1; then
        python3 -m venv "$dir" && "$dir/bin/pip" install -q --disable-pip-version-check "$2" >&2 || return 1
    fi
    echo "$dir/bin"
}

# loopback_alertmanager_config FAILOVERD_URL TOKEN_FILE CA_FILE: the shipped
# prometheus/alertmanager.yml with failoverd's receiver at FAILOVERD_URL, its token and CA files
# where given, and the people's receivers at a discard port on loopback, so nothing leaves the machine.
loopback_alertmanager_config() {
    sed -e "s|https://failover.example.invalid:9095/failover|$1|" \
        -e "s|/etc/alertmanager/failoverd-token|$2|" -e "s|/etc/alertmanager/failoverd-ca.pem|$3|" \
        -e "s|https://[a-z.]*example.invalid/[a-z]*|http://127.0.0.1:9/discard|" prometheus/alertmanager.yml
}

# immediate_alertmanager_config FAILOVERD_PORT TOKEN_FILE GROUP_BY: an Alertmanager that sends
# every group to failoverd on loopback at once (no group wait), with its bearer token.
immediate_alertmanager_config() {
    cat <<YAML
route:
  receiver: failoverd
  group_by: $3
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1m
receivers:
  - name: failoverd
    webhook_configs:
      - url: http://127.0.0.1:$1/failover
        send_resolved: true
        http_config:
          authorization: {type: Bearer, credentials_file: $2}
YAML
}

# throwaway_ca_file OUT: a self-signed certificate nobody uses, for configs that pin failoverd's
# certificate (Prometheus drops a job whose CA file is missing, even for plain-HTTP targets).
throwaway_ca_file() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=unused \
        -keyout /dev/null -out "$1" 2>/dev/null
}

# unmount_under DIR: unmounts whatever is mounted below DIR; a private dockerd leaves its network
# namespace handle (nsfs) mounted under its exec root, which would keep DIR from being removed.
unmount_under() {
    awk -v root="$1/" 'index($2, root) == 1 {print $2}' /proc/mounts | xargs -r umount 2>/dev/null || true
}

# start_private_dockerd DIR [ARG...] / stop_private_dockerd: a dockerd of the test's own under
# DIR (socket DIR/docker.sock, data, exec root and log beside it), so what a test does to its
# engine (stop it, join it to a swarm) touches no other test. Its PID is in $dockerd_pid. ARGs go
# to dockerd (e.g. --live-restore).
export private_dockerd_dir=""  # exported: a test's exported functions call private_docker in subshells
start_private_dockerd() {
    private_dockerd_dir=$1; shift
    dockerd --bridge=none --iptables=false --ip6tables=false --host "unix://$private_dockerd_dir/docker.sock" \
        --data-root "$private_dockerd_dir/docker-data" --exec-root "$private_dockerd_dir/docker-exec" \
        --pidfile "$private_dockerd_dir/docker.pid" "$@" >>"$private_dockerd_dir/dockerd.log" 2>&1 &
    dockerd_pid=$!
    wait_for 30 private_docker info
}
stop_private_dockerd() {
    stop_pid "$dockerd_pid"
    dockerd_pid=""
}
# private_docker ARGS...: the docker CLI on the test's own dockerd.
private_docker() { docker -H "unix://$private_dockerd_dir/docker.sock" "$@"; }

# tls_identities DIR [ADDRESS]: what TLS between the sites needs, made for a test: the cloud host's
# identity (server.pem, and gateway.pem with its key, for 127.0.0.1 and ADDRESS), the on-prem
# clients' CA (client-ca.pem) and a client certificate it signed (client.pem, key and
# certificate, as HAProxy's crt takes it), and an impostor's identity for 127.0.0.1 nobody pinned
# (impostor.pem, with its key).
tls_identities() {
    local dir=$1 ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes) names=IP:127.0.0.1
    [ -n "${2:-}" ] && names+=",IP:$2"
    mkdir -p "$dir"
    openssl req -x509 "${ec[@]}" -days 2 -subj /CN=failoverd -addext "subjectAltName=$names" \
        -keyout "$dir/server.key" -out "$dir/server.pem" 2>/dev/null &&
        cat "$dir/server.key" "$dir/server.pem" >"$dir/gateway.pem" &&
        openssl req -x509 "${ec[@]}" -days 2 -subj "/CN=on-prem clients" -keyout "$dir/client-ca.key" -out "$dir/client-ca.pem" 2>/dev/null &&
        openssl req "${ec[@]}" -subj /CN=haproxy -keyout "$dir/client.key" -out "$dir/client.csr" 2>/dev/null &&
        openssl x509 -req -in "$dir/client.csr" -CA "$dir/client-ca.pem" -CAkey "$dir/client-ca.key" -CAcreateserial -days 2 \
            -out "$dir/client.crt" 2>/dev/null &&
        cat "$dir/client.key" "$dir/client.crt" >"$dir/client.pem" &&
        openssl req -x509 "${ec[@]}" -days 2 -subj /CN=impostor -addext subjectAltName=IP:127.0.0.1 \
            -keyout "$dir/impostor.key" -out "$dir/impostor.crt" 2>/dev/null &&
        cat "$dir/impostor.key" "$dir/impostor.crt" >"$dir/impostor.pem"
}

# start_cloud_gateway PID-VARIABLE BIND COPY-ADDR DIR [CERT]: the shipped cloud gateway
# (haproxy/cloud-gateway.cfg) on BIND in front of the copy at COPY-ADDR, with DIR's identities
# (tls_identities; CERT instead of DIR/gateway.pem), its log appended to DIR/gateway.log. In the
# lab, on the cloud host: through its declared LAB_CLOUD_HOST_RUN (the namespace across --wan).
start_cloud_gateway() {
    ${LAB_CLOUD_HOST_RUN:-} env GATEWAY_BIND="$2" COPY_ADDR="$3" GATEWAY_CERT="${5:-$4/gateway.pem}" GATEWAY_CLIENT_CA="$4/client-ca.pem" \
        haproxy -db -f "${BASH_SOURCE[0]%/*}/../../haproxy/cloud-gateway.cfg" >>"$4/gateway.log" 2>&1 &
    printf -v "$1" '%s' "$!"
}
