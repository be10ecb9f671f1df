#!/usr/bin/env bash
# The whole-site profile (terraform: control_plane = true), proven the way the base user data is:
# rendered with local artifacts and run as root under a booted systemd. It must leave HAProxy,
# Prometheus, Alertmanager and failoverd active, and close the loop on the cloud host alone: when
# on-prem's API stops answering the host (as when the whole site is lost), the host's Prometheus
# fires OnPremDown, its Alertmanager calls failoverd over TLS on loopback, failoverd starts the
# cloud copy and the host's HAProxy serves it to clients; when on-prem answers again, HAProxy
# fails back and failoverd stops the copy after the hold-down. On-prem is a container on loopback.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
source scripts/tests/lib.sh

host=failoverd-wholesite-host-$$
cloud=failoverd-wholesite-cloud-$$
onprem=failoverd-wholesite-onprem-$$
work=$(mktemp -d /tmp/failoverd-wholesite.XXXXXX)
source scripts/tests/systemd_host.sh  # after $host, $cloud and $work, which it reads
cleanup() {
    remove_host "$cloud" "$onprem"
    rm -rf "$work"
}
trap cleanup EXIT

prepare_host_artifacts
onprem_port=$(free_port); frontend_port=$(free_port); prometheus_port=$(free_port)
alertmanager_port=$(free_port); haproxy_metrics_port=$(free_port)
# As main.tf renders the whole-site profile's settings: its own Alertmanager on loopback.
render_settings hold_down_seconds=5 probe_url="http://127.0.0.1:$onprem_port/health" wan_rtt_ms=100 \
    alertmanager_urls:="[\"http://127.0.0.1:$alertmanager_port\"]" || exit 1
render_user_data control_plane=true onprem_api_address="127.0.0.1:$onprem_port" frontend_port="$frontend_port" \
    prometheus_port="$prometheus_port" alertmanager_port="$alertmanager_port" \
    haproxy_metrics_port="$haproxy_metrics_port" wan_rtt_ms=100 || exit 1
docker run -d --name "$onprem" --network host -e SITE=onprem -e PORT="$onprem_port" onprem-api:latest >/dev/null || exit 1
boot_host

check "the rendered user data (control_plane = true) runs to completion as root" in_host bash /var/lib/cloud/user-data.sh
units_active() { test "$(in_host systemctl is-active haproxy prometheus prometheus-alertmanager failoverd | sort -u)" = active; }
check "haproxy, prometheus, prometheus-alertmanager and failoverd are all active under systemd" units_active
loopback_only() { # the port is bound, on 127.0.0.1 only
    ss -ltnH "sport = :$1" | awk '{print $4}' | grep -q . && ! ss -ltnH "sport = :$1" | awk '{print $4}' | grep -vq '^127\.0\.0\.1:'
}
control_plane_on_loopback() { loopback_only "$prometheus_port" && loopback_only "$alertmanager_port" && loopback_only "$haproxy_metrics_port"; }
check "Prometheus, Alertmanager and HAProxy's exporter listen on loopback only" control_plane_on_loopback
haproxy_worker_unprivileged() { # Debian's unit starts HAProxy as root; its worker must not stay root
    in_host bash -c 'grep -l "^Name:\s*haproxy$" /proc/[0-9]*/status | xargs grep -q "^Uid:\s*$(id -u haproxy)\s"'
}
check "HAProxy's worker serves as the haproxy user" haproxy_worker_unprivileged
# On-prem is across the WAN from here: its checks, requests and failoverd's probe of it get the
# timings `failoverd wan-timings 100` derives; the copy beside HAProxy keeps the fast ones.
wan_timings_applied() {
    in_host grep -qx 'ONPREM_CHECK_INTERVAL=630ms' /etc/default/haproxy && in_host grep -qx 'CLOUD_CHECK_INTERVAL=250ms' /etc/default/haproxy &&
        in_host grep -qx 'HAPROXY_IDEMPOTENT_TIMEOUT=650ms' /etc/default/haproxy &&
        in_host grep -q 'timeout_seconds: 0.5}' /etc/failoverd/failoverd.yml
}
check "the timings across a 100 ms WAN (wan_rtt_ms): HAProxy's of on-prem, failoverd's probe" wan_timings_applied

query() { curl -fsS "http://127.0.0.1:$prometheus_port/api/v1/query" --data-urlencode "query=$1"; }
has_result() { query "$1" | json_holds '.data.result | length > 0'; }
check "the host's Prometheus scrapes on-prem over the (here: loopback) WAN" wait_for 30 has_result 'up{job="onprem-api", site="onprem"} == 1'
check "  ... and failoverd over HTTPS, its certificate pinned (127.0.0.1 in its SANs)" wait_for 30 has_result 'up{job="failoverd"} == 1'
check "  ... and HAProxy's exporter" wait_for 30 has_result 'up{job="haproxy"} == 1'
check "  ... and the rules are loaded" wait_for 30 has_result 'count(ALERTS{alertname="Watchdog"})'
save_host_certificate
# HTTPS with the host's identity: the frontend faces the internet.
serving() { page_has "https://127.0.0.1:$frontend_port/" "\"site\":\"$1\"" --max-time 2 --cacert "$work/cert.pem"; }
check "clients reach on-prem through the host's HAProxy frontend" wait_for 30 serving onprem
cloud_is() { [ "$(docker inspect -f '{{.State.Status}}' "$cloud" 2>/dev/null)" = "$1" ]; }
check "the cloud copy is created and stopped (standby)" cloud_is created

docker kill "$onprem" >/dev/null
lost_at=$(millis)
check "on-prem lost: the host's own Prometheus fires OnPremDown" wait_for 30 has_result 'ALERTS{alertname="OnPremDown", alertstate="firing"}'
check "  ... its Alertmanager calls failoverd, which starts the cloud copy" wait_for 30 cloud_is running
check "  ... and the host's HAProxy serves it to clients" wait_for 30 serving cloud
echo "       (on-prem lost → clients served by the cloud copy: $(($(millis) - lost_at)) ms; not asserted)"
says_failed_over() { in_host failoverd status --config /etc/failoverd/failoverd.yml | grep -q '^failoverd: failed over since .*OnPremDown'; }
check "  ... failoverd status says why" says_failed_over

docker start "$onprem" >/dev/null
check "on-prem back: the host's HAProxy fails back to it" wait_for 30 serving onprem
check "  ... and failoverd stops the cloud copy after the 5 s hold-down" wait_for 40 cloud_is exited
check "failoverd asks the host's own Alertmanager's API, which corrects lost webhooks (alertmanager.urls)" \
    wait_for 45 has_result "failoverd_alertmanager_requests_total{peer=\"http://127.0.0.1:$alertmanager_port\", result=\"answered\"} > 0"

if [ "$failed" -gt 0 ]; then
    echo "       --- journal (last 30 lines of each unit) ---"
    for unit in haproxy prometheus prometheus-alertmanager failoverd; do
        in_host journalctl -u "$unit" --no-pager -n 30 | sed 's/^/       /'
    done
fi
finish
