#!/usr/bin/env bash
# The cloud host deployed for a user's own service, as a user would deploy it: the sample service
# (not onprem-api) in a private registry with TLS and htpasswd (Debian's docker-registry, in a
# network namespace of the test's), which takes ECR's authorization token as a password; moto
# serving S3 (the release and the service spec Terraform writes), SSM (the webhook token, the
# service's secret) and ECR (the token); the service spec rendered by Terraform's own
# templatefile(), the user data too. Under a booted systemd the user data logs in to the
# registry through ECR (failoverd-registry-login, its timer enabled), fetches the secret, and
# starts failoverd, which pulls the image and pre-creates the copy; a webhook fails over to it,
# and it answers with its secret and its volume in place. The secret must be in neither the user
# data, the journal, docker inspect nor any file other users can read.
# The cloud host's dockerd is a private one in a network namespace (scripts/lib/swarm_nodes.sh, one
# node), so its pulls reach the registry and check its certificate.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
source scripts/tests/lib.sh
source scripts/lib/swarm_nodes.sh
source scripts/lib/local_registry.sh

host=failoverd-own-host-$$
cloud=orders-$$
work=$(mktemp -d /tmp/failoverd-own-host.XXXXXX)
source scripts/tests/systemd_host.sh  # after $host, $cloud and $work, which it reads
chmod 0755 "$work"
moto_pid=""
cleanup() {
    docker rm -f "$host" >/dev/null 2>&1
    stop_pid "$moto_pid"
    local_registry_down
    swarm_nodes_down
    rm -rf "$work"
}
trap cleanup EXIT
node() { swarm_node_docker 1 "$@"; }

tools=$(python_venv moto "moto[server,s3,ssm,ecr]==5.2.6") || { echo "FAIL - cannot install moto"; exit 1; }
sample_image=$(scripts/sample_service_image.sh) || { echo "FAIL - cannot build the sample service image"; exit 1; }
check "the cloud host's dockerd starts in a network namespace of its own" swarm_nodes_up 1
docker_socket=$(swarm_node_socket 1)
# moto's ECR hands out AWS:<account>-auth-token; the registry takes exactly that, as ECR would.
local_registry_user=AWS local_registry_password=123456789012-auth-token
check "the user's registry serves TLS and asks for a password" local_registry_up "$work/registry" 10.213.0.254:5000 swarm_hub
docker save "$sample_image" | node load -q >/dev/null
reference=$(local_registry_push "$sample_image" orders:1.0 node)
check "the sample service's image is in it: $reference" test -n "$reference"
node rmi "$sample_image" "$local_registry/orders:1.0" >/dev/null 2>&1
check "  ... and not on the cloud host" fails node image inspect "$reference"

prepare_host_artifacts
secret="db-password-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
mkdir -p "$work/uploads" && echo "uploaded before the failover" >"$work/uploads/message"
chmod 0755 "$work/uploads"
render_service_spec image:="\"$reference\"" pull:='"missing"' registry:='"ecr"' \
    env:="{SITE = \"cloud\", PORT = \"$copy_port\", GREETING = \"hello from Terraform\"}" \
    secrets:='{db_password = "/orders/db-password"}' volumes:="[\"$work/uploads:/data:ro\"]" user:='"app"' \
    memory:='"64m"' healthcheck:="{test = [\"CMD-SHELL\", \"wget -q -O /dev/null http://127.0.0.1:$copy_port/health\"], interval_seconds = 0.5, timeout_seconds = 2, retries = 3, start_period_seconds = 0}" ||
    { echo "FAIL - terraform console cannot render the service spec"; exit 1; }
moto_port=$(free_port)
endpoint=http://127.0.0.1:$moto_port
"$tools/moto_server" -H 127.0.0.1 -p "$moto_port" >"$work/moto.log" 2>&1 &
moto_pid=$!
check "a local S3/SSM/ECR server (moto) answers on loopback" wait_for 20 curl -fsS -o /dev/null "$endpoint/moto-api/"
bucket=failoverd-release-artifacts
prefix=failoverd
aws_fixture() { "$tools/python" scripts/lib/aws_fixture.py "$endpoint" "$@"; }
printf '%s' "$secret" >"$work/secret"
operators_side() {
    aws_fixture seed "$bucket" /failoverd/webhook-token "$work/artifacts/webhook-token" &&
        aws_fixture put-secret /orders/db-password "$work/secret" && publish_release "$endpoint" "$bucket" "$prefix" "$work/dist" >/dev/null
}
check "the operator's side: the release (scripts/publish.sh), the token and the service's secret in S3 and SSM" operators_side
rm -f "$work/secret"
# Terraform's side: the settings (the image from the registry) in S3, named by the settings parameter.
render_settings image_url= image_sha256= image="$reference" &&
    aws_fixture settings "$bucket" "$prefix" "$work/artifacts/settings.yml" /failoverd/settings || exit 1
render_user_data package_url="$(release_url "$bucket" "$prefix" "$deb")" \
    package_sha256="$(release_sha "$(dpkg-deb -f "$deb" Version)")" settings_url=ssm:/failoverd/settings token_url=ssm:/failoverd/webhook-token || exit 1
check "neither the user data nor the settings hold the secret" fails grep -q "$secret" "$work/user-data.sh" "$work/artifacts/settings.yml"

# --- the host boots and runs it
boot_host
# The instance role's credentials, for what the user data starts under systemd (test values).
check "test credentials stand in for the instance role" stand_in_for_the_role failoverd-registry-login.service failoverd-settings.service
run_user_data() {
    docker exec -e "AWS_ENDPOINT_URL=$endpoint" -e AWS_ACCESS_KEY_ID=testing -e AWS_SECRET_ACCESS_KEY=testing \
        "$host" bash /var/lib/cloud/user-data.sh >>"$work/user-data.log" 2>&1
}
check "the user data runs to completion" run_user_data
tail -4 "$work/user-data.log" | sed 's/^/       /'
check "  ... it logged in to the registry through ECR's token" grep -q "registry login: ecr" "$work/user-data.log"
check "  ... and enabled the refresh timer" test "$(in_host systemctl is-enabled failoverd-registry-login.timer)" = enabled
mode_of() { in_host stat -c '%a %U %G' "$1"; }
check "  ... the registry credentials are root:failoverd-secrets 0640" test "$(mode_of /etc/failoverd/registry-auth.json)" = "640 root failoverd-secrets"
check "  ... so is the secret, read from SSM exactly (no newline added)" test "$(mode_of /etc/failoverd/secrets/db_password)" = "640 root failoverd-secrets"
check "  ... holding it byte for byte" test "$(in_host cat /etc/failoverd/secrets/db_password)" = "$secret"
check "  ... and the configuration is 0640 root:failoverd-secrets" test "$(mode_of /etc/failoverd/failoverd.yml)" = "640 root failoverd-secrets"
check "  ... failoverd is active" test "$(in_host systemctl is-active failoverd.service)" = active
standby() { [ "$(node inspect -f '{{.State.Status}}' "$cloud" 2>/dev/null)" = created ]; }
check "failoverd pulled the image with the ECR token and made the standby from it" wait_for 60 standby
check "  ... the image it runs is the pinned one" test "$(node inspect -f '{{.Image}}' "$cloud")" = "$(node image inspect -f '{{.Id}}' "$reference")"

# --- a failover
save_host_certificate
check "an HTTPS webhook with the token starts the copy" api POST /failover "$(python3 scripts/lib/webhook_body.py --status firing)"
# On the cloud host's loopback: its dockerd (and so the copy) is in a namespace of its own here,
# while this host container (and its TLS gateway) shares the machine's (test_userdata_systemd.sh
# goes through the gateway).
answer() { nsenter --net="/var/run/netns/swarm-$$-1" curl -fsS --max-time 5 "http://127.0.0.1:$copy_port/"; }
serves() { answer | json_holds "$1"; }
check "the copy serves on its port" wait_for 30 serves '.site == "cloud" and .greeting == "hello from Terraform"'
check "  ... with the secret as a file owned by its user, mode 0400" \
    serves ".secret_sha256 == \"$(printf '%s' "$secret" | sha256sum | cut -d' ' -f1)\" and .secret_owner_mode == \"10001 400\""
check "  ... and its volume in place" serves '.volume == "uploaded before the failover"'

# --- and the secret nowhere it must not be
check "the secret is not in docker inspect" fails bash -c "docker -H unix://$docker_socket inspect $cloud | grep -q '$secret'"
check "  ... nor in the journal" fails bash -c "docker exec $host journalctl --no-pager -o cat | grep -q '$secret'"
readable_holders() {  # files every user may read that hold the secret, on the host's disk
    in_host find / -xdev -type f -perm -o+r -size -1M -exec grep -l -F "$secret" {} + 2>/dev/null
}
check "  ... nor in any file other users can read" test -z "$(readable_holders)"

# --- the other registry login: a user name and password in SSM, as registry_auth = "ssm" renders it
printf 'AWS:123456789012-auth-token' >"$work/pair"
aws_fixture put-secret /orders/registry-login "$work/pair"
ssm_login() {
    in_host sh -c "printf 'SOURCE=ssm:/orders/registry-login\nREGION=us-east-1\nAWS_ENDPOINT_URL=$endpoint\n' >/tmp/ssm.conf" &&
        docker exec -e AWS_ACCESS_KEY_ID=testing -e AWS_SECRET_ACCESS_KEY=testing -e REGISTRY_LOGIN_CONF=/tmp/ssm.conf \
            -e REGISTRY_AUTH_FILE=/tmp/ssm-auth.json "$host" /usr/lib/failoverd/registry-login >/dev/null &&
        in_host cat /tmp/ssm-auth.json | json_holds '.username == "AWS" and .password == "123456789012-auth-token"'
}
check "registry-login with SOURCE=ssm:/NAME writes the same credentials from USERNAME:PASSWORD" ssm_login

finish
