#!/usr/bin/env bash
# The production branches of the cloud host's user data, and a host replaced under a pinned
# certificate. S3 and SSM are a local moto server on loopback (standing in for the instance
# role's view of the operator's bucket and parameters); the user data is rendered by terraform
# console with s3:// and ssm: URLs as main.tf renders it, and runs as root in a booted bookworm
# host whose only apt source is a local Debian mirror, so it installs awscli from Debian itself.
# The first host makes the TLS identity and stores it in SSM; a real Alertmanager pins that
# certificate; the host is destroyed and a fresh one boots from the same user data, and
# Alertmanager's webhook must reach it without anyone touching the on-prem side.
# Docker's own install from Debian is not run: a dockerd in the host container would need its
# own network namespace and cgroup delegation; the host uses this machine's dockerd instead.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
source scripts/tests/lib.sh

host=failoverd-aws-host-$$
cloud=failoverd-aws-cloud-$$
work=$(mktemp -d /tmp/failoverd-aws.XXXXXX)
source scripts/tests/systemd_host.sh  # after $host, $cloud and $work, which it reads
moto_pid=""; am_pid=""
cleanup() {
    remove_host "$cloud"
    stop_pid "$am_pid"
    stop_pid "$moto_pid"
    rm -rf "$work"
}
trap cleanup EXIT

tools=$(python_venv moto "moto[server,s3,ssm]==5.2.6") || { echo "FAIL - cannot install moto"; exit 1; }
prepare_host_artifacts
moto_port=$(free_port)
endpoint=http://127.0.0.1:$moto_port
"$tools/moto_server" -H 127.0.0.1 -p "$moto_port" >"$work/moto.log" 2>&1 &
moto_pid=$!
check "a local S3/SSM server (moto) answers on loopback" wait_for 20 curl -fsS -o /dev/null "$endpoint/moto-api/"
bucket=failoverd-release-artifacts
prefix=releases/$FAILOVER_KIT_VERSION
aws_fixture() { "$tools/python" scripts/lib/aws_fixture.py "$endpoint" "$@"; }
check "the operator's side: bucket, release artifacts and the token parameter are in place" \
    aws_fixture seed "$bucket" "$prefix" "$work/artifacts" /failoverd/webhook-token
identity_parameter=/failoverd/tls-identity
stored_identity() { aws_fixture parameter "$identity_parameter"; }

render_user_data package_url="s3://$bucket/$prefix/failoverd.deb" image_url="s3://$bucket/$prefix/image.tar" \
    service_spec_url="s3://$bucket/$prefix/service-spec.yml" token_url=ssm:/failoverd/webhook-token tls_identity_url="ssm:$identity_parameter" \
    boot_status_url=ssm:/failoverd/boot-status || exit 1
# The instance role's credentials, and the endpoint a private VPC endpoint would be.
run_user_data() {  # [FILE]: the rendered user data on the host (default), or FILE on stdin
    local environment=(-e "AWS_ENDPOINT_URL=$endpoint" -e AWS_ACCESS_KEY_ID=testing -e AWS_SECRET_ACCESS_KEY=testing)
    if [ $# -eq 0 ]; then
        docker exec "${environment[@]}" "$host" bash /var/lib/cloud/user-data.sh >>"$work/user-data.log" 2>&1
    else
        docker exec -i "${environment[@]}" "$host" bash -s <"$1" >>"$work/user-data.log" 2>&1
    fi
}
served_certificate() {
    openssl s_client -connect "127.0.0.1:$webhook_port" </dev/null 2>/dev/null | openssl x509 -outform PEM
}

# --- the first host
boot_host
check "the AMI has no awscli and no failoverd" fails in_host sh -c 'command -v aws || command -v failoverd'
check "the user data runs to completion with s3:// artifacts and ssm: secrets" run_user_data
tail -5 "$work/user-data.log" | sed 's/^/       /'
check "  ... it installed awscli from Debian (the host's mirror) to reach them" in_host dpkg -s awscli
boot_status() { aws_fixture parameter /failoverd/boot-status | jq -r .value; }
boot_ok() { boot_status | grep -qF "Z ok: failoverd $(in_host dpkg-query -W -f '${Version}' failoverd) "; }
check "  ... and reported its outcome to the boot status parameter: ok, with the version installed" boot_ok
check "  ... failoverd is active" test "$(in_host systemctl is-active failoverd.service)" = active
check "  ... the token came from the SSM parameter" test "$(in_host cat /etc/failoverd/webhook-token)" = "$token"
first_stored() { stored_identity | json_holds '.version == 1'; }
check "the first host made the TLS identity and stored it in SSM (version 1)" first_stored
save_host_certificate
cp "$work/cert.pem" "$work/first-host-cert.pem"
serves_the_stored_one() {
    stored_identity | jq -r .value >"$work/stored-identity.pem" &&
        openssl x509 -in "$work/stored-identity.pem" -out "$work/stored.pem" && served_certificate | cmp - "$work/stored.pem"
}
check "  ... the stored certificate is the one failoverd serves" serves_the_stored_one
check "  ... the key on the host is readable by root and failoverd-secrets only" \
    test "$(in_host stat -c '%a %U %G' /etc/failoverd/tls/key.pem)" = "640 root failoverd-secrets"

# --- on-prem's Alertmanager pins the first host's certificate, once
echo "$token" >"$work/am-token"
loopback_alertmanager_config "https://127.0.0.1:$webhook_port/failover" "$work/am-token" "$work/first-host-cert.pem" >"$work/am.yml"
am_port=$(free_port)
start_alertmanager_process am_pid "$work/am.yml" "$am_port" "$work/alertmanager"
check "Alertmanager (pinned to the first host's certificate) starts on loopback" wait_for 20 curl -fsS "http://127.0.0.1:$am_port/-/ready"

# --- the host is replaced: a new instance, a new disk, the same user data
remove_host "$cloud"
boot_host
check "a replacement host runs the same user data to completion" run_user_data
check "  ... it read the stored TLS identity instead of making one" grep -q "TLS identity from ssm:$identity_parameter" "$work/user-data.log"
check "  ... and stored nothing new (the parameter is still version 1)" first_stored
serves_the_pinned_one() { served_certificate | cmp - "$work/first-host-cert.pem"; }
check "  ... it serves the first host's certificate" serves_the_pinned_one
check "OnPremDown is posted to Alertmanager" \
    post_alert_to_alertmanager "$am_port" '{"alertname": "OnPremDown", "site": "dc1", "severity": "page"}' "$(rfc3339_now)"
cloud_running() { test "$(docker inspect -f '{{.State.Running}}' "$cloud" 2>/dev/null)" = true; }
check "Alertmanager's webhook reaches the replacement over TLS, unchanged on-prem, and the cloud copy runs" wait_for 30 cloud_running
delivered_without_failure() {
    curl -fsS "http://127.0.0.1:$am_port/metrics" >"$work/am-metrics.txt" &&
        grep -q '^alertmanager_notifications_total{integration="webhook"} [1-9]' "$work/am-metrics.txt" &&
        grep -E '^alertmanager_notifications_failed_total\{[^}]*integration="webhook"' "$work/am-metrics.txt" >"$work/am-failed.txt" &&
        ! grep -v ' 0$' "$work/am-failed.txt"  # the failure counter is there (evidence), and 0
}
check "  ... Alertmanager counts the delivery, and no failed one" delivered_without_failure

# --- a stored identity for another address is refused, with the reason, and nothing is touched
render_user_data package_url="s3://$bucket/$prefix/failoverd.deb" image_url="s3://$bucket/$prefix/image.tar" \
    service_spec_url="s3://$bucket/$prefix/service-spec.yml" token_url=ssm:/failoverd/webhook-token tls_identity_url="ssm:$identity_parameter" \
    boot_status_url=ssm:/failoverd/boot-status \
    public_ip=127.0.0.2 || exit 1
check "user data for a new Elastic IP fails on the stored identity" fails run_user_data "$work/user-data.sh"
check "  ... naming both addresses and the way out" grep -q "is for IP Address:127.0.0.1.*not for this host's address 127.0.0.2.*delete the parameter" "$work/user-data.log"
failed_with_reason() {
    boot_status | grep -qE "^[0-9T:-]+Z failed \(exit 1\) at: .+: .*is for IP Address:127.0.0.1.*not for this host's address 127.0.0.2"
}
check "  ... and the boot status says so from outside: the step, and the message" failed_with_reason
check "  ... while the serving certificate stays the pinned one" serves_the_pinned_one

# --- a token parameter that does not exist yet: the boot fails, and says why from outside
render_user_data package_url="s3://$bucket/$prefix/failoverd.deb" image_url="s3://$bucket/$prefix/image.tar" \
    service_spec_url="s3://$bucket/$prefix/service-spec.yml" token_url=ssm:/failoverd/no-such-token tls_identity_url="ssm:$identity_parameter" \
    boot_status_url=ssm:/failoverd/boot-status || exit 1
check "user data whose token parameter does not exist fails" fails run_user_data "$work/user-data.sh"
no_token_reported() {
    boot_status | grep -qE "^[0-9T:-]+Z failed \(exit 1\) at: webhook token from ssm:/failoverd/no-such-token: fetching ssm:/failoverd/no-such-token: .*ParameterNotFound"
}
check "  ... and the boot status names the step and the parameter that was not found" no_token_reported

finish
