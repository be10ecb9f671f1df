#!/usr/bin/env bash
# failoverd's input readers against hostile input: libFuzzer with AddressSanitizer on each target
# of scripts/fuzz/run.sh. None may crash or break its property (see Tests/Fuzz).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. scripts/tests/lib.sh
seconds="${FUZZ_SECONDS:-60}"
check "webhook reader: no crash, no disagreement with JSONDecoder in $seconds s" scripts/fuzz/run.sh webhook_scanner "$seconds"
check "trigger matchers: no crash, every parsed trigger prints back to itself in $seconds s" scripts/fuzz/run.sh matcher "$seconds"
check "RFC 3339 times: no crash, every parsed time prints back to itself in $seconds s" scripts/fuzz/run.sh rfc3339 "$seconds"
finish
