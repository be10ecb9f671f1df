#!/usr/bin/env bash
# Interim lab: builds the image and runs an on-prem and a cloud copy on loopback, then shows what
# each answers. The full failover drill replaces this (issue 6).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/tests/lib.sh
scripts/build_image.sh
onprem_port=$(free_port); cloud_port=$(free_port)
trap 'docker rm -f lab-onprem-$$ lab-cloud-$$ >/dev/null 2>&1 || true' EXIT
docker run -d --name "lab-onprem-$$" --network host -e PORT="$onprem_port" -e SITE=onprem onprem-api:latest >/dev/null
docker run -d --name "lab-cloud-$$" --network host -e PORT="$cloud_port" -e SITE=cloud onprem-api:latest >/dev/null
wait_for 20 curl -fsS "http://127.0.0.1:$onprem_port/health"
wait_for 20 curl -fsS "http://127.0.0.1:$cloud_port/health"
echo "on-prem: $(curl -fsS "http://127.0.0.1:$onprem_port/")"
echo "cloud:   $(curl -fsS "http://127.0.0.1:$cloud_port/")"
