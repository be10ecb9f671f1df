# shellcheck shell=bash
# --- install_failoverd.sh: appended to the rendered user data after host-lib.sh; expects the
# variables above. Installs Docker (unless the image already has it), the release's failoverd
# package (checked against its SHA-256), the data volume, the webhook token, the TLS identity for
# the Elastic IP and the TLS gateway: what the host is. What failoverd does (its settings and the
# protected service's spec) is applied by failoverd-settings from the object the settings
# parameter names, now and whenever it changes (its timer), without replacing the host.
# failoverd pulls a registry image itself, at startup: the cold standby is made once it is there.
# Safe to run again: every step replaces or keeps what the last run left.
set -euo pipefail
umask 022
# The boot's outcome where the operator reads it without SSH (BOOT_STATUS_URL: ssm:/parameter,
# file:// for a test): "ok: failoverd VERSION", or the step that failed and its message.
report_boot() {
    local code=$? outcome
    if [ "$code" = 0 ]; then
        outcome="ok: $(failoverd --version 2>&1 | head -1)"
    else
        outcome=$(failed_step "$code")
    fi
    report_status "$outcome" || log "could not report the boot's outcome to $BOOT_STATUS_URL"
    rm -rf "$WORK"
}
WORK=$(mktemp -d)
trap report_boot EXIT

needs_aws=false
for url in "$PACKAGE_URL" "$SETTINGS_URL" "$STATE_URL" "$TOKEN_URL" "$TLS_IDENTITY_URL" "$BOOT_STATUS_URL"; do
    case "$url" in s3://* | ssm:*) needs_aws=true ;; esac
done
# live-restore: a dockerd restart (a package upgrade) leaves the cloud copy running instead of
# stopping it while it serves (the lab's dockerd-restart-failed-over scenario). Swarm mode refuses
# it (swarm restarts the replicas instead). Written before docker.io is installed, so the dockerd
# the package starts has it; an existing daemon.json is the image's and is kept.
new_daemon_json=false
if [ "$INSTALL_DOCKER" = true ] && [ ! -e /etc/docker/daemon.json ]; then
    install -d -m 0755 /etc/docker
    if [ "$TARGET" = swarm ]; then echo '{}'; else echo '{"live-restore": true}'; fi >/etc/docker/daemon.json
    new_daemon_json=true
fi
packages=()
[ "$INSTALL_DOCKER" = true ] && ! command -v dockerd >/dev/null && packages+=(docker.io)
$needs_aws && ! command -v aws >/dev/null && packages+=(awscli)
command -v curl >/dev/null || packages+=(curl ca-certificates)
command -v openssl >/dev/null || packages+=(openssl)
dockerd_was_running=false
systemctl -q is-active docker.service && dockerd_was_running=true
# The package lists, once: the failoverd package's own dependencies (haproxy, nftables) come from
# them too, and an image's lists are as old as the image.
apt-get update -q
if [ "${#packages[@]}" -gt 0 ]; then
    log "installing ${packages[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${packages[@]}"
fi
if [ "$INSTALL_DOCKER" = true ]; then
    systemctl enable --now docker.socket docker.service
    # The image's dockerd, already running, reads the new daemon.json on SIGHUP (live-restore is
    # reloadable); not `systemctl reload`, whose /bin/kill needs procps.
    if $new_daemon_json && $dockerd_was_running; then
        systemctl kill --kill-whom=main --signal=HUP docker.service
    fi
fi

log "failoverd package from $PACKAGE_URL"
fetch "$PACKAGE_URL" "$WORK/failoverd.deb"
verify "$PACKAGE_SHA256" "$WORK/failoverd.deb"
# The unit, the binary and the failoverd-secrets group come with it. On a second run over an
# edited configuration, confold keeps the operator's file rather than stopping at dpkg's question.
chmod 0644 "$WORK/failoverd.deb"
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-confdef \
    -o Dpkg::Options::=--force-confold "$WORK/failoverd.deb"

# The cloud copy must not reach the instance metadata service (the role's credentials read every
# secret in SSM): nftables drops what Docker's bridges forward to it.
if [ "$METADATA_GUARD" = true ]; then
    systemctl enable --now failoverd-metadata-guard.service || die "cannot load the metadata guard: journalctl -u failoverd-metadata-guard"
fi

log "waiting for dockerd"
for _ in $(seq 1 60); do
    docker_api http://docker/_ping >/dev/null 2>&1 && break
    sleep 1
done
docker_api http://docker/_ping >/dev/null || die "dockerd does not answer on /var/run/docker.sock"
getent group docker >/dev/null || die "no docker group: failoverd's socket proxy reaches dockerd through it"

if [ "$TARGET" = swarm ]; then
    # A single-node swarm on loopback: the cloud copy is a service failoverd scales 0 -> 1.
    info=$(docker_api http://docker/info)
    if ! grep -q '"LocalNodeState":"active"' <<<"$info"; then
        grep -q '"LiveRestoreEnabled":true' <<<"$info" &&
            die "dockerd runs with live-restore, which swarm mode refuses: remove it from /etc/docker/daemon.json and restart docker"
        log "making this host a single-node swarm"
        # Not docker_api: on failure its -f drops the body, which holds Docker's reason.
        answer=$(curl -sS --unix-socket /var/run/docker.sock -X POST -H 'Content-Type: application/json' \
            -d '{"ListenAddr": "127.0.0.1:2377", "AdvertiseAddr": "127.0.0.1"}' -w '\n%{http_code}' \
            http://docker/swarm/init) || die "docker swarm init: dockerd did not answer"
        [ "${answer##*$'\n'}" = 200 ] || die "docker swarm init failed: ${answer%$'\n'*}"
    fi
fi

# The data volume outlives the host: formatted only when blank, mounted at /srv/failoverd-data.
if [ -n "$DATA_VOLUME_ID" ]; then
    device=/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_${DATA_VOLUME_ID//-/}
    log "waiting for the data volume $DATA_VOLUME_ID ($device)"
    for _ in $(seq 1 300); do [ -e "$device" ] && break; sleep 1; done
    [ -e "$device" ] || die "the data volume $DATA_VOLUME_ID is not attached after 300 s (see its aws_volume_attachment)"
    if ! blkid "$device" >/dev/null; then
        log "formatting the new data volume"
        mkfs.ext4 -q -L failoverd-data "$device"
    fi
    uuid=$(blkid -s UUID -o value "$device") || die "the data volume $DATA_VOLUME_ID has no file system UUID"
    install -d -m 0755 /srv/failoverd-data
    grep -q "^UUID=$uuid " /etc/fstab || echo "UUID=$uuid /srv/failoverd-data ext4 defaults,nofail 0 2" >>/etc/fstab
    mountpoint -q /srv/failoverd-data || mount /srv/failoverd-data || die "cannot mount the data volume at /srv/failoverd-data"
fi

# Secrets are readable by root and the failoverd-secrets group only (the unit's
# SupplementaryGroups; the package made the group), never by other users, and never in the
# environment or the unit (the service's own come with its settings).
install -d -m 0755 /etc/failoverd /etc/failoverd/tls
install -d -m 0750 -g failoverd-secrets /etc/failoverd/secrets
log "webhook token from $TOKEN_URL"
# Not in a subshell: a failed fetch's message must reach the boot's report.
umask 077
fetch "$TOKEN_URL" "$WORK/token"
umask 022
[ "$(tr -d '[:space:]' <"$WORK/token" | wc -c)" -ge 16 ] || die "the webhook token must be at least 16 characters"
install -m 0640 -o root -g failoverd-secrets "$WORK/token" /etc/failoverd/webhook-token
# The TLS identity: a self-signed key and certificate for the Elastic IP, which every on-prem
# Alertmanager pins. With TLS_IDENTITY_URL (ssm:NAME) the first host makes it and stores it there,
# and every later host (a replacement) serves the same one; the role may create the parameter but
# never overwrite it, so of two hosts racing the first one's wins. Without it, the one on this
# disk is kept across runs.
mint_identity() {  # DIR: key.pem and cert.pem for $PUBLIC_IP
    log "making a TLS certificate for $PUBLIC_IP"
    # 127.0.0.1 too: the whole-site profile's Prometheus and Alertmanager reach failoverd on loopback.
    local san="IP:$PUBLIC_IP"
    [ "$PUBLIC_IP" = 127.0.0.1 ] || san="$san,IP:127.0.0.1"
    (umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 825 \
        -subj "/CN=failoverd" -addext "subjectAltName=$san" -keyout "$1/key.pem" -out "$1/cert.pem" 2>/dev/null)
}
stored_identity() {  # DEST: the stored identity (key and certificate, PEM) to DEST; fails with the CLI's error in $WORK/ssm.err
    fetch "$TLS_IDENTITY_URL" "$1" 2>"$WORK/ssm.err"
}
if [ -n "$TLS_IDENTITY_URL" ]; then
    [[ "$TLS_IDENTITY_URL" == ssm:/* ]] || die "TLS_IDENTITY_URL must be ssm:/NAME, not $TLS_IDENTITY_URL"
    identity=$WORK/identity.pem
    (umask 077 && touch "$identity")
    if stored_identity "$identity"; then
        log "TLS identity from $TLS_IDENTITY_URL"
    elif grep -q ParameterNotFound "$WORK/ssm.err"; then
        log "no TLS identity at $TLS_IDENTITY_URL yet: this is the first host"
        mint_identity "$WORK"
        cat "$WORK/key.pem" "$WORK/cert.pem" >"$identity"
        if ! aws_cli ssm put-parameter --name "${TLS_IDENTITY_URL#ssm:}" --type SecureString --key-id "$TLS_IDENTITY_KEY" \
            --description "failoverd TLS key and certificate for $PUBLIC_IP" --value "file://$identity" >/dev/null 2>"$WORK/ssm.err"; then
            grep -q ParameterAlreadyExists "$WORK/ssm.err" ||
                die "cannot store the TLS identity at $TLS_IDENTITY_URL: $(cat "$WORK/ssm.err")"
            log "another host stored its TLS identity first; using that one"
            stored_identity "$identity" || die "cannot read the TLS identity at $TLS_IDENTITY_URL: $(cat "$WORK/ssm.err")"
        fi
    else
        die "cannot read the TLS identity at $TLS_IDENTITY_URL: $(cat "$WORK/ssm.err")"
    fi
    (umask 077 && openssl pkey -in "$identity" -out "$WORK/key.pem" 2>/dev/null) ||
        die "the TLS identity at $TLS_IDENTITY_URL holds no private key"
    openssl x509 -in "$identity" -out "$WORK/cert.pem" 2>/dev/null || die "the TLS identity at $TLS_IDENTITY_URL holds no certificate"
    [ "$(openssl pkey -in "$WORK/key.pem" -pubout)" = "$(openssl x509 -in "$WORK/cert.pem" -noout -pubkey)" ] ||
        die "the TLS identity at $TLS_IDENTITY_URL: the key does not belong to the certificate"
    names=$(openssl x509 -in "$WORK/cert.pem" -noout -ext subjectAltName | tail -n +2 | tr -s " ")
    # Whole entries: a certificate for 1.2.3.45 does not name 1.2.3.4.
    tr ',' '\n' <<<"$names" | grep -qxF " IP Address:$PUBLIC_IP" || die "the TLS identity at $TLS_IDENTITY_URL is for${names}, not for this host's address" \
        "$PUBLIC_IP (a new Elastic IP?): delete the parameter so this host makes a new one, and pin that on-prem (docs/limitations.md: rotating the certificate)"
    install -m 0640 -o root -g failoverd-secrets "$WORK/key.pem" /etc/failoverd/tls/key.pem
    install -m 0644 "$WORK/cert.pem" /etc/failoverd/tls/cert.pem
elif [ ! -s /etc/failoverd/tls/key.pem ]; then
    mint_identity /etc/failoverd/tls
fi
chown root:failoverd-secrets /etc/failoverd/tls/key.pem
chmod 0640 /etc/failoverd/tls/key.pem
chmod 0644 /etc/failoverd/tls/cert.pem

# The cloud copy's TLS gateway: the host's identity (the certificate on-prem pins), and only
# clients with a certificate the on-prem clients' CA signed, in front of the copy on loopback.
log "on-prem clients' CA from $CLIENT_CA_URL"
fetch "$CLIENT_CA_URL" "$WORK/client-ca.pem"
openssl x509 -in "$WORK/client-ca.pem" -noout 2>/dev/null || die "$CLIENT_CA_URL holds no PEM certificate (the on-prem clients' CA)"
install -m 0644 "$WORK/client-ca.pem" /etc/failoverd/tls/client-ca.pem
(umask 077 && cat /etc/failoverd/tls/key.pem /etc/failoverd/tls/cert.pem >"$WORK/gateway.pem")
install -m 0640 -o root -g failoverd-secrets "$WORK/gateway.pem" /etc/failoverd/tls/gateway.pem
cat >/etc/default/failoverd-gateway <<GATEWAY
# Written by the cloud host's user data (terraform/files/install_failoverd.sh).
GATEWAY_BIND=:$API_PORT
GATEWAY_CERT=/etc/failoverd/tls/gateway.pem
GATEWAY_CLIENT_CA=/etc/failoverd/tls/client-ca.pem
COPY_ADDR=127.0.0.1:$COPY_PORT
GATEWAY
systemctl enable failoverd-gateway.service
systemctl restart failoverd-gateway.service || die "the TLS gateway does not start: journalctl -u failoverd-gateway"

# What failoverd-settings needs to apply the settings, now and at each change. Root's alone to
# write: the service sources it.
{
    echo "# Written by the cloud host's user data (terraform/files/install_failoverd.sh)."
    printf 'SETTINGS_URL=%q\nSTATE_URL=%q\nBOOT_STATUS_URL=%q\nREGION=%q\nWEBHOOK_PORT=%q\nTARGET=%q\nAWS_ENDPOINT_URL=%q\n' \
        "$SETTINGS_URL" "$STATE_URL" "$BOOT_STATUS_URL" "$REGION" "$WEBHOOK_PORT" "$TARGET" "${AWS_ENDPOINT_URL:-}"
} >/etc/failoverd/host.env

# failoverd's state from the host this one replaces (a pause, the failover episode, the stop
# budget), before failoverd first starts; a host with state of its own (a second run) keeps it.
# Placed where the unit's DynamicUser keeps it: systemd gives it to failoverd's user at start.
state_copy() {  # whether STATE_URL holds a copy; fails on an answer other than "not there"
    case "$STATE_URL" in
        s3://*) aws_cli s3 ls "$STATE_URL" >/dev/null 2>"$WORK/state.err" || { [ ! -s "$WORK/state.err" ] && return 1; die "cannot look for failoverd's state at $STATE_URL: $(tail -1 "$WORK/state.err")"; } ;;
        file://*) [ -s "${STATE_URL#file://}" ] ;;
    esac
}
if [ -n "$STATE_URL" ] && [ ! -e /var/lib/failoverd/state.json ]; then
    if state_copy; then
        log "failoverd's state from $STATE_URL"
        fetch "$STATE_URL" "$WORK/state.json"
        install -d -m 0700 /var/lib/private /var/lib/private/failoverd
        install -m 0600 "$WORK/state.json" /var/lib/private/failoverd/state.json
    else
        log "no state at $STATE_URL yet: this is the first host"
    fi
fi
systemctl enable --now failoverd-state-backup.path
log "settings from $SETTINGS_URL"
# failoverd.yml from the settings, then failoverd (re)started: Type=notify, so this returns once
# it sent READY=1, or fails if it never does. The token now exists: the unit's condition holds.
/usr/lib/failoverd/apply-settings --boot 2>"$WORK/settings.err" || {
    cat "$WORK/settings.err" >&2
    die "$(sed -n 's/^failoverd-settings: FAILED: //p' "$WORK/settings.err" | tail -1)"
}
systemctl --no-pager --lines=0 status failoverd.service
systemctl enable --now failoverd-settings.timer

# The whole-site profile: the control plane's bundle carries its installer, under the same SHA-256.
if [ "$CONTROL_PLANE" = true ]; then
    log "control plane bundle from $CONTROL_PLANE_URL"
    fetch "$CONTROL_PLANE_URL" "$WORK/control-plane.tar"
    verify "$CONTROL_PLANE_SHA256" "$WORK/control-plane.tar"
    mkdir -p "$WORK/control-plane" && tar -C "$WORK/control-plane" -xf "$WORK/control-plane.tar"
    # What it reads of the user data's values besides those used here too.
    export ONPREM_API_ADDRESS FRONTEND_PORT PROMETHEUS_PORT ALERTMANAGER_PORT HAPROXY_METRICS_PORT WAN_RTT_MS
    # shellcheck source=terraform/files/install_control_plane.sh
    . "$WORK/control-plane/install_control_plane.sh"
fi
log "done: failoverd is $(systemctl is-active failoverd.service)"
