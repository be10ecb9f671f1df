#!/usr/bin/env bash
# The proof that the cloud host's user data works: render terraform's template with local
# artifacts (file:// URLs instead of S3/SSM), run it as root inside a container whose PID 1 is
# a real systemd (Debian bookworm), with the host's Docker socket mounted, and check what an
# operator relies on: the unit is active, `systemctl status` shows failoverd's own status line,
# a webhook starts the cloud container, kill -9 and a wedged (SIGSTOPped) daemon are both
# restarted by systemd with state intact, 1,500 stalled TLS clients hold nothing back under the
# unit's limits, and the journal holds the structured fields.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
source scripts/tests/lib.sh

host=failoverd-proof-host-$$
cloud=failoverd-proof-cloud-$$
work=$(mktemp -d /tmp/failoverd-proof.XXXXXX)
source scripts/tests/systemd_host.sh  # after $host, $cloud and $work, which it reads
cleanup() {
    remove_host "$cloud"
    rm -rf "$work"
}
trap cleanup EXIT

prepare_host_artifacts
render_user_data || exit 1
boot_host

check "the rendered user data runs to completion as root" in_host bash /var/lib/cloud/user-data.sh
save_host_certificate
boot_reported_ok() { in_host cat /var/lib/cloud/boot-status | grep -qF "Z failoverd-proof ok: failoverd $(in_host dpkg-query -W -f '${Version}' failoverd) "; }
check "  ... and reported its outcome where the operator reads it (the host, ok, the version installed)" boot_reported_ok

property() { in_host systemctl show -P "$1" failoverd.service; }
check "systemctl is-active failoverd says active" test "$(in_host systemctl is-active failoverd.service)" = active
docker_proxy_ready() {  # active under its sandbox, and its socket for failoverd-docker only
    test "$(in_host systemctl is-active failoverd-docker-proxy.service)" = active &&
        test "$(in_host stat -c '%a %G' /run/failoverd-docker/docker.sock)" = "660 failoverd-docker"
}
check "the Docker socket proxy is active, its socket failoverd-docker's only (0660)" docker_proxy_ready
check "the unit is Type=notify with a 30 s watchdog" test "$(property Type) $(property WatchdogUSec)" = "notify 30s"
status_line() { in_host systemctl status --no-pager --lines=0 failoverd.service | sed -n 's/^ *Status: "\(.*\)"$/\1/p'; }
standby() { status_line | grep -c '^standby: cloud copy'; }
check "systemctl status shows failoverd's own status line (standby)" standby

firing=$(python3 scripts/lib/webhook_body.py --status firing --fingerprint proof0001)
check "a webhook over HTTPS (the host's self-signed cert) is accepted" api POST /failover "$firing"
cloud_running() { test "$(docker inspect -f '{{.State.Running}}' "$cloud" 2>/dev/null)" = true; }
check "the webhook started the cloud container on the host's dockerd" wait_for 30 cloud_running
check "the cloud copy answers /health on the API port, through the host's TLS gateway (client certificate shown)" \
    wait_for 30 copy_answers /health
no_certificate_refused() { ! curl -fsS --max-time 2 --cacert "$work/cert.pem" "https://127.0.0.1:$api_port/health"; }
check "  ... which refuses a client without an on-prem certificate" no_certificate_refused
plain_refused() { ! curl -fsS --max-time 2 "http://127.0.0.1:$api_port/health"; }
check "  ... and plain HTTP" plain_refused
failed_over() { status_line | grep -c '^failed over since .*OnPremDown firing'; }
check "the status line follows the change (failed over, why)" wait_for 10 failed_over
copy_failed_over() { in_host cat /var/lib/cloud/failoverd-state.json | json_holds '.failedOverSince != null and .paused == false'; }
check "failoverd-state-backup copied the state off the host as failoverd saved it (failed over)" wait_for 10 copy_failed_over

cli_status() { in_host failoverd status --config /etc/failoverd/failoverd.yml | grep -c '^failoverd: failed over since'; }
check "the operator's CLI on the host (failoverd status, as root) reads it over TLS" cli_status

journal_json() { in_host journalctl -u failoverd.service -o json --no-pager "$@"; }
starts_logged() {  # starts_logged COUNT: the journal holds COUNT start entries, the last naming the copy's container
    journal_json FAILOVER_ACTION=start | jq -s . | json_holds 'length == $count and (.[-1]
        | .CONTAINER_ID == $id and .PRIORITY == "5" and .SYSLOG_IDENTIFIER == "failoverd" and (.MESSAGE | startswith("cloud container started")))' \
        --argjson count "$1" --arg id "$(docker inspect -f '{{.Id}}' "$cloud")"
}
check "journalctl -u failoverd FAILOVER_ACTION=start finds the start, with CONTAINER_ID and PRIORITY" starts_logged 1
alert_logged() { journal_json ALERT_FINGERPRINT=proof0001 | grep -c '"DECISION_OUTCOME"'; }
check "journalctl ALERT_FINGERPRINT=... finds the alert's decision" alert_logged

process_metrics() {  # the process_* figures a hardened unit can still read, and the build info
    curl -fsS --max-time 5 --cacert "$work/cert.pem" -H "Authorization: Bearer $token" "https://127.0.0.1:$webhook_port/metrics" | awk -v now="$(date +%s)" '
        !/^#/ && NF { value[$1] = $NF }
        /^failoverd_build_info\{version=/ { build_info = 1 }
        END {
            age = now - value["process_start_time_seconds"]
            ok = value["process_max_fds"] == 8192 && value["process_resident_memory_bytes"] > 1e6 && value["process_open_fds"] >= 5 \
                && age > 0 && age < 600 && value["process_cpu_seconds_total"] > 0 && build_info
            if (!ok) for (name in value) if (name ~ /^process_/) print name, value[name]
            exit !ok
        }'
}
check "/metrics under the hardened unit (ProcSubset=pid): process_* read from /proc/self, max_fds = LimitNOFILE, build info" process_metrics
names_its_package() { in_host failoverd --version | grep -qF "failoverd $(in_host dpkg-query -W -f '${Version}' failoverd) "; }
check "failoverd --version on the host names the build the installed package says (dpkg -l)" names_its_package

reload_logged() { in_host journalctl -u failoverd.service --no-pager -o cat | grep -c '^configuration reloaded'; }
pid_before_reload=$(property MainPID)
check "systemctl reload returns once reloaded (failoverd reload waits for the outcome)" in_host systemctl reload failoverd.service
check "  ... the journal already says the configuration was reloaded" reload_logged
check "  ... by the same process, still active" test "$(property MainPID) $(in_host systemctl is-active failoverd.service)" = "$pid_before_reload active"
# -p: the copy keeps the file's group (failoverd-secrets), which failoverd reads it through.
in_host cp -p /etc/failoverd/failoverd.yml /etc/failoverd/failoverd.yml.good
in_host sed -i 's/^hold_down_seconds: .*/hold_down_seconds: soon/' /etc/failoverd/failoverd.yml
refused_reload() { ! in_host systemctl reload failoverd.service; }
check "a broken file: systemctl reload fails instead of pretending" refused_reload
reason_shown() { in_host systemctl status --no-pager failoverd.service | grep -q 'failoverd reload: refused, the running configuration stays: .*hold_down_seconds'; }
check "  ... systemctl status shows why (the key and the running configuration stays)" reason_shown
check "  ... and failoverd counts the refusal (FailoverdConfigReloadFailed's metric is 0)" \
    bash -c "curl -fsS --cacert '$work/cert.pem' -H 'Authorization: Bearer $token' https://127.0.0.1:$webhook_port/metrics | grep -Eqx 'failoverd_config_last_reload_successful 0(\.0)?'"
in_host mv /etc/failoverd/failoverd.yml.good /etc/failoverd/failoverd.yml
check "  ... the fixed file reloads again, the same process serving throughout" in_host systemctl reload failoverd.service
check "  ... (still the same process)" test "$(property MainPID)" = "$pid_before_reload"

main_pid() { property MainPID; }
restarted_from() { local pid; pid=$(main_pid); [ "$pid" != 0 ] && [ "$pid" != "$1" ] && test "$(in_host systemctl is-active failoverd.service)" = active; }
state_intact() {  # the firing alert and the same running container, as before the restart
    api GET /status | json_holds '[.firing_trigger_alerts[].fingerprint] == ["proof0001"] and .desired == "running"
        and .actual == "running" and .container_id == $id' --arg id "$(docker inspect -f '{{.Id}}' "$cloud")"
}

before=$(main_pid)
in_host systemctl kill --kill-whom=main --signal=SIGKILL failoverd.service
killed_at=$(millis)
check "kill -9: systemd restarts failoverd (Restart=on-failure)" wait_for 30 restarted_from "$before"
echo "       (kill -9 → active again: $(($(millis) - killed_at)) ms, RestartSec=2 included; not asserted)"
check "after the restart the firing alert and the running copy are still known" wait_for 15 state_intact
check "the restart did not start the copy a second time" starts_logged 1
check "systemd counts the restart" test "$(property NRestarts)" -ge 1

before=$(main_pid)
in_host systemctl kill --kill-whom=main --signal=SIGSTOP failoverd.service
stopped_at=$(millis)
echo "       (SIGSTOP: waiting up to 50 s for the 30 s watchdog)"
check "a wedged daemon (SIGSTOP) misses its watchdog pings and systemd restarts it" wait_for 50 restarted_from "$before"
echo "       (SIGSTOP → active again: $(($(millis) - stopped_at)) ms; not asserted)"
watchdog_logged() { in_host journalctl -u failoverd.service --no-pager | grep -c 'Watchdog timeout'; }
check "the journal says why: Watchdog timeout" watchdog_logged
check "state is intact after the watchdog restart too" wait_for 15 state_intact

exposure() { in_host systemd-analyze security failoverd.service --no-pager | sed -n 's/.*Overall exposure level for failoverd.service: \([0-9.]*\).*/\1/p'; }
score=$(exposure)
check "systemd-analyze security on the live unit (booted systemd): exposure ${score:-?} <= 2.0" \
    awk -v score="$score" 'BEGIN {exit !(score != "" && score + 0 <= 2.0)}'

health_now() { curl -fsS --max-time 2 --cacert "$work/cert.pem" "https://127.0.0.1:$webhook_port/health"; }
ready_means_serving() { in_host systemctl restart failoverd.service && health_now; }
check "READY=1 means serving: the port answers the moment systemctl restart returns" ready_means_serving
startup_ms=$(( ($(property ActiveEnterTimestampMonotonic) - $(property ExecMainStartTimestampMonotonic)) / 1000 ))
echo "       (exec → READY=1: ${startup_ms} ms, state restored and Docker probed; not asserted)"

# Slow clients under the unit's own limits (LimitNOFILE=8192, default request timeout 10 s): more
# than the 1,024 descriptors a unit gets by default, few enough that the TLS handshakes of the debug
# build (about 3 ms each here) leave every stalled connection open while /health and a webhook are timed.
python3 scripts/lib/webhook_body.py non-trigger-group >"$work/non-trigger.json"
stalled=$(python3 scripts/lib/stalled_clients.py --port "$webhook_port" --connections 1500 --token "$token" \
    --body "$work/non-trigger.json" --cafile "$work/cert.pem")
echo "       $stalled"
check "under the unit's limits, 1,500 stalled TLS clients hold back neither /health nor a webhook (answered before the 10 s request timeout)" \
    json_holds '.health_code == 200 and .webhook_code == 200 and .open_seconds + .health_seconds + .webhook_seconds < 10' <<<"$stalled"
check "  ... and the unit's failoverd closes every one of them itself" \
    json_holds '.closed_by_server == .stalled' <<<"$stalled"

in_host systemctl stop failoverd.service
check "systemctl stop ends cleanly (Result=success, no SIGKILL)" test "$(property Result)" = success
check "the cloud copy keeps running when failoverd stops" cloud_running

if [ "$failed" -gt 0 ]; then
    echo "       --- journal (last 40 lines) ---"
    in_host journalctl -u failoverd.service --no-pager -n 40 | sed 's/^/       /'
fi
finish
