#!/usr/bin/env bash
# failoverd serving HTTPS with a real certificate: curl and the failoverd CLI over TLS, plain
# HTTP refused, a bad certificate path rejected by check-config. Docker is deliberately absent,
# so the webhook's reply is the retryable 503. Loopback only.
set -uo pipefail
cd "$(dirname "$0")/../.."
. scripts/tests/lib.sh
bin=$(failoverd_binary)
work=$(mktemp -d /tmp/failoverd-tls.XXXXXX)
port=$(free_port); pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=failoverd.test" -addext "subjectAltName=IP:127.0.0.1" \
    -keyout "$work/key.pem" -out "$work/cert.pem" >/dev/null 2>&1
head -c 32 /dev/urandom | base64 | tr -d '\n' >"$work/token"
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
check "check-config rejects an unreadable key, naming tls" bash -c "out=\$('$bin' check-config --config '$work/bad.yml'); [ \$? -eq 2 ] && echo \"\$out\" | grep -q '^configuration error: tls'"
"$bin" serve --config "$work/failoverd.yml" >"$work/log" 2>&1 &
pid=$!
check "failoverd answers /health over HTTPS with its certificate" wait_for 20 curl -fsS --cacert "$work/cert.pem" "https://127.0.0.1:$port/health"
check "plain HTTP to the TLS port gets no answer" bash -c "! curl -fsS --max-time 2 http://127.0.0.1:$port/health"
check "the failoverd CLI reads status over TLS" bash -c "'$bin' status --config '$work/failoverd.yml' | grep -q 'Docker unreachable'"
check "an authenticated webhook over TLS gets 503 while Docker is unreachable" bash -c "[ \"\$(curl -s --cacert '$work/cert.pem' -o /dev/null -w '%{http_code}' -X POST -H 'Authorization: Bearer $(cat "$work/token")' -H 'Content-Type: application/json' -d \"\$(python3 scripts/lib/webhook_body.py --fingerprint t)\" https://127.0.0.1:$port/failover)\" = 503 ]"
finish
