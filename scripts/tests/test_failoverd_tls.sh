#!/usr/bin/env bash
# failoverd serving HTTPS with a real certificate: curl and the failoverd CLI over TLS, plain
# HTTP refused, a bad certificate path rejected by check-config; SIGHUP after a certificate and
# token renewal serves the new ones without a restart, and a broken file changes nothing.
# Docker is deliberately absent, so the webhook's reply is the retryable 503. Loopback only.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. scripts/tests/lib.sh
bin=$(failoverd_binary)
work=$(mktemp -d /tmp/failoverd-tls.XXXXXX)
port=$(free_port); am_port=$(free_port); pid=""; am_pid=""
cleanup() { stop_pid "$pid" "$am_pid"; rm -rf "$work"; }
trap cleanup EXIT

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=failoverd.test" -addext "subjectAltName=IP:127.0.0.1" \
    -keyout "$work/key.pem" -out "$work/cert.pem" >/dev/null 2>&1
new_token "$work/token"
cat >"$work/failoverd.yml" <<YAML
listen: {host: 127.0.0.1, port: $port}
tls: {certificate: $work/cert.pem, key: $work/key.pem}
auth: {token_file: $work/token}
docker: {socket: $work/no-docker.sock}
state_directory: $work/state
container: {name: tls-test-cloud, image: onprem-api:latest}
YAML
check "check-config accepts the certificate and key" "$bin" check-config --config "$work/failoverd.yml"
sed "s|$work/key.pem|$work/missing.pem|" "$work/failoverd.yml" >"$work/bad.yml"
check "check-config rejects an unreadable key, naming tls, on stderr" bash -c "out=\$('$bin' check-config --config '$work/bad.yml' 2>&1 >/dev/null); [ \$? -eq 2 ] && echo \"\$out\" | grep -q '^configuration error: tls'"
"$bin" serve --config "$work/failoverd.yml" >"$work/log" 2>&1 &
pid=$!
check "failoverd answers /health over HTTPS with its certificate" wait_for 20 curl -fsS --cacert "$work/cert.pem" "https://127.0.0.1:$port/health"
check "plain HTTP to the TLS port gets no answer" bash -c "! curl -fsS --max-time 2 http://127.0.0.1:$port/health"
handshake() { openssl s_client -connect "127.0.0.1:$port" "$@" </dev/null >/dev/null 2>&1; }
check "TLS 1.2 with an AEAD suite (ECDHE-RSA-AES128-GCM-SHA256) is accepted" handshake -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256
check "TLS 1.2 with a CBC/SHA-1 suite is refused" fails handshake -tls1_2 -cipher ECDHE-RSA-AES128-SHA
check "TLS 1.1 and 1.0 are refused (a client that allows them)" \
    fails handshake -tls1_1 -cipher 'DEFAULT@SECLEVEL=0'
check "  ... and TLS 1.0" fails handshake -tls1 -cipher 'DEFAULT@SECLEVEL=0'
check "the failoverd CLI reads status over TLS" bash -c "'$bin' status --config '$work/failoverd.yml' | grep -q 'Docker unreachable'"
webhook_code() { # webhook_code CAFILE TOKEN: the reply's status code
    curl -s --cacert "$1" -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $2" -H 'Content-Type: application/json' \
        -d "$(python3 scripts/lib/webhook_body.py --fingerprint t)" "https://127.0.0.1:$port/failover"
}
old_token=$(cat "$work/token")
check "an authenticated webhook over TLS gets 503 while Docker is unreachable" test "$(webhook_code "$work/cert.pem" "$old_token")" = 503

# Renewal as certbot or an operator does it: new files in place, then SIGHUP (systemctl reload).
cp "$work/cert.pem" "$work/old-cert.pem"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=failoverd.renewed" -addext "subjectAltName=IP:127.0.0.1" \
    -keyout "$work/key.pem" -out "$work/cert.pem" >/dev/null 2>&1
new_token "$work/token"
sed -i 's/^docker:.*/&\nhold_down_seconds: 30/' "$work/failoverd.yml"
kill -HUP "$pid"
metric_is() { # metric_is NAME VALUE: the unlabelled series has that value now
    curl -fsS --cacert "$work/cert.pem" -H "Authorization: Bearer $(cat "$work/token")" "https://127.0.0.1:$port/metrics" | awk -v n="$1" -v v="$2" '$1 == n && $2 + 0 == v { found = 1 } END { exit !found }'
}
check "after SIGHUP new connections get the renewed certificate" wait_for 10 curl -fsS --cacert "$work/cert.pem" "https://127.0.0.1:$port/health"
check "  ... and the old certificate is no longer served" bash -c "! curl -fsS --max-time 2 --cacert '$work/old-cert.pem' https://127.0.0.1:$port/health"
check "  ... the same process serves (no restart)" kill -0 "$pid"
check "  ... the renewed token is accepted (503: Docker is absent)" test "$(webhook_code "$work/cert.pem" "$(cat "$work/token")")" = 503
check "  ... the old token is refused (401)" test "$(webhook_code "$work/cert.pem" "$old_token")" = 401
check "  ... the log says what it applied" grep -q '"message":"configuration reloaded".*hold_down_seconds' "$work/log"
check "  ... failoverd_config_last_reload_successful is 1" metric_is failoverd_config_last_reload_successful 1

cp "$work/failoverd.yml" "$work/good.yml"
sed -i "s/^hold_down_seconds: 30/hold_down_seconds: -5/" "$work/failoverd.yml"
kill -HUP "$pid"
check "a broken file on SIGHUP: failoverd_config_last_reload_successful turns 0" wait_for 10 metric_is failoverd_config_last_reload_successful 0
check "  ... the log names the key and says the running configuration stays" grep -q '"message":"configuration reload rejected.*hold_down_seconds' "$work/log"
check "  ... and it still serves with the renewed token" test "$(webhook_code "$work/cert.pem" "$(cat "$work/token")")" = 503

sed "s/port: $port/port: $(free_port)/" "$work/good.yml" >"$work/failoverd.yml"
kill -HUP "$pid"
check "a changed listen.port on SIGHUP is named as waiting for a restart" wait_for 10 grep -q '"config.restart_required":"listen.port"' "$work/log"
check "  ... failoverd_config_restart_required is 1, and it still listens where it did" metric_is failoverd_config_restart_required 1

# --- client certificates (tls.client_ca_file): Alertmanager presents one, others are refused
stop_pid "$pid"; pid=""
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=test-client-ca \
    -keyout "$work/client-ca.key" -out "$work/client-ca.pem" >/dev/null 2>&1
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=alertmanager -keyout "$work/am.key" -out "$work/am.csr" >/dev/null 2>&1
openssl x509 -req -in "$work/am.csr" -CA "$work/client-ca.pem" -CAkey "$work/client-ca.key" -CAcreateserial -days 2 -out "$work/am.pem" >/dev/null 2>&1
# The CLI presents failoverd's own (self-signed) certificate, so the file lists it too.
cat "$work/client-ca.pem" "$work/cert.pem" >"$work/client-cas.pem"
sed "s|^tls: .*|tls: {certificate: $work/cert.pem, key: $work/key.pem, client_ca_file: $work/client-cas.pem}|" "$work/good.yml" >"$work/failoverd.yml"
check "check-config accepts tls.client_ca_file" "$bin" check-config --config "$work/failoverd.yml"
sed "s|client_ca_file: $work/client-cas.pem|client_ca_file: $work/token|" "$work/failoverd.yml" >"$work/bad-ca.yml"
check "check-config rejects a client CA file without a certificate, naming the key" bash -c "'$bin' check-config --config '$work/bad-ca.yml' 2>&1 | grep -q 'tls.client_ca_file'"
"$bin" serve --config "$work/failoverd.yml" >>"$work/log" 2>&1 &
pid=$!
with_client_cert() { curl -fsS --cacert "$work/cert.pem" --cert "$work/am.pem" --key "$work/am.key" "https://127.0.0.1:$port/health"; }
check "with tls.client_ca_file, a client certificate the CA signed is accepted" wait_for 20 with_client_cert
check "  ... a client without a certificate is refused in the handshake" fails curl -fsS --max-time 2 --cacert "$work/cert.pem" "https://127.0.0.1:$port/health"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=stranger \
    -keyout "$work/stranger.key" -out "$work/stranger.pem" >/dev/null 2>&1
check "  ... and one with a certificate from another CA" fails curl -fsS --max-time 2 --cacert "$work/cert.pem" \
    --cert "$work/stranger.pem" --key "$work/stranger.key" "https://127.0.0.1:$port/health"
check "  ... the failoverd CLI still reads status (it presents failoverd's own certificate)" bash -c "'$bin' status --config '$work/failoverd.yml' | grep -q 'Docker unreachable'"
cat >"$work/alertmanager.yml" <<YAML
route: {receiver: failoverd, group_by: [alertname], group_wait: 0s, group_interval: 1s, repeat_interval: 1m}
receivers:
  - name: failoverd
    webhook_configs:
      - url: https://127.0.0.1:$port/failover
        http_config:
          authorization: {type: Bearer, credentials_file: $work/token}
          tls_config: {ca_file: $work/cert.pem, cert_file: $work/am.pem, key_file: $work/am.key}
YAML
check "amtool accepts Alertmanager's webhook with a client certificate" amtool check-config "$work/alertmanager.yml"
start_alertmanager_process am_pid "$work/alertmanager.yml" "$am_port" "$work/am"
check "Alertmanager starts" wait_for 20 curl -fsS "http://127.0.0.1:$am_port/-/ready"
post_alert_to_alertmanager "$am_port" '{"alertname": "OnPremDown", "site": "dc1"}' "$(rfc3339_now)" >/dev/null
delivered() {
    page_has "https://127.0.0.1:$port/metrics" '^failoverd_webhook_requests_total{code="503"} [1-9]' \
        --cacert "$work/cert.pem" --cert "$work/am.pem" --key "$work/am.key" -H "Authorization: Bearer $(cat "$work/token")"
}
check "Alertmanager's webhook reaches failoverd through the client-certificate check (503: Docker is absent)" wait_for 20 delivered
finish
