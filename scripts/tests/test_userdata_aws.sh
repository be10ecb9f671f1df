#!/usr/bin/env bash
# The production branches of the cloud host's user data: releases by version, settings changed on
# the running host, and a host replaced under a pinned certificate. S3 and SSM are a local moto
# server on loopback (standing in for the instance role's view of the operator's bucket and
# parameters); scripts/publish.sh uploads two releases (N and N+1) there; the user data is rendered
# by terraform console with s3:// and ssm: URLs as main.tf renders it, and runs as root in a booted
# bookworm host whose only apt source is a local Debian mirror, so it installs awscli from Debian.
# The first host runs release N+1 and makes the TLS identity; a real Alertmanager pins that
# certificate; changed settings reach the running host through the settings parameter; then the
# host is replaced by one on release N (a rollback: `release` set back) and Alertmanager's webhook
# must reach it without anyone touching the on-prem side.
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
# Release N+1, as test_package.sh builds it (its build is reused when it ran first).
next_release=$(awk -F. '{print $1 "." $2 "." $3 + 1}' VERSION)
deb_next=$(RELEASE=$next_release scripts/build_deb.sh .cache/deb 2>"$work/build.log") ||
    { echo "FAIL - RELEASE=$next_release scripts/build_deb.sh"; tail -20 "$work/build.log"; exit 1; }
make_dist "$work/dist-next" "$deb_next"
moto_port=$(free_port)
endpoint=http://127.0.0.1:$moto_port
"$tools/moto_server" -H 127.0.0.1 -p "$moto_port" >"$work/moto.log" 2>&1 &
moto_pid=$!
check "a local S3/SSM server (moto) answers on loopback" wait_for 20 curl -fsS -o /dev/null "$endpoint/moto-api/"
bucket=failoverd-release-artifacts
prefix=failoverd
aws_fixture() { "$tools/python" scripts/lib/aws_fixture.py "$endpoint" "$@"; }
check "the operator's side: the bucket and the token parameter" aws_fixture seed "$bucket" /failoverd/webhook-token "$work/artifacts/webhook-token"
version_n=$(dpkg-deb -f "$work/artifacts/failoverd.deb" Version)
version_next=$(dpkg-deb -f "$deb_next" Version)
check "scripts/publish.sh publishes release N ($version_n) under its version" publish_release "$endpoint" "$bucket" "$prefix" "$work/dist"
check "  ... and release N+1 ($version_next), each recorded with its package's checksum for Terraform" \
    bash -c "$(declare -f publish_release); work='$work'; publish_release '$endpoint' '$bucket' '$prefix' '$work/dist-next' &&
        jq -e '.releases | length == 2' '$work/releases.tfvars.json'"
check "  ... publishing N again is a no-op" \
    bash -c "$(declare -f publish_release); work='$work'; publish_release '$endpoint' '$bucket' '$prefix' '$work/dist' | grep -q 'already published'"
# The same version with other bytes: a rebuilt package (one byte more) under N's name.
cp -r "$work/dist" "$work/dist-rebuilt" && echo >>"$work/dist-rebuilt/${deb##*/}" && (cd "$work/dist-rebuilt" && sha256sum ./*.deb ./*.tar >SHA256SUMS)
refused_rebuild() { ! publish_release "$endpoint" "$bucket" "$prefix" "$work/dist-rebuilt" 2>"$work/publish.err" && grep -q "never replaced" "$work/publish.err"; }
check "  ... and other bytes under a published version are refused: a release is never replaced" refused_rebuild
image_key=$prefix/images/$(sha256_of onprem-api.tar).tar
settings_parameter=/failoverd/settings
# As main.tf renders the settings, with the demo image by its checksum in S3.
store_settings() {  # [NAME=VALUE...]: rendered with these, stored as Terraform's two settings resources do
    render_settings image_url="s3://$bucket/$image_key" "$@" && aws_fixture settings "$bucket" "$prefix" "$work/artifacts/settings.yml" "$settings_parameter"
}
check "Terraform's side: the settings object in S3 and the settings parameter naming it" store_settings
identity_parameter=/failoverd/tls-identity
stored_identity() { aws_fixture parameter "$identity_parameter"; }

render_release() {  # DEB [NAME=VALUE...]: the user data for DEB's release, as main.tf renders it
    render_user_data package_url="$(release_url "$bucket" "$prefix" "$1")" package_sha256="$(release_sha "$(dpkg-deb -f "$1" Version)")" \
        settings_url="ssm:$settings_parameter" state_url="s3://$bucket/$prefix/state/failoverd-state.json" token_url=ssm:/failoverd/webhook-token tls_identity_url="ssm:$identity_parameter" \
        boot_status_url=ssm:/failoverd/boot-status "${@:2}"
}
render_release "$deb_next" || exit 1
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

# The instance ID cloud-init keeps, which the host names in its reports.
as_instance() { in_host sh -c "mkdir -p /var/lib/cloud/data && echo $1 >/var/lib/cloud/data/instance-id"; }
# terraform/files/await_host.sh as terraform_data.host_ready runs it on the operator's machine.
await_host() {  # INSTANCE_ID [NAME=VALUE...]: its output in $work/await.log
    env REGION=us-east-1 AWS_ENDPOINT_URL="$endpoint" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
        INSTANCE_ID="$1" BOOT_STATUS_PARAMETER=/failoverd/boot-status STATE_URL="s3://$bucket/$prefix/state/failoverd-state.json" \
        REPLACING=true REPLACE_WHILE_FAILED_OVER=false AWAIT_SECONDS=60 AWAIT_POLL_SECONDS=1 "${@:2}" \
        terraform/files/await_host.sh >"$work/await.log" 2>&1
}
awaited() { await_host "$@" && grep -q "is ready: .* $1 ok: failoverd" "$work/await.log"; }
refused_by_await() {  # PATTERN INSTANCE_ID [NAME=VALUE...]: await_host fails, saying PATTERN
    ! await_host "${@:2}" && grep -qE "$1" "$work/await.log" || { cat "$work/await.log"; return 1; }
}

# --- the first host, on release N+1
first_host=i-0f1a5700000000001
boot_host
as_instance "$first_host"
check "the AMI has no awscli and no failoverd" fails in_host sh -c 'command -v aws || command -v failoverd'
check "the user data runs to completion with s3:// artifacts and ssm: secrets" run_user_data
tail -5 "$work/user-data.log" | sed 's/^/       /'
check "  ... it installed awscli from Debian (the host's mirror) to reach them" in_host dpkg -s awscli
check "  ... and the release the user data names: N+1" test "$(in_host dpkg-query -W -f '${Version}' failoverd)" = "$version_next"
boot_status() { aws_fixture parameter /failoverd/boot-status | jq -r .value; }
boot_ok() { boot_status | grep -qF "Z $1 ok: failoverd $(in_host dpkg-query -W -f '${Version}' failoverd) "; }
check "  ... and reported its outcome to the boot status parameter: this instance ok, with the version installed" boot_ok "$first_host"
check "Terraform's wait (await_host.sh) for the first host: ready, so the Elastic IP may move" awaited "$first_host" REPLACING=false
check "  ... for an instance that never reports, it gives up at its deadline and keeps the address where it is" \
    refused_by_await "i-0000000000000dead reported no boot outcome within 3 s, so the Elastic IP stays" i-0000000000000dead AWAIT_SECONDS=3
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

# --- settings changed in Terraform reach the running host, which stays
check "failoverd-settings' timer is enabled on the host" test "$(in_host systemctl is-enabled failoverd-settings.timer)" = enabled
check "test credentials stand in for the instance role in failoverd-settings and failoverd-state-backup" stand_in_for_the_role failoverd-settings.service failoverd-state-backup.service
main_pid() { in_host systemctl show -P MainPID failoverd.service; }
pid_before=$(main_pid)
settings_sha() { sha256_of settings.yml | cut -c1-12; }
apply_settings() { in_host systemctl start failoverd-settings.service; }
status_says() { boot_status | grep -qE "^[0-9T:-]+Z $first_host settings $(settings_sha): $1"; }
check "a new hold-down and observe mode, stored as Terraform stores them" store_settings hold_down_seconds=120 mode=observe
check "  ... failoverd-settings applies them" apply_settings
observing() { api GET /status | json_holds '.mode == "observe"' && in_host grep -qx 'hold_down_seconds: 120' /etc/failoverd/failoverd.yml; }
check "  ... failoverd runs with them (status: mode observe; the file: 120 s)" observing
check "  ... by a reload: the same failoverd process serves" test "$(main_pid)" = "$pid_before"
check "  ... and the host's status parameter says so, naming the settings" status_says 'applied \(failoverd reloaded\)'
status_before=$(boot_status)
check "a look that finds the same settings changes nothing" apply_settings
check "  ... and says nothing (same process, same status)" test "$(main_pid) $(boot_status)" = "$pid_before $status_before"
check "settings failoverd check-config refuses (a negative hold-down) are stored" store_settings hold_down_seconds=-5
check "  ... failoverd-settings fails on them" fails apply_settings
check "  ... saying why in the status parameter, and that the running settings stay" status_says 'failed \(exit 1\) at: .*hold_down_seconds.*the running settings stay'
runs_on_the_last_good_ones() { in_host grep -qx 'hold_down_seconds: 120' /etc/failoverd/failoverd.yml && test "$(main_pid)" = "$pid_before"; }
check "  ... while failoverd runs on with the last good ones, the same process" runs_on_the_last_good_ones
render_service_spec memory:='"64m"' || exit 1
check "a changed service spec (a 64 MiB limit), acting again, is stored" store_settings
check "  ... failoverd-settings applies it" apply_settings
check "  ... with a restart, which the spec's keys need (said in the status parameter)" status_says 'applied \(failoverd restarted: changed keys need it\)'
check "  ... so failoverd is a new process" test "$(main_pid)" != "$pid_before"
standby_limited() { test "$(docker inspect -f '{{.HostConfig.Memory}}' "$cloud" 2>/dev/null)" = 67108864; }
check "  ... which made the standby again with the limit" wait_for 30 standby_limited

# --- the operator pauses failoverd; its state is copied off the host
check "failoverd pause on the host" in_host failoverd pause --config /etc/failoverd/failoverd.yml
state_copy_paused() { aws_fixture object "$bucket" "$prefix/state/failoverd-state.json" | json_holds '.paused == true'; }
check "  ... failoverd-state-backup copied the state, paused, to S3 at once" wait_for 20 state_copy_paused

# --- the host is replaced: a new instance, a new disk, release N again (a rollback: release = N)
render_release "$work/artifacts/failoverd.deb" || exit 1
remove_host "$cloud"
second_host=i-0f1a5700000000002
boot_host
as_instance "$second_host"
check "a replacement host runs the user data of release N to completion" run_user_data
check "  ... Terraform's wait sees this instance ready, not the old one's reports" awaited "$second_host"
check "  ... test credentials stand in for its role too" stand_in_for_the_role failoverd-settings.service failoverd-state-backup.service
check "  ... it restored failoverd's state from S3" grep -q "failoverd's state from s3://$bucket/$prefix/state/failoverd-state.json" "$work/user-data.log"
still_paused() { api GET /status | json_holds '.paused == true'; }
check "  ... so failoverd carries on where the old host left: still paused (status)" still_paused
check "  ... until the operator resumes it" in_host failoverd resume --config /etc/failoverd/failoverd.yml
check "  ... it installed release N: the rollback is the release variable set back" \
    test "$(in_host dpkg-query -W -f '${Version}' failoverd)" = "$version_n"
check "  ... and applied the settings in effect (the 64 MiB limit)" in_host grep -q 'memory: "64m"' /etc/failoverd/failoverd.yml
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
# A failover that began after a replacement's plan: the wait finds it in the state copy.
state_copy_failed_over() { aws_fixture object "$bucket" "$prefix/state/failoverd-state.json" | json_holds '.failedOverSince != null'; }
check "  ... failoverd-state-backup copied the failed-over state to S3" wait_for 20 state_copy_failed_over
check "Terraform's wait for a new host now refuses to move the address: the copy serves, since when, and the way to force it" \
    refused_by_await "the cloud copy has served since [0-9T:.-]+Z .*replace_while_failed_over = true" "$second_host"
check "  ... unless forced (replace_while_failed_over)" awaited "$second_host" REPLACE_WHILE_FAILED_OVER=true

# --- a stored identity for another address is refused, with the reason, and nothing is touched
render_release "$work/artifacts/failoverd.deb" public_ip=127.0.0.2 || exit 1
check "user data for a new Elastic IP fails on the stored identity" fails run_user_data "$work/user-data.sh"
check "  ... naming both addresses and the way out" grep -q "is for IP Address:127.0.0.1.*not for this host's address 127.0.0.2.*delete the parameter" "$work/user-data.log"
failed_with_reason() {
    boot_status | grep -qE "^[0-9T:-]+Z $second_host failed \(exit 1\) at: .+: .*is for IP Address:127.0.0.1.*not for this host's address 127.0.0.2"
}
check "  ... and the boot status says so from outside: the step, and the message" failed_with_reason
check "  ... while the serving certificate stays the pinned one" serves_the_pinned_one
check "  ... and Terraform's wait for this instance stops at once, with the boot's step and message and the console command" \
    refused_by_await "boot failed, so the Elastic IP stays .*not for this host's address 127.0.0.2.*get-console-output .*--instance-id $second_host" "$second_host"

# --- a token parameter that does not exist yet: the boot fails, and says why from outside
render_release "$work/artifacts/failoverd.deb" token_url=ssm:/failoverd/no-such-token || exit 1
check "user data whose token parameter does not exist fails" fails run_user_data "$work/user-data.sh"
no_token_reported() {
    boot_status | grep -qE "^[0-9T:-]+Z $second_host failed \(exit 1\) at: webhook token from ssm:/failoverd/no-such-token: fetching ssm:/failoverd/no-such-token: .*ParameterNotFound"
}
check "  ... and the boot status names the step and the parameter that was not found" no_token_reported

finish
