# shellcheck shell=bash
# A private image registry for a test, as a user's would be: Debian's docker-registry (2.8) with
# TLS (a certificate for its address, signed by a CA made here) and htpasswd authentication, on an
# address inside a network namespace the test made. Not on loopback: dockerd treats 127.0.0.0/8
# as an insecure registry and would not check the certificate. Source it, then:
#
#   local_registry_up DIR ADDRESS:PORT [RUNNER...]   start it, RUNNER e.g. swarm_hub (the
#       namespace it runs in); the CA is put in /etc/docker/certs.d/ADDRESS:PORT, where every
#       dockerd on this machine looks for it (DIR/ca.pem is the same CA). Sets local_registry
#       (ADDRESS:PORT), and local_registry_user and local_registry_password unless they are set
#       (a random password; a test of ECR sets the user and token moto hands out).
#   local_registry_push IMAGE NAME:TAG DOCKER...   push IMAGE as ADDRESS:PORT/NAME:TAG with the
#       docker command given (e.g. swarm_node_docker 1); prints the pinned reference
#       ADDRESS:PORT/NAME@sha256:…
#   local_registry_down          stop it, remove the CA from /etc/docker/certs.d

local_registry_pid=""
local_registry=""

local_registry_up() {
    local dir=$1 address=$2; shift 2
    local host=${address%:*}
    local_registry=$address
    mkdir -p "$dir/storage"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj "/CN=test registry CA" \
        -keyout "$dir/ca-key.pem" -out "$dir/ca.pem" 2>/dev/null || return 1
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$host" \
        -keyout "$dir/key.pem" -out "$dir/cert.csr" 2>/dev/null || return 1
    openssl x509 -req -in "$dir/cert.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" -CAcreateserial -days 1 \
        -extfile <(printf 'subjectAltName=IP:%s\nextendedKeyUsage=serverAuth\n' "$host") -out "$dir/cert.pem" 2>/dev/null || return 1
    local_registry_user=${local_registry_user:-kit}
    local_registry_password=${local_registry_password:-$(head -c 18 /dev/urandom | base64 | tr -d '/+=')}
    htpasswd -Bbn "$local_registry_user" "$local_registry_password" >"$dir/htpasswd" 2>/dev/null || return 1
    cat >"$dir/config.yml" <<YAML
version: 0.1
log: {level: warn}
storage: {filesystem: {rootdirectory: $dir/storage}}
http: {addr: "$address", tls: {certificate: $dir/cert.pem, key: $dir/key.pem}}
auth: {htpasswd: {realm: test-registry, path: $dir/htpasswd}}
YAML
    mkdir -p "/etc/docker/certs.d/$address"
    cp "$dir/ca.pem" "/etc/docker/certs.d/$address/ca.crt"
    "$@" docker-registry serve "$dir/config.yml" >>"$dir/registry.log" 2>&1 &
    local_registry_pid=$!
    local attempt
    for attempt in $(seq 1 50); do
        # 401 without credentials: it serves TLS and asks for them.
        [ "$("$@" curl -s -o /dev/null -w '%{http_code}' --cacert "$dir/ca.pem" "https://$address/v2/")" = 401 ] && return 0
        kill -0 "$local_registry_pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "the registry did not come up (attempt $attempt); its log:" >&2
    tail -5 "$dir/registry.log" >&2
    return 1
}

local_registry_push() {
    local image=$1 name=$2 config reference; shift 2
    config=$(mktemp -d)
    DOCKER_CONFIG=$config "$@" login -u "$local_registry_user" --password-stdin "$local_registry" <<<"$local_registry_password" >/dev/null 2>&1 || return 1
    "$@" tag "$image" "$local_registry/$name" || return 1
    DOCKER_CONFIG=$config "$@" push "$local_registry/$name" >/dev/null || return 1
    rm -rf "$config"
    reference=$("$@" image inspect -f '{{range .RepoDigests}}{{println .}}{{end}}' "$local_registry/$name" | grep -m1 "^$local_registry/${name%%:*}@")
    [ -n "$reference" ] && echo "$reference"
}

local_registry_down() {
    [ -n "$local_registry_pid" ] && stop_pid "$local_registry_pid"
    local_registry_pid=""
    [ -n "$local_registry" ] && rm -rf "/etc/docker/certs.d/$local_registry"
    local_registry=""
}
