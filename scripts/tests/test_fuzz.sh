#!/usr/bin/env bash
# failoverd's input readers against hostile input: libFuzzer with AddressSanitizer on each target
# of scripts/fuzz/run.sh. None may crash or break its property (see Tests/Fuzz).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. scripts/tests/lib.sh
seconds="${FUZZ_SECONDS:-60}"
# A fixed seed, so make test explores the same inputs on every run and a red run can be repeated;
# scripts/fuzz/run.sh alone picks a random seed each time, to search further.
export FUZZ_SEED="${FUZZ_SEED:-1}"
check "webhook reader: no crash, no disagreement with JSONDecoder in $seconds s" scripts/fuzz/run.sh webhook_scanner "$seconds"
check "trigger matchers: no crash, every parsed trigger prints back to itself in $seconds s" scripts/fuzz/run.sh matcher "$seconds"
check "RFC 3339 times: no crash, every parsed time prints back to itself in $seconds s" scripts/fuzz/run.sh rfc3339 "$seconds"
check "configuration files (YAML, JSON): no crash, check-config's printout loads back to itself in $seconds s" \
    scripts/fuzz/run.sh configuration "$seconds"
finish
