#!/usr/bin/env bash
# failoverd with Alertmanager's API v2 configured, against real Alertmanager processes (one, a
# clustered pair, one behind TLS and basic auth) and the real dockerd, on loopback. The
# receivers use send_resolved: false, so a resolve can only reach failoverd through the API.
# Covers: a resolve that is never sent; a resolve while failoverd is down; Alertmanager restarted
# with empty storage while on-prem is still down (no false stop) and after it recovered (bounded
# stop); a firing found through the API alone; one peer of a pair gone (no false stop, one
# start and one stop). Every process is stopped by its PID.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. scripts/tests/lib.sh

failoverd_bin=$(failoverd_binary)
work=$(mktemp -d /tmp/failoverd-amapi.XXXXXX)
container="cloud-amapi-$$"
failoverd_port=$(free_port); cloud_port=$(free_port)
hold_down=3; interval=1; warmup=4
failoverd_pid=""
declare -A am_pid am_port

cleanup() {
    stop_pid "$failoverd_pid" "${am_pid[@]}"
    docker rm -f "$container" >/dev/null 2>&1
    if [ "$failed" -gt 0 ]; then
        echo "--- failoverd log (tail)"; tail -25 "$work/failoverd.log"
    fi
    rm -rf "$work" 2>/dev/null || true
}
trap cleanup EXIT

new_token "$work/token"
state_of() { docker inspect -f '{{.State.Status}}' "$container" 2>/dev/null; }
is_state() { [ "$(state_of)" = "$1" ]; }
metric() { curl -fsS -H "Authorization: Bearer $(cat "$work/token")" "http://127.0.0.1:$failoverd_port/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
starts() { metric 'failoverd_actions_total{action="start",result="success"}' | grep . || echo 0; }
stops() { metric 'failoverd_actions_total{action="stop",result="success"}' | grep . || echo 0; }
iso() { date -u -d "${1:-now}" +%Y-%m-%dT%H:%M:%S.%3NZ; }

# start_am NAME [extra flags...]: an Alertmanager whose only receiver is failoverd, send_resolved: false.
start_am() {
    local name=$1; shift
    am_port[$name]=${am_port[$name]:-$(free_port)}
    cat >"$work/am-$name.yml" <<YAML
route: {receiver: failoverd, group_by: [alertname], group_wait: 0s, group_interval: 1s, repeat_interval: 1h}
receivers:
  - name: failoverd
    webhook_configs:
      - url: http://127.0.0.1:$failoverd_port/failover
        send_resolved: false
        http_config: {authorization: {type: Bearer, credentials_file: $work/token}}
YAML
    start_alertmanager_process "am_pid[$name]" "$work/am-$name.yml" "${am_port[$name]}" "$work/am-$name" "$@"
}
am_ready() { curl -fsSk "$(am_url "$1")/-/ready"; }
am_url() { echo "${am_scheme:-http}://127.0.0.1:${am_port[$1]}"; }
# restart_am_empty NAME: stops it and starts it again on the same port with empty storage.
restart_am_empty() {
    stop_pid "${am_pid[$1]}"
    rm -rf "$work/am-$1-data"
    start_am "$1" --cluster.listen-address=
    wait_for 20 am_ready "$1"
}
# post NAME firing|resolved STARTS_AT: what Prometheus sends, to one Alertmanager.
post() {
    local ends; ends=$(iso '+1 hour'); [ "$2" = resolved ] && ends=$(iso)
    curl -fsSk -X POST -H 'Content-Type: application/json' ${am_auth:+-u "$am_auth"} "$(am_url "$1")/api/v2/alerts" \
        -d '[{"labels":{"alertname":"OnPremDown","site":"dc1"},"startsAt":"'"$3"'","endsAt":"'"$ends"'"}]'
}
# start_failoverd URL...: failoverd asking these Alertmanagers, plus extra YAML in $failoverd_extra.
start_failoverd() {
    local urls; urls=$(printf '"%s",' "$@"); urls="[${urls%,}]"
    cat >"$work/failoverd.yml" <<YAML
listen: {host: 127.0.0.1, port: $failoverd_port}
auth: {token_file: $work/token}
hold_down_seconds: $hold_down
stop_budget: {max_stops: 50}  # this test stops the copy once per scenario
state_directory: $work/state
alertmanager:
  urls: $urls
  interval_seconds: $interval
  warmup_seconds: $warmup
${failoverd_extra:-}
container:
  name: $container
  image: onprem-api:latest
  env: [SITE=cloud, PORT=$cloud_port, SHUTDOWN_DRAIN_SECONDS=0]
  network_mode: host
  stop_timeout_seconds: 2
YAML
    "$failoverd_bin" serve --config "$work/failoverd.yml" >>"$work/failoverd.log" 2>&1 &
    failoverd_pid=$!
    wait_for 20 curl -fsS "http://127.0.0.1:$failoverd_port/health"
}
# stays NAME STATE SECONDS: the container is in STATE at every sample for SECONDS.
stays() {
    local deadline=$((SECONDS + $2))
    while [ "$SECONDS" -lt "$deadline" ]; do is_state "$1" || { echo "was $(state_of)"; return 1; }; sleep 0.2; done
}
report_ms() { echo "       $1: $(($(millis) - $2)) ms"; }

# --- one Alertmanager, send_resolved: false
start_am single --cluster.listen-address=
check "Alertmanager starts on loopback" wait_for 20 am_ready single
check "failoverd starts with the Alertmanager API configured" start_failoverd "$(am_url single)"
episode=$(iso)
post single firing "$episode" >/dev/null
check "a firing alert reaches failoverd by webhook and the cloud copy runs" wait_for 20 is_state running
sleep "$warmup"  # let the peer's uptime pass the warm-up, as a long-running Alertmanager's has
resolved_ms=$(millis)
post single resolved "$episode" >/dev/null
check "a resolve that is never sent (send_resolved: false) still stops the cloud copy" wait_for 20 is_state exited
report_ms "resolved in Alertmanager → cloud copy stopped (interval ${interval} s + hold-down ${hold_down} s)" "$resolved_ms"
check "the correction is counted" test "$(metric 'failoverd_alertmanager_corrections_total{kind="resolved"}')" -ge 1

# --- failoverd down while the alert resolves
episode=$(iso)
post single firing "$episode" >/dev/null
check "a new episode runs the cloud copy" wait_for 20 is_state running
stop_pid "$failoverd_pid"; failoverd_pid=""
post single resolved "$episode" >/dev/null
restarted_ms=$(millis)
check "failoverd restarts after the resolve it missed" start_failoverd "$(am_url single)"
check "at startup it learns the alert resolved and stops the cloud copy after the hold-down" wait_for 20 is_state exited
report_ms "failoverd restarted → cloud copy stopped" "$restarted_ms"

# --- Alertmanager restarted with empty storage while on-prem is still down
episode=$(iso)
post single firing "$episode" >/dev/null
check "another episode runs the cloud copy" wait_for 20 is_state running
restart_am_empty single
(sleep 2; post single firing "$episode" >/dev/null) &  # Prometheus re-sends the firing alert
check "a restarted, empty Alertmanager does not stop the cloud copy while on-prem is down" stays running $((warmup + interval + hold_down + 2))

# --- ... and one restarted after on-prem recovered: nobody re-sends the alert
restart_ms=$(millis)
restart_am_empty single
check "an Alertmanager that lost a resolved alert stops the cloud copy only after warm-up + hold-down" wait_for 30 is_state exited
elapsed=$(($(millis) - restart_ms))
echo "       empty Alertmanager restarted → cloud copy stopped: $elapsed ms (warm-up ${warmup} s + interval ${interval} s + hold-down ${hold_down} s)"
check "  ... not before warm-up + hold-down" test "$elapsed" -ge $(((warmup + hold_down) * 1000 - 500))
stop_pid "$failoverd_pid" "${am_pid[single]}"; failoverd_pid=""; unset 'am_pid[single]'

# --- TLS and basic auth; a firing found through the API alone (the webhook goes nowhere)
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=alertmanager -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$work/am.key" -out "$work/am.crt" >/dev/null 2>&1
hash=$(python3 -W ignore -c 'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH)))' secret-pw)
printf 'secret-pw\n' >"$work/am-password"
cat >"$work/am-web.yml" <<YAML
tls_server_config: {cert_file: $work/am.crt, key_file: $work/am.key}
basic_auth_users: {failoverd: '$hash'}
YAML
start_am secure --cluster.listen-address= --web.config.file="$work/am-web.yml"
am_scheme=https am_auth=failoverd:secret-pw
check "Alertmanager serves HTTPS with basic auth" wait_for 20 curl -fsS --cacert "$work/am.crt" -u failoverd:secret-pw "$(am_url secure)/-/ready"
failoverd_extra="  basic_auth: {username: failoverd, password_file: $work/am-password}
  tls_config: {ca_file: $work/am.crt}"
sed -i "s#url: http://127.0.0.1:$failoverd_port/failover#url: http://127.0.0.1:1/nowhere#" "$work/am-secure.yml"
check "failoverd starts against it" start_failoverd "$(am_url secure)"
found_ms=$(millis)
episode=$(iso)
post secure firing "$episode" >/dev/null
check "a firing alert whose webhook never arrives is found through the API (TLS, basic auth)" wait_for 20 is_state running
report_ms "alert posted → cloud copy running through the API alone" "$found_ms"
sleep "$warmup"
post secure resolved "$episode" >/dev/null
check "  ... and its resolve stops the cloud copy" wait_for 20 is_state exited
stop_pid "$failoverd_pid" "${am_pid[secure]}"; failoverd_pid=""; unset 'am_pid[secure]'; am_scheme=""; am_auth=""; failoverd_extra=""

# --- a clustered pair; one peer goes away
cluster_a=$(free_port); cluster_b=$(free_port)
start_am a --cluster.listen-address="127.0.0.1:$cluster_a" --cluster.advertise-address="127.0.0.1:$cluster_a" --cluster.peer="127.0.0.1:$cluster_b"
start_am b --cluster.listen-address="127.0.0.1:$cluster_b" --cluster.advertise-address="127.0.0.1:$cluster_b" --cluster.peer="127.0.0.1:$cluster_a"
pair_ready() { am_ready a && am_ready b; }
check "two clustered Alertmanagers start" wait_for 30 pair_ready
check "failoverd starts with both peers" start_failoverd "$(am_url a)" "$(am_url b)"
starts_before=$(starts); stops_before=$(stops)
episode=$(iso)
post a firing "$episode" >/dev/null; post b firing "$episode" >/dev/null
check "the pair's firing runs the cloud copy" wait_for 20 is_state running
sleep "$warmup"
stop_pid "${am_pid[a]}"; unset 'am_pid[a]'
check "with one peer gone, the other's answer keeps the cloud copy running" stays running $((interval + hold_down + 2))
post b resolved "$episode" >/dev/null
check "the remaining peer's view stops it after the hold-down" wait_for 20 is_state exited
check "exactly one start and one stop for the outage" test "$(($(starts) - starts_before)):$(($(stops) - stops_before))" = 1:1
check "the gone peer is counted as failing" test "$(metric "failoverd_alertmanager_requests_total{peer=\"$(am_url a)\",result=\"failed\"}")" -ge 1

# --- the test alert of the deploy steps (docs/deploy.md, step 6) through the shipped alertmanager.yml, whose failoverd
# route sends resolves (send_resolved: true): its two amtool commands, only the URL changed.
stop_pid "$failoverd_pid" "${am_pid[b]}"
throwaway_ca_file "$work/unused-ca.pem"
loopback_alertmanager_config "http://127.0.0.1:$failoverd_port/failover" "$work/token" "$work/unused-ca.pem" >"$work/am-shipped.yml"
am_port[shipped]=$(free_port)
start_alertmanager_process "am_pid[shipped]" "$work/am-shipped.yml" "${am_port[shipped]}" "$work/am-shipped"
check "Alertmanager starts with the shipped alertmanager.yml" wait_for 20 am_ready shipped
check "failoverd starts against it" start_failoverd "$(am_url shipped)"
readme_amtool() {  # readme_amtool 1|2: the deploy steps' fire (1) or resolve (2) command, at this Alertmanager
    bash -c "$(python3 scripts/lib/readme_snippets.py test-alert | sed -n "$1p" | sed "s|http://127.0.0.1:9093|$(am_url shipped)|")"
}
starts_before=$(starts); stops_before=$(stops)
check "Deploy step 6: its amtool alert add is accepted" readme_amtool 1
check "  ... and fails the cloud copy over" wait_for 20 is_state running
check "  ... failoverd status says failed over, because of OnPremDown" \
    bash -c "'$failoverd_bin' status --config '$work/failoverd.yml' | grep -q '^failoverd: failed over since .*OnPremDown'"
check "the deploy steps' resolving amtool command is accepted" readme_amtool 2
check "  ... and the copy stops after the hold-down" wait_for 20 is_state exited
check "  ... exactly one start and one stop" test "$(($(starts) - starts_before)):$(($(stops) - stops_before))" = 1:1

finish
