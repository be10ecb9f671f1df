#!/usr/bin/env bash
# Makes the Docker image of a Debian 12 rootfs with systemd as PID 1, standing in for the cloud
# host's AMI (which also has curl, openssl, CA certificates and libyaml-0-2, through cloud-init's
# python3-yaml), and prints its name. HAProxy, Prometheus and Alertmanager are preinstalled, so
# the whole-site profile's user data, which installs them from Debian on a real host, needs no
# network in the test.
# Built with debootstrap and `docker import`, no registry. The rootfs tarball is cached in
# .cache/ between local runs; CI starts without it and builds it (about a minute).
set -euo pipefail
cd "$(dirname "$0")/.."
image=failoverd-systemd-host:bookworm-cloud
cache=.cache/systemd-host-bookworm-cloud.tar
if docker image inspect "$image" >/dev/null 2>&1; then
    echo "$image"
    exit 0
fi
if [ ! -s "$cache" ]; then
    mkdir -p .cache
    rootfs=$(mktemp -d /tmp/systemd-host-rootfs.XXXXXX)
    trap 'rm -rf "$rootfs"' EXIT
    echo "debootstrap bookworm into $rootfs" >&2
    debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,curl,ca-certificates,openssl,libyaml-0-2,haproxy,prometheus,prometheus-alertmanager \
        bookworm "$rootfs" http://deb.debian.org/debian >"$rootfs.log" 2>&1 ||
        { tail -20 "$rootfs.log" >&2; exit 1; }
    rm -f "$rootfs.log"
    tar -C "$rootfs" -cf "$cache.partial" . && mv "$cache.partial" "$cache"
fi
docker import "$cache" "$image" >/dev/null
echo "$image"
