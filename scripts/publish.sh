#!/usr/bin/env bash
# Publishes the release make package built (dist/) to the artifact bucket, where Terraform's
# `release` variable picks it by version:
#   PREFIX/releases/VERSION/failoverd.deb, SHA256SUMS   the package, and the checksums of the release
#   PREFIX/images/SHA256.tar                            the demo API's image (onprem-api:latest); with
#                                                       --image-tarball FILE, your service's (docker save)
#   PREFIX/control-plane/SHA256.tar                     with --control-plane FILE: the whole-site bundle
# A published version is never replaced: the same version with other bytes is refused (build a new
# one), the same bytes again is a no-op. The release's SHA256SUMS goes last, so a release that has
# one is whole. With --tfvars FILE, the version and its package's checksum are added to FILE's
# `releases` map (a Terraform JSON variables file, e.g. terraform/releases.auto.tfvars.json): the
# checksum Terraform pins the host's package to comes from your side, not from the bucket.
# Rolling back is setting `release` to an earlier version in that map (docs/deploy.md).
#
# Usage: scripts/publish.sh --bucket BUCKET [--prefix PREFIX] [--dist DIR] [--tfvars FILE]
#            [--image-tarball FILE] [--control-plane FILE] [--endpoint-url URL] [--help]
#   --prefix         the key prefix, Terraform's artifact_prefix (default failoverd)
#   --dist           where make package put the release (default dist)
#   --endpoint-url   an S3 endpoint other than AWS's (a VPC endpoint; a test's local S3)
# Needs the AWS CLI with credentials that may write the bucket.
set -euo pipefail
cd "$(dirname "$0")/.." || exit 1
. scripts/lib/usage.sh
bucket="" prefix=failoverd dist=dist tfvars="" image_tarball="" control_plane="" endpoint=""
while [ $# -gt 0 ]; do
    case "$1" in
        --bucket) bucket=$2; shift 2 ;;
        --prefix) prefix=$2; shift 2 ;;
        --dist) dist=$2; shift 2 ;;
        --tfvars) tfvars=$2; shift 2 ;;
        --image-tarball) image_tarball=$2; shift 2 ;;
        --control-plane) control_plane=$2; shift 2 ;;
        --endpoint-url) endpoint=$2; shift 2 ;;
        --help | -h) print_usage "$0"; exit 0 ;;
        *) echo "publish.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
fail() { echo "publish.sh: $*" >&2; exit 1; }
[ -n "$bucket" ] || fail "--bucket is required (Terraform's artifact_bucket)"
s3() { aws ${endpoint:+--endpoint-url "$endpoint"} s3 "$@"; }
exists() { aws ${endpoint:+--endpoint-url "$endpoint"} s3api head-object --bucket "$bucket" --key "$1" >/dev/null 2>&1; }

shopt -s nullglob
debs=("$dist"/failoverd_*_amd64.deb)
[ "${#debs[@]}" = 1 ] || fail "$dist must hold one failoverd_*_amd64.deb (make package), not ${#debs[@]}"
deb=${debs[0]}
version=$(dpkg-deb -f "$deb" Version)
[[ "$version" != *.dirty ]] || fail "$version was built from uncommitted changes: commit, then make package, then publish"
(cd "$dist" && sha256sum --check --quiet SHA256SUMS) || fail "$dist/SHA256SUMS does not match the files in $dist"
deb_sha=$(sha256sum "$deb" | cut -d' ' -f1)
release_key=$prefix/releases/$version

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The release's own SHA256SUMS names its files as they are stored.
echo "$deb_sha  failoverd.deb" >"$work/SHA256SUMS"
if exists "$release_key/SHA256SUMS"; then
    s3 cp --only-show-errors "s3://$bucket/$release_key/SHA256SUMS" "$work/published"
    cmp -s "$work/published" "$work/SHA256SUMS" ||
        fail "s3://$bucket/$release_key is already published with other bytes; a release is never replaced: build a new version"
    echo "release $version: already published at s3://$bucket/$release_key/"
else
    s3 cp --only-show-errors "$deb" "s3://$bucket/$release_key/failoverd.deb"
    s3 cp --only-show-errors "$work/SHA256SUMS" "s3://$bucket/$release_key/SHA256SUMS"
    echo "release $version: s3://$bucket/$release_key/ (failoverd.deb $deb_sha)"
fi

by_checksum() {  # FILE FOLDER: stores FILE as PREFIX/FOLDER/SHA256.tar, once; prints the checksum
    local sha
    sha=$(sha256sum "$1" | cut -d' ' -f1)
    exists "$prefix/$2/$sha.tar" || s3 cp --only-show-errors "$1" "s3://$bucket/$prefix/$2/$sha.tar"
    echo "$sha"
}
demo=("$dist"/onprem-api_*.tar)
[ "${#demo[@]}" = 0 ] || echo "demo image onprem-api:latest: image_tarball_sha256 = \"$(by_checksum "${demo[0]}" images)\""
[ -z "$image_tarball" ] || echo "image tarball $image_tarball: image_tarball_sha256 = \"$(by_checksum "$image_tarball" images)\""
[ -z "$control_plane" ] || echo "control plane bundle $control_plane: control_plane_sha256 = \"$(by_checksum "$control_plane" control-plane)\""

if [ -n "$tfvars" ]; then
    [ -s "$tfvars" ] || echo '{}' >"$tfvars"
    jq --arg version "$version" --arg sha "$deb_sha" '.releases[$version] = {failoverd_deb_sha256: $sha}' "$tfvars" >"$work/tfvars"
    mv "$work/tfvars" "$tfvars"
    echo "$tfvars: releases[\"$version\"] recorded; set release = \"$version\" to run it"
else
    echo "Terraform: releases = { \"$version\" = { failoverd_deb_sha256 = \"$deb_sha\" } }, release = \"$version\""
fi
