#!/usr/bin/env bash
# The release package as an operator meets it, under a booted systemd (Debian bookworm, PID 1 in a
# container, the machine's dockerd through its socket): lintian finds nothing; `apt-get install`
# of the .deb enables the unit without starting it; configured by hand as docs/deploy.md says, it
# serves and fails over on a real webhook; then, while failed over, an upgrade to the next release
# and a rollback to this one each restart failoverd on the new binary while the cloud copy keeps
# serving, untouched, with the state and /etc/failoverd kept; remove keeps the state, purge drops it.
# Release N is VERSION's; N+1 is built from the same tree with the next patch number.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
source scripts/tests/lib.sh

host=failoverd-package-host-$$
cloud=failoverd-package-cloud-$$
work=$(mktemp -d /tmp/failoverd-package.XXXXXX)
source scripts/tests/systemd_host.sh  # after $host, $cloud and $work, which it reads
probe_pid=""
cleanup() {
    stop_pid "$probe_pid"
    remove_host "$cloud"
    rm -rf "$work"
}
trap cleanup EXIT

# setup: the two releases, the host, a certificate for failoverd's TLS listener
release=$(cat VERSION)
next_release=$(echo "$release" | awk -F. '{print $1 "." $2 "." $3 + 1}')
mkdir -p "$work/artifacts"
build_failed() { echo "FAIL - $1"; tail -20 "$work/build.log"; exit 1; }
deb_next=$(RELEASE=$next_release scripts/build_deb.sh .cache/deb 2>"$work/build.log") || build_failed "RELEASE=$next_release scripts/build_deb.sh"
deb_n=$(scripts/build_deb.sh .cache/deb 2>"$work/build.log") || build_failed scripts/build_deb.sh
cp "$deb_n" "$deb_next" "$work/artifacts/"
version_n=$(dpkg-deb -f "$deb_n" Version)
version_next=$(dpkg-deb -f "$deb_next" Version)
echo "       release N: $version_n ($(du -m "$deb_n" | cut -f1) MiB), N+1: $version_next"

lintian_clean() {
    local tags
    tags=$(lintian --fail-on error,warning,info --display-info "$1" 2>&1 | grep -v 'running with root privileges is not recommended')
    echo "$tags"
    [ -z "$tags" ]
}
check "lintian reports no error, warning or info tag (overrides justified in packaging/failoverd/lintian-overrides)" lintian_clean "$deb_n"
check "the package version is <release>+git<revision> from VERSION" \
    grep -Eq "^$release\+git([0-9a-f]{7,}(\.dirty)?|unknown)\$" <<<"$version_n"

host_image=$(scripts/systemd_host_image.sh) || { echo "FAIL - cannot build the systemd host image"; exit 1; }
docker image inspect onprem-api:latest >/dev/null 2>&1 || scripts/build_image.sh >/dev/null || exit 1
socket_gid=$(stat -c %g /var/run/docker.sock)
touch "$work/user-data.sh"
chmod -R a+rX "$work/artifacts"
webhook_port=$(free_port)
api_port=$(free_port)
token=package-token-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
boot_host

property() { in_host systemctl show -P "$1" failoverd.service; }
installed_version() { in_host dpkg-query -W -f '${Version}' failoverd; }

# act: install as an operator does on a host without Terraform: the package lists first (its
# dependencies, haproxy and nftables, come from Debian); not Docker, which Recommends would bring:
# this host's Docker is the machine's.
check "apt-get update reads the host's Debian mirror" in_host apt-get update -q
check "apt-get install ./failoverd_${version_n}_amd64.deb succeeds" in_host apt-get install -y -q --no-install-recommends "/artifacts/${deb_n##*/}"
check "dpkg knows the version that was installed" test "$(installed_version)" = "$version_n"
check "the unit is enabled by the install" test "$(in_host systemctl is-enabled failoverd.service)" = enabled
check "  ... but not started before a token exists (start condition unmet, not failed)" \
    test "$(property ActiveState) $(property ConditionResult)" = "inactive no"
check "the failoverd-secrets group exists (sysusers.d)" in_host getent group failoverd-secrets
conffiles() { in_host dpkg-query -W -f '${Conffiles}' failoverd | grep -q '^ /etc/failoverd/failoverd.yml '; }
check "/etc/failoverd/failoverd.yml is a conffile" conffiles
check "man failoverd's page, the unit's Documentation= README and the runbook it links to are installed" \
    in_host test -s /usr/share/man/man8/failoverd.8.gz -a -s /usr/share/doc/failoverd/README.md -a -s /usr/share/doc/failoverd/docs/operate.md

# Configured by hand: the token and TLS key readable by the failoverd-secrets group, the config.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=failoverd \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
docker cp "$work/key.pem" "$host:/etc/failoverd/key.pem"
docker cp "$work/cert.pem" "$host:/etc/failoverd/cert.pem"
in_host sh -c "umask 027 && printf '%s\n' '$token' >/etc/failoverd/webhook-token && chgrp failoverd-secrets /etc/failoverd/webhook-token /etc/failoverd/key.pem && chmod 0640 /etc/failoverd/key.pem"
cat >"$work/failoverd.yml" <<CONFIG
# Edited by hand after apt-get install (test_package.sh).
listen: {host: 127.0.0.1, port: $webhook_port}
tls: {certificate: /etc/failoverd/cert.pem, key: /etc/failoverd/key.pem}
auth: {token_file: /etc/failoverd/webhook-token}
hold_down_seconds: 600
container:
  name: $cloud
  image: onprem-api:latest
  env: [SITE=cloud, PORT=$api_port]
  network_mode: host
CONFIG
docker cp "$work/failoverd.yml" "$host:/etc/failoverd/failoverd.yml"
config_sum() { in_host sha256sum /etc/failoverd/failoverd.yml | cut -d' ' -f1; }
edited_config=$(config_sum)
check "failoverd check-config accepts the edited configuration" in_host failoverd check-config
check "systemctl start failoverd: active" in_host systemctl start failoverd.service
status_line() { in_host systemctl status --no-pager --lines=0 failoverd.service | sed -n 's/^ *Status: "\(.*\)"$/\1/p'; }
standby() { status_line | grep -q '^standby: cloud copy'; }
check "systemctl status shows failoverd's status line (standby)" standby

firing=$(python3 scripts/lib/webhook_body.py --status firing --fingerprint package0001)
check "a firing webhook over HTTPS is accepted" api POST /failover "$firing"
cloud_serves() { curl -fsS --max-time 1 "http://127.0.0.1:$api_port/health" >/dev/null; }
check "the cloud copy serves" wait_for 30 cloud_serves
started_at() { docker inspect -f '{{.State.StartedAt}}' "$cloud"; }
copy_started=$(started_at)

# A probe of the cloud copy every 50 ms through the upgrade and the rollback.
probe() { while :; do if cloud_serves; then echo ok; else echo failed; fi; sleep 0.05; done; }
probe >"$work/probe.log" 2>&1 &
probe_pid=$!

state_kept() {
    api GET /status | json_holds '[.firing_trigger_alerts[].fingerprint] == ["package0001"] and .desired == "running" and .actual == "running"'
}

version_line_is() { in_host failoverd --version | grep -qF "failoverd $1 "; }
build_info_is() {
    page_has "https://127.0.0.1:$webhook_port/metrics" "failoverd_build_info{version=\"$1\",revision=\"${1#*+git}\"" \
        --cacert "$work/cert.pem" -H "Authorization: Bearer $token"
}

# change_release DEB VERSION WHAT [apt-get options]: installs DEB over the running release and checks
# what an operator relies on while failed over.
change_release() {
    local deb=$1 version=$2 what=$3 pid_before
    shift 3
    pid_before=$(property MainPID)
    check "$what: apt-get install ${deb##*/} succeeds" in_host apt-get install -y -q --no-install-recommends "$@" "/artifacts/${deb##*/}"
    check "  ... dpkg says $version" test "$(installed_version)" = "$version"
    check "  ... the unit was restarted on the new binary (another main PID, active)" \
        test "$(property MainPID)" != "$pid_before" -a "$(property ActiveState)" = active
    check "  ... failoverd --version says $version" version_line_is "$version"
    check "  ... failoverd_build_info carries the version and its revision" build_info_is "$version"
    check "  ... the firing alert and the running copy are still known (state kept)" wait_for 15 state_kept
    check "  ... the edited /etc/failoverd/failoverd.yml is kept as it was" test "$(config_sum)" = "$edited_config"
    check "  ... the cloud copy was not restarted (container start time unchanged)" test -n "$copy_started" -a "$(started_at)" = "$copy_started"
}
change_release "$deb_next" "$version_next" "upgrade to N+1 while failed over"
change_release "$deb_n" "$version_n" "rollback to N while failed over" --allow-downgrades
stop_pid "$probe_pid"; probe_pid=""
probes=$(grep -c . "$work/probe.log"); probe_failures=$(grep -c failed "$work/probe.log")
check "the cloud copy answered every probe through the upgrade and the rollback ($probe_failures failed of $probes)" \
    test "$probes" -gt 20 -a "$probe_failures" = 0

# A configuration error stops the unit at once (RestartPreventExitStatus=78), saying why.
docker cp "$host:/etc/failoverd/failoverd.yml" "$work/good.yml"
in_host sh -c 'echo "hold_down_seconds: [1" >>/etc/failoverd/failoverd.yml'
restarts_before=$(property NRestarts)
in_host systemctl restart failoverd.service
stopped_for_config() {
    test "$(property ActiveState) $(property ExecMainStatus)" = "failed 78" &&
        in_host journalctl -u failoverd.service --no-pager -n 10 -o cat | grep -q '^configuration error: /etc/failoverd/failoverd.yml: not valid YAML'
}
check "a broken configuration fails the unit with exit 78 and the error in the journal" wait_for 10 stopped_for_config
sleep 3
check "  ... and systemd does not restart it into the same error" test "$(property NRestarts) $(property ActiveState)" = "$restarts_before failed"
docker cp "$work/good.yml" "$host:/etc/failoverd/failoverd.yml"
check "  ... fixed, systemctl restart brings it back" in_host systemctl restart failoverd.service

removed() { in_host apt-get remove -y -q failoverd && ! in_host systemctl is-active --quiet failoverd.service; }
check "apt-get remove: failoverd stops" removed
check "  ... the cloud copy keeps serving" cloud_serves
check "  ... the state is kept for a reinstall" in_host test -s /var/lib/failoverd/state.json
purged() {
    in_host apt-get purge -y -q failoverd &&
        in_host sh -c '! test -e /var/lib/failoverd && ! test -e /var/lib/private/failoverd && ! test -e /etc/failoverd/failoverd.yml && test -s /etc/failoverd/webhook-token'
}
check "apt-get purge: the state and the conffile are gone, the operator's token stays" purged

if [ "$failed" -gt 0 ]; then
    echo "       --- journal (last 30 lines) ---"
    in_host journalctl -u failoverd.service --no-pager -n 30 | sed 's/^/       /'
fi
finish
