#!/usr/bin/env bash
# make package: the release an operator installs, in dist/:
#   failoverd_<version>_amd64.deb   the daemon, its unit and configuration (scripts/build_deb.sh)
#   onprem-api_<version>.tar        the image, docker save'd, tagged onprem-api:latest
#   SHA256SUMS                      of both, for terraform's *_sha256 variables and `sha256sum --check`
# <version> is scripts/version.sh's. Needs dockerd (run under scripts/with_dockerd.sh).
set -euo pipefail
cd "$(dirname "$0")/.." || exit 1
FAILOVER_KIT_VERSION=$(scripts/version.sh)
export FAILOVER_KIT_VERSION
mkdir -p dist
rm -f dist/failoverd_*.deb dist/onprem-api_*.tar dist/SHA256SUMS
deb=$(scripts/build_deb.sh dist)
scripts/build_image.sh >&2
docker save onprem-api:latest -o "dist/onprem-api_$FAILOVER_KIT_VERSION.tar"
chmod 0644 "dist/onprem-api_$FAILOVER_KIT_VERSION.tar"
(cd dist && sha256sum "${deb##*/}" "onprem-api_$FAILOVER_KIT_VERSION.tar" >SHA256SUMS)
echo "dist/ for $FAILOVER_KIT_VERSION:"
(cd dist && ls -l --block-size=M "${deb##*/}" "onprem-api_$FAILOVER_KIT_VERSION.tar" && cat SHA256SUMS)
