#!/usr/bin/env bash
# The webhook scanner against hostile bodies: libFuzzer with AddressSanitizer, seeded with the
# Alertmanager fixtures. It must not crash, and must read every body it accepts as JSONDecoder does.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. scripts/tests/lib.sh
seconds="${FUZZ_SECONDS:-30}"
check "libFuzzer finds no crash and no disagreement with JSONDecoder in $seconds s" scripts/fuzz/webhook_scanner.sh "$seconds"
finish
