#!/usr/bin/env bash
# Packs the control plane's config files for the whole-site profile (terraform: control_plane =
# true) into a tarball and prints its path and SHA-256 (control_plane_sha256):
#   scripts/build_control_plane_bundle.sh [OUT (control-plane.tar)] [ALERTMANAGER_YML]
# The files are this checkout's haproxy/haproxy.cfg, prometheus/prometheus.yml,
# prometheus/rules/*.yml and prometheus/alertmanager.yml, or ALERTMANAGER_YML in its place: your
# copy with your people's receivers, failoverd's receiver kept as shipped (the host points it at
# failoverd on loopback); and the installer that sets them up on the cloud host
# (terraform/files/install_control_plane.sh), pinned by the same hash instead of riding in the
# size-limited user data. Reproducible: the same files give the same hash.
set -euo pipefail
cd "$(dirname "$0")/.." || exit 1
out=${1:-control-plane.tar}
alertmanager=${2:-prometheus/alertmanager.yml}
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
mkdir -p "$staging/haproxy" "$staging/prometheus/rules"
cp haproxy/haproxy.cfg "$staging/haproxy/"
cp prometheus/prometheus.yml "$staging/prometheus/"
cp prometheus/rules/*.yml "$staging/prometheus/rules/"
cp "$alertmanager" "$staging/prometheus/alertmanager.yml"
cp terraform/files/install_control_plane.sh "$staging/"
tar -C "$staging" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 --mode=a+rX,u+w,go-w -cf "$out" \
    haproxy prometheus install_control_plane.sh
echo "$out $(sha256sum "$out" | cut -d' ' -f1)"
