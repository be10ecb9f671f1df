#!/usr/bin/env bash
# Makes the Docker image of a Debian 12 rootfs with systemd as PID 1, standing in for the cloud
# host's AMI (which also has curl, openssl, CA certificates and libyaml-0-2, through cloud-init's
# python3-yaml), and prints its name. HAProxy, Prometheus and Alertmanager are preinstalled, so
# the whole-site profile's user data, which installs them from Debian on a real host, needs no
# network in the test. Its only apt source is a local mirror of Debian's packages for awscli and
# docker.io (fetched here with minbase; python3-cffi-backend named because debootstrap does not
# resolve the virtual package awscli needs), so the user data's `apt-get install` of either runs
# for real and no test can reach Debian's servers.
# Built with debootstrap and `docker import`, no registry. The rootfs tarball is cached in
# .cache/ between local runs; CI starts without it and builds it (about a minute).
set -euo pipefail
cd "$(dirname "$0")/.." || exit 1
image=failoverd-systemd-host:bookworm-cloud-apt-mirror-2
cache=.cache/systemd-host-bookworm-cloud-apt-mirror-2.tar
if docker image inspect "$image" >/dev/null 2>&1; then
    echo "$image"
    exit 0
fi
if [ ! -s "$cache" ]; then
    mkdir -p .cache
    rootfs=$(mktemp -d /tmp/systemd-host-rootfs.XXXXXX)
    trap 'rm -rf "$rootfs" "$rootfs.mirror" "$rootfs.log"' EXIT
    echo "debootstrap bookworm into $rootfs" >&2
    debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,curl,ca-certificates,openssl,libyaml-0-2,haproxy,prometheus,prometheus-alertmanager \
        bookworm "$rootfs" http://deb.debian.org/debian >"$rootfs.log" 2>&1 ||
        { tail -20 "$rootfs.log" >&2; exit 1; }
    echo "debootstrap --download-only awscli, docker.io and nftables for the host's local mirror" >&2
    debootstrap --variant=minbase --download-only --include=awscli,python3-cffi-backend,docker.io,nftables bookworm "$rootfs.mirror" http://deb.debian.org/debian \
        >"$rootfs.log" 2>&1 || { tail -20 "$rootfs.log" >&2; exit 1; }
    mirror=$rootfs/var/local/debian-mirror
    mkdir -p "$mirror"
    mv "$rootfs.mirror"/var/cache/apt/archives/*.deb "$mirror/"
    (cd "$mirror" && dpkg-scanpackages --multiversion . 2>/dev/null >Packages)
    echo "deb [trusted=yes] file:/var/local/debian-mirror ./" >"$rootfs/etc/apt/sources.list"
    tar -C "$rootfs" -cf "$cache.partial" . && mv "$cache.partial" "$cache"
fi
docker import "$cache" "$image" >/dev/null
echo "$image"
