# shellcheck shell=bash
# --- install_control_plane.sh: travels in the control plane bundle (scripts/build_control_plane_bundle.sh),
# pinned by the same SHA-256; the user data (install_failoverd.sh) sources it from the unpacked
# bundle when the whole-site profile is on (control_plane = true), with its variables and helpers. ---
# Runs the control plane on the cloud host, outside the site it watches: HAProxy (the clients'
# entry point, on-prem primary over the WAN, the cloud copy as backup), Prometheus (scrapes
# on-prem over the WAN, evaluates the kit's rules) and Alertmanager (sends to failoverd on
# loopback), each as Debian's own systemd unit, with the kit's config files from the bundle.
# Then a whole-site outage fails over too.
bundle=$(dirname "${BASH_SOURCE[0]}")
packages=()
command -v haproxy >/dev/null || packages+=(haproxy)
command -v prometheus >/dev/null || packages+=(prometheus)
command -v prometheus-alertmanager >/dev/null || packages+=(prometheus-alertmanager)
if [ "${#packages[@]}" -gt 0 ]; then
    log "installing ${packages[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${packages[@]}"
fi

# HAProxy: the shipped file, its addresses in Debian's /etc/default/haproxy.
install -m 0644 "$bundle/haproxy/haproxy.cfg" /etc/haproxy/haproxy.cfg
cat >/etc/default/haproxy <<ENV
# Written by the cloud host's user data (terraform/files/install_control_plane.sh).
HAPROXY_BIND=0.0.0.0:$FRONTEND_PORT
# Clients come from the internet: HTTPS, with the host's identity (HAProxy reads it as root at start).
HAPROXY_TLS_CERT=/etc/failoverd/tls/gateway.pem
HAPROXY_METRICS_BIND=127.0.0.1:$HAPROXY_METRICS_PORT
ONPREM_ADDR=$ONPREM_API_ADDRESS
# The copy on this host, on loopback: no path to cross, no TLS to add.
CLOUD_ADDR=127.0.0.1:$COPY_PORT
CLOUD_PLAIN_HTTP=1
HAPROXY_STATS_SOCKET=/run/haproxy/admin.sock
$(failoverd wan-timings --haproxy-at cloud-host "$WAN_RTT_MS")
ENV
(set -a && . /etc/default/haproxy && haproxy -c -q -f /etc/haproxy/haproxy.cfg) || die "haproxy -c rejected the bundle's haproxy.cfg"

# Prometheus: the shipped file and rules; targets for on-prem over the WAN and the local parts.
install -d -m 0755 /etc/prometheus/rules /etc/prometheus/targets
install -m 0644 "$bundle/prometheus/prometheus.yml" /etc/prometheus/prometheus.yml
install -m 0644 "$bundle"/prometheus/rules/*.yml /etc/prometheus/rules/
install -m 0644 /etc/failoverd/tls/cert.pem /etc/prometheus/failoverd-ca.pem
# The onprem-api job's client certificate is for a cloud copy across the WAN; here the copy is
# scraped on loopback in plain HTTP, and Prometheus only needs the files to exist.
(umask 027 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 -subj /CN=unused \
    -keyout /etc/prometheus/cloud-client.key -out /etc/prometheus/cloud-client.crt 2>/dev/null)
chgrp prometheus /etc/prometheus/cloud-client.key /etc/prometheus/cloud-client.crt
chmod 0640 /etc/prometheus/cloud-client.key
# The token failoverd's /metrics asks for; Alertmanager sends it with every webhook too.
install -m 0640 -o root -g prometheus /etc/failoverd/webhook-token /etc/prometheus/failoverd-token
cat >/etc/prometheus/targets/onprem-api.json <<JSON
[{"targets": ["$ONPREM_API_ADDRESS"], "labels": {"site": "onprem"}},
 {"targets": ["127.0.0.1:$COPY_PORT"], "labels": {"site": "cloud"}}]
JSON
echo "[{\"targets\": [\"127.0.0.1:$WEBHOOK_PORT\"], \"labels\": {\"__scheme__\": \"https\"}}]" >/etc/prometheus/targets/failoverd.json
echo "[{\"targets\": [\"127.0.0.1:$HAPROXY_METRICS_PORT\"]}]" >/etc/prometheus/targets/haproxy.json
echo "[{\"targets\": [\"127.0.0.1:$ALERTMANAGER_PORT\"]}]" >/etc/prometheus/targets/alertmanager.json
echo "ARGS=\"--web.listen-address=127.0.0.1:$PROMETHEUS_PORT\"" >/etc/default/prometheus
promtool check config /etc/prometheus/prometheus.yml >/dev/null || die "promtool rejected the bundle's prometheus.yml"

# Alertmanager: the shipped routes, failoverd's receiver on loopback with its token and certificate.
grep -q 'https://failover.example.invalid:9095/failover' "$bundle/prometheus/alertmanager.yml" ||
    die "the bundle's alertmanager.yml must keep failoverd's receiver URL as shipped; it is set here"
sed -e "s|https://failover.example.invalid:9095/failover|https://127.0.0.1:$WEBHOOK_PORT/failover|" \
    -e "s|/etc/alertmanager/failoverd-token|/etc/prometheus/failoverd-token|" \
    -e "s|/etc/alertmanager/failoverd-ca.pem|/etc/prometheus/failoverd-ca.pem|" \
    "$bundle/prometheus/alertmanager.yml" >/etc/prometheus/alertmanager.yml
chmod 0644 /etc/prometheus/alertmanager.yml
echo "ARGS=\"--web.listen-address=127.0.0.1:$ALERTMANAGER_PORT --cluster.listen-address=\"" >/etc/default/prometheus-alertmanager
amtool check-config /etc/prometheus/alertmanager.yml >/dev/null || die "amtool rejected the bundle's alertmanager.yml"

systemctl enable haproxy.service prometheus.service prometheus-alertmanager.service
systemctl restart haproxy.service prometheus.service prometheus-alertmanager.service
log "control plane: $(systemctl is-active haproxy.service prometheus.service prometheus-alertmanager.service | paste -sd' ')"
