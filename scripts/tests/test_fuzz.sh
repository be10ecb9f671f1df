#!/usr/bin/env bash
# failoverd's input readers against hostile input: libFuzzer with AddressSanitizer on each target
# of scripts/fuzz/run.sh. None may crash or break its property (see Tests/Fuzz).
#
# A fixed seed and a fixed number of runs (each about 30 s on the 2-vCPU machine of BENCHMARKS.md;
# the builds take most of the step) make every make test explore the same inputs, so its result
# does not depend on the machine's speed and a red run can be repeated; scripts/fuzz/run.sh alone
# searches further at random.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. scripts/tests/lib.sh
export FUZZ_SEED="${FUZZ_SEED:-1}"
limit=300  # seconds: a much slower machine stops early rather than holding CI up
fuzz() {  # fuzz TARGET RUNS
    FUZZ_RUNS="$2" scripts/fuzz/run.sh "$1" "$limit"
}
check "webhook reader: no crash, no disagreement with JSONDecoder (2 M inputs)" fuzz webhook_scanner 2000000
check "trigger matchers: no crash, every parsed trigger prints back to itself (75 k inputs)" fuzz matcher 75000
check "RFC 3339 times: no crash, every parsed time prints back to itself (6 M inputs)" fuzz rfc3339 6000000
check "configuration files (YAML, JSON): no crash, check-config's printout loads back to itself (10 k inputs)" \
    fuzz configuration 10000
# The daemon answers on its own threads, so this run is repeatable in its inputs, not exactly in
# the coverage they reach.
check "the HTTP path of /failover (headers and body, real server): no crash, no hang, no 5xx (3 k requests)" \
    fuzz http 3000
finish
