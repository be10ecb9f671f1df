#!/usr/bin/env bash
# Builds failover-kit-sample:latest, a service that is not onprem-api, from Debian's busybox-static
# alone (docker import, no registry): busybox httpd serving docker/sample-service/www as the user
# app (uid 10001) on $PORT (8080 unless set). "/" answers JSON naming its site, $GREETING, the
# SHA-256 and owner of /run/secrets/db_password and what /data/message holds; /health and
# /metrics answer too. It declares no HEALTHCHECK: the configuration supplies one. Prints the
# image's name; rebuilds only when its files changed.
set -euo pipefail
cd "$(dirname "$0")/.."
image=${SAMPLE_IMAGE:-failover-kit-sample:latest}
busybox=/bin/busybox
# A scratch image has no libc: only busybox-static's binary runs in it.
dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q "install ok installed" ||
    { echo "sample_service_image.sh: needs busybox-static (apt-get install busybox-static)" >&2; exit 1; }
stamp=$( (sha256sum "$busybox" "$0"; find docker/sample-service -type f -print0 | sort -z | xargs -0 sha256sum; stat -c '%a %n' docker/sample-service/www/cgi-bin/index.cgi) | sha256sum | cut -c1-16)
if [ "$(docker image inspect -f '{{index .Config.Labels "io.failover-kit.stamp"}}' "$image" 2>/dev/null)" = "$stamp" ]; then
    echo "$image"
    exit 0
fi
rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
mkdir -p "$rootfs/bin" "$rootfs/data" "$rootfs/tmp" "$rootfs/run"
cp "$busybox" "$rootfs/bin/busybox"
for applet in sh httpd sha256sum cut stat cat id wget printf false; do ln -s busybox "$rootfs/bin/$applet"; done
cp -r docker/sample-service/www docker/sample-service/etc "$rootfs/"
chmod 1777 "$rootfs/tmp"
tar -C "$rootfs" --numeric-owner --owner=0 --group=0 -c . |
    docker import --change 'ENV PATH=/bin PORT=8080' --change 'USER app' --change 'WORKDIR /www' \
        --change 'CMD ["/bin/sh", "-c", "exec httpd -f -p \"$PORT\" -h /www"]' --change "LABEL io.failover-kit.stamp=$stamp" \
        - "$image" >/dev/null
echo "$image"
