#!/usr/bin/env bash
# Installs the Debian packages the kit's build, tests and lab use; a no-op when all are present.
set -euo pipefail
packages=(docker.io iproute2 awscli haproxy prometheus prometheus-alertmanager libsystemd-dev systemd wrk curl jq python3 python3-pytest python3-matplotlib make binutils librsvg2-bin openssl debootstrap shellcheck dpkg-dev lintian libyaml-dev busybox-static docker-registry apache2-utils)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
