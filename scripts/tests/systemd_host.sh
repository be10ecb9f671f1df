# shellcheck shell=bash
# Source it from a test: the cloud host's user data, rendered with local artifacts (file:// URLs
# instead of S3 and SSM), run as root in a container whose PID 1 is a real systemd (Debian
# bookworm, scripts/systemd_host_image.sh), with the host's Docker socket mounted ($docker_socket
# when set: a test's private dockerd). The test sets $host (container name), $cloud (the cloud
# copy's name) and $work (a temp directory) before it sources this.
: "${host:?set host (the name of the host container) before sourcing systemd_host.sh}" \
    "${cloud:?set cloud (the name of the cloud copy) before sourcing systemd_host.sh}" \
    "${work:?set work (a temp directory) before sourcing systemd_host.sh}"

# prepare_host_artifacts: builds what the user data fetches into $work/artifacts and sets
# $token, $webhook_port and $api_port. Exits the test when something cannot be built.
prepare_host_artifacts() {
    host_image=$(scripts/systemd_host_image.sh) || { echo "FAIL - cannot build the systemd host image"; exit 1; }
    docker image inspect onprem-api:latest >/dev/null 2>&1 || scripts/build_image.sh >/dev/null || exit 1
    socket_gid=$(stat -c %g "${docker_socket:-/var/run/docker.sock}")
    if [ "$socket_gid" = 0 ]; then
        echo "FAIL - ${docker_socket:-/var/run/docker.sock} belongs to group root; start dockerd with a docker group"
        exit 1
    fi
    mkdir -p "$work/artifacts"
    # The release package, as make package builds it and the cloud host installs it.
    deb=$(scripts/build_deb.sh .cache/deb 2>"$work/build.log") ||
        { echo "FAIL - cannot build the failoverd package"; tail -20 "$work/build.log"; exit 1; }
    cp "$deb" "$work/artifacts/failoverd.deb"
    docker save onprem-api:latest -o "$work/artifacts/onprem-api.tar"
    # The same release as make package lays it out, for scripts/publish.sh.
    make_dist "$work/dist" "$deb"
    # The people's receivers at a discard port on loopback: the test sends nothing off the machine.
    loopback_alertmanager_config https://failover.example.invalid:9095/failover /etc/alertmanager/failoverd-token \
        /etc/alertmanager/failoverd-ca.pem >"$work/alertmanager.yml"
    scripts/build_control_plane_bundle.sh "$work/artifacts/control-plane.tar" "$work/alertmanager.yml" >/dev/null
    token=proof-token-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
    echo "$token" >"$work/artifacts/webhook-token"
    webhook_port=$(free_port)
    api_port=$(free_port)
    copy_port=$(free_port)
    # The on-prem clients' CA the gateway trusts, and a client certificate it signed.
    tls_identities "$work/tls" && cp "$work/tls/client-ca.pem" "$work/artifacts/client-ca.pem"
    render_service_spec || { echo "FAIL - terraform console cannot render the service spec"; exit 1; }
    render_settings || { echo "FAIL - terraform console cannot render the settings"; exit 1; }
    chmod -R a+rX "$work/artifacts"
}

sha256_of() { sha256sum "$work/artifacts/$1" | cut -d' ' -f1; }

# make_dist DIR DEB: DEB and the demo image in DIR with their SHA256SUMS, as make package's dist/.
make_dist() {
    local version
    version=$(dpkg-deb -f "$2" Version)
    mkdir -p "$1" && cp "$2" "$1/" && ln -f "$work/artifacts/onprem-api.tar" "$1/onprem-api_$version.tar" &&
        (cd "$1" && sha256sum "${2##*/}" "onprem-api_$version.tar" >SHA256SUMS)
}

# publish_release ENDPOINT BUCKET PREFIX DIST: the operator's scripts/publish.sh, to the test's S3
# (moto) at ENDPOINT; records the release in $work/releases.tfvars.json as --tfvars does.
publish_release() {
    AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 \
        scripts/publish.sh --endpoint-url "$1" --bucket "$2" --prefix "$3" --dist "$4" --tfvars "$work/releases.tfvars.json"
}
# release_url BUCKET PREFIX DEB and release_sha VERSION: what main.tf passes for a published release.
release_url() { echo "s3://$1/$2/releases/$(dpkg-deb -f "$3" Version)/failoverd.deb"; }
release_sha() { jq -r --arg version "$1" '.releases[$version].failoverd_deb_sha256' "$work/releases.tfvars.json"; }

# render_service_spec [NAME:=HCL...]: the service spec Terraform writes to S3, rendered by
# terraform console from terraform/templates/service_spec.yml.tftpl into
# $work/artifacts/service-spec.yml: the demo API from the tarball, as main.tf renders it by
# default; the arguments override (a user's service).
# shellcheck disable=SC2120  # test_userdata_own_service.sh passes them; this file alone does not
render_service_spec() {
    scripts/lib/render_user_data.sh --template terraform/templates/service_spec.yml.tftpl \
        name:="\"$cloud\"" image:='"onprem-api:latest"' pull:='"never"' registry:='"none"' \
        env:="{SITE = \"cloud\", PORT = \"$copy_port\"}" secrets:='{}' volumes:='[]' command:='[]' entrypoint:='[]' \
        user:='""' working_dir:='""' memory:='"0"' cpus:=0 log_options:='{"max-size" = "10m", "max-file" = "3"}' \
        healthcheck:=null network_mode:='"host"' ports:='[]' "$@" >"$work/artifacts/service-spec.yml"
}

# render_settings [NAME=VALUE...]: failoverd's settings as Terraform stores them, rendered by
# terraform console from terraform/templates/settings.yml.tftpl around the service spec, into
# $work/artifacts/settings.yml, and the settings parameter's value ("URL SHA256") into
# $work/artifacts/settings-pointer: the demo API from the tarball, 600 s hold-down, no peers, no
# probe, acting; the arguments override (NAME:=HCL for the Alertmanager URLs' list).
# shellcheck disable=SC2120  # the tests pass them; this file alone does not
render_settings() {
    scripts/lib/render_user_data.sh --template terraform/templates/settings.yml.tftpl \
        probe_url= wan_rtt_ms=50 image_url=file:///artifacts/onprem-api.tar image_sha256="$(sha256_of onprem-api.tar)" \
        image=onprem-api:latest hold_down_seconds=600 alertmanager_urls:='[]' mode=act \
        service_spec=@"$work/artifacts/service-spec.yml" "$@" >"$work/artifacts/settings.yml" &&
        echo "file:///artifacts/settings.yml $(sha256_of settings.yml)" >"$work/artifacts/settings-pointer"
}

# render_user_data [NAME=VALUE...]: terraform's template, rendered by terraform console, with the
# test's artifacts and ports as main.tf would pass them; the arguments override (the whole-site
# profile's values). A later NAME=VALUE wins, as in an HCL object.
render_user_data() {
    scripts/lib/render_user_data.sh \
        package_url=file:///artifacts/failoverd.deb package_sha256="$(sha256_of failoverd.deb)" \
        settings_url=file:///artifacts/settings-pointer state_url=file:///var/lib/cloud/failoverd-state.json data_volume_id= token_url=file:///artifacts/webhook-token \
        client_ca_url=file:///artifacts/client-ca.pem copy_port="$copy_port" \
        tls_identity_url= tls_identity_key=alias/aws/ssm boot_status_url=file:///var/lib/cloud/boot-status region=us-east-1 \
        install_docker=false metadata_guard=false public_ip=127.0.0.1 webhook_port="$webhook_port" api_port="$api_port" \
        wan_rtt_ms=50 target=container control_plane=false control_plane_url=file:///artifacts/control-plane.tar \
        control_plane_sha256="$(sha256_of control-plane.tar)" onprem_api_address= frontend_port=0 \
        prometheus_port=0 alertmanager_port=0 haproxy_metrics_port=0 \
        host_lib=@terraform/files/host-lib.sh install_script=@terraform/files/install_failoverd.sh "$@" >"$work/user-data.sh"
}

# remove_host [CONTAINER...]: removes the host first, so its failoverd cannot make the cloud copy
# again while that is removed (docker rm removes its arguments at once), then the others.
remove_host() {
    docker rm -f "$host" >/dev/null 2>&1
    [ $# -eq 0 ] || docker rm -f "$@" >/dev/null 2>&1
}

# boot_host: starts the bookworm container with systemd as PID 1 and waits until it has booted.
boot_host() {
    start_host --network host -v "${docker_socket:-/var/run/docker.sock}:/var/run/docker.sock"
    # The AMI's Docker is replaced by the host's dockerd; its group id must match the socket's.
    in_host groupadd --system --gid "$socket_gid" docker
}
# boot_isolated_host: the same host in a network namespace of its own (loopback only) and with a
# /var/lib/docker volume ($host-docker) of its own, so the user data installs Docker from Debian
# and runs it there; NET_ADMIN is that namespace's only (dockerd makes its bridge and rules in it).
boot_isolated_host() {
    start_host --network none --cap-add NET_ADMIN -v "$host-docker:/var/lib/docker"
}
start_host() {  # DOCKER-RUN-ARGUMENTS...
    docker run -d --name "$host" --hostname failoverd-proof --cap-add SYS_ADMIN --cgroupns=private \
        --tmpfs /run --tmpfs /run/lock --stop-signal SIGRTMIN+3 "$@" \
        -v "$work/artifacts:/artifacts:ro" -v "$work/user-data.sh:/var/lib/cloud/user-data.sh:ro" \
        "$host_image" /sbin/init >/dev/null || exit 1
    check "systemd boots as PID 1 in the bookworm host container" wait_for 60 booted
}
in_host() { docker exec "$host" "$@"; }
# stand_in_for_the_role UNIT...: test credentials for what the user data starts under systemd and
# that calls AWS (moto here), as the instance role's are on EC2.
stand_in_for_the_role() {
    local unit
    for unit in "$@"; do
        in_host mkdir -p "/etc/systemd/system/$unit.d" &&
            printf '[Service]\nEnvironment=AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing\n' |
            docker exec -i "$host" tee "/etc/systemd/system/$unit.d/test-role.conf" >/dev/null || return 1
    done
    in_host systemctl daemon-reload
}
# save_host_certificate: failoverd's self-signed certificate, made by the user data, to $work/cert.pem.
save_host_certificate() { in_host cat /etc/failoverd/tls/cert.pem >"$work/cert.pem" 2>/dev/null; }
# copy_answers PATH: the cloud copy through the host's TLS gateway on the API port, as on-prem's
# HAProxy reaches it: the host's certificate pinned, the test's client certificate shown.
copy_answers() {
    curl -fsS --max-time 5 --cacert "$work/cert.pem" --cert "$work/tls/client.pem" "https://127.0.0.1:$api_port$1"
}
# api METHOD PATH [BODY]: HTTPS to failoverd with the token and the host's own certificate; 10 s
# is above failoverd's 8 s reply deadline, so every webhook gets its answer.
api() {
    curl -fsS --max-time 10 --cacert "$work/cert.pem" -X "$1" -H "Authorization: Bearer $token" \
        -H 'Content-Type: application/json' ${3:+--data "$3"} "https://127.0.0.1:$webhook_port$2"
}
booted() { in_host systemctl is-system-running 2>/dev/null | grep -Eq '^(running|degraded)$'; }
