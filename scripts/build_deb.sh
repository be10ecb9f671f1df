#!/usr/bin/env bash
# Builds the failoverd Debian package into DIR (default dist/) and prints its path:
# failoverd_<version>_amd64.deb, version from scripts/version.sh ($RELEASE builds another release
# from the same tree). The release binary, stripped, with the Swift runtime linked in; Depends from
# dpkg-shlibdeps (what the binary really loads); the hardened unit, the example configuration as a
# conffile, a man page generated from the binary's own help, README, changelog and copyright.
# Needs dpkg-dev (dpkg-shlibdeps) and the Swift toolchain; no root.
set -euo pipefail
cd "$(dirname "$0")/.." || exit 1
out=${1:-dist}
FAILOVER_KIT_VERSION=$(scripts/version.sh)
export FAILOVER_KIT_VERSION
version=$FAILOVER_KIT_VERSION
deb="$out/failoverd_${version}_amd64.deb"
# A clean tree's revision names its content: a package already built for it is that package.
if [[ "$version" != *.dirty ]] && [ -s "$deb" ]; then
    echo "$deb"
    exit 0
fi
binary=$(scripts/build_failoverd.sh)
swift build --product generate-manual >&2

stage=$(mktemp -d /tmp/failoverd-deb.XXXXXX)
trap 'rm -rf "$stage"' EXIT
root=$stage/failoverd_${version}_amd64
doc=$root/usr/share/doc/failoverd
install -d -m 0755 "$root/DEBIAN" "$root/usr/bin" "$root/lib/systemd/system" "$root/etc/failoverd" \
    "$root/usr/lib/sysusers.d" "$root/usr/lib/failoverd" "$root/usr/share/man/man8" "$doc"

strip --strip-unneeded --remove-section=.comment --remove-section=.note -o "$root/usr/bin/failoverd" "$binary"
chmod 0755 "$root/usr/bin/failoverd"
install -m 0644 systemd/failoverd.service "$root/lib/systemd/system/failoverd.service"
# The Docker socket proxy failoverd talks to instead of dockerd's socket.
install -m 0644 systemd/failoverd-docker-proxy.service "$root/lib/systemd/system/"
install -d -m 0755 "$root/usr/share/failoverd"
install -m 0644 haproxy/docker-socket-proxy.cfg "$root/usr/share/failoverd/docker-socket-proxy.cfg"
# The TLS gateway in front of the cloud copy, enabled by the user data.
install -m 0644 systemd/failoverd-gateway.service "$root/lib/systemd/system/"
install -m 0644 haproxy/cloud-gateway.cfg "$root/usr/share/failoverd/cloud-gateway.cfg"
# The guard between the cloud copy and the instance metadata service, enabled by the user data.
install -m 0644 systemd/failoverd-metadata-guard.service "$root/lib/systemd/system/"
install -m 0644 nftables/metadata-guard.nft "$root/usr/share/failoverd/metadata-guard.nft"
# The registry login for an image from a registry: enabled by the user data only when one is used.
install -m 0644 systemd/failoverd-registry-login.service systemd/failoverd-registry-login.timer "$root/lib/systemd/system/"
install -m 0755 packaging/failoverd/registry-login "$root/usr/lib/failoverd/registry-login"
# The settings applier and its timer (enabled by the user data), with the helpers the user data
# shares with it.
install -m 0644 systemd/failoverd-settings.service systemd/failoverd-settings.timer "$root/lib/systemd/system/"
install -m 0755 packaging/failoverd/apply-settings "$root/usr/lib/failoverd/apply-settings"
# The state's copy off the host, for a replacement to start from (enabled by the user data).
install -m 0644 systemd/failoverd-state-backup.path systemd/failoverd-state-backup.service "$root/lib/systemd/system/"
install -m 0755 packaging/failoverd/backup-state "$root/usr/lib/failoverd/backup-state"
install -m 0644 terraform/files/host-lib.sh "$root/usr/lib/failoverd/host-lib.sh"
install -m 0644 systemd/failoverd.yml "$root/etc/failoverd/failoverd.yml"
install -m 0644 packaging/failoverd/sysusers.conf "$root/usr/lib/sysusers.d/failoverd.conf"

# The man page from the binary's own --help, so it never drifts from the flags.
"$(swift build --show-bin-path)/generate-manual" "$root/usr/bin/failoverd" --section 8 \
    --date "$(git log -1 --format=%cs 2>/dev/null || date -u +%F)" -o "$stage" >/dev/null
gzip -9n <"$stage/failoverd.8" >"$root/usr/share/man/man8/failoverd.8.gz"

# The unit's Documentation= names README.md; it and the pages it links to (docs/: the runbook, the
# configuration reference, ...) stay uncompressed so those links open.
install -m 0644 README.md "$doc/README.md"
install -d -m 0755 "$doc/docs"
install -m 0644 docs/*.md docs/*.svg "$doc/docs/"
install -m 0644 packaging/failoverd/copyright "$doc/copyright"
date_rfc2822=$(git log -1 --format=%aD 2>/dev/null || date -uR)
sed -e "s/@VERSION@/$version/" -e "s/@DATE@/$date_rfc2822/" packaging/failoverd/changelog.in | gzip -9n >"$doc/changelog.gz"
install -d -m 0755 "$root/usr/share/lintian/overrides"
install -m 0644 packaging/failoverd/lintian-overrides "$root/usr/share/lintian/overrides/failoverd"

for script in postinst prerm postrm; do
    install -m 0755 "packaging/failoverd/$script" "$root/DEBIAN/$script"
done
echo /etc/failoverd/failoverd.yml >"$root/DEBIAN/conffiles"

# Depends: the shared libraries the binary loads, as dpkg-shlibdeps maps them to packages.
mkdir -p "$stage/debian"
printf 'Source: failoverd\n\nPackage: failoverd\nArchitecture: amd64\n' >"$stage/debian/control"
depends=$(cd "$stage" && dpkg-shlibdeps -O -e "$root/usr/bin/failoverd" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "build_deb.sh: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
installed_size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@DEPENDS@/$depends/" -e "s/@INSTALLED_SIZE@/$installed_size/" \
    packaging/failoverd/control.in >"$root/DEBIAN/control"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/md5sums" "$root/DEBIAN/control" "$root/DEBIAN/conffiles"

mkdir -p "$out"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >&2
echo "$deb"
