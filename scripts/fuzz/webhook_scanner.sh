#!/usr/bin/env bash
# Fuzzes failoverd's webhook scanner with libFuzzer and AddressSanitizer: it must never crash,
# and every body it accepts must read exactly as JSONDecoder reads it. Seeds: the Alertmanager
# fixtures; dictionary: the payload's field names. A finding is written as ./crash-<sha1> and
# the script exits non-zero.
# Usage: scripts/fuzz/webhook_scanner.sh [SECONDS]   (default 60)
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-60}"
out=.build-fuzz
mkdir -p "$out"
swiftc -sanitize=fuzzer,address -parse-as-library -package-name hybridfailover -module-name WebhookFuzz -O \
    Sources/FailoverCore/*.swift Sources/FailoverCore/Runtime/*.swift Tests/Fuzz/WebhookScannerFuzz.swift \
    -o "$out/webhook-scanner-fuzz" 2> >(grep -v "Cannot export local symbol" >&2)
corpus=$(mktemp -d /tmp/webhook-fuzz-corpus.XXXXXX)
trap 'rm -rf "$corpus"' EXIT
cp Tests/Fixtures/alertmanager/*.json "$corpus/"
set +e
"$out/webhook-scanner-fuzz" -max_total_time="$seconds" -print_final_stats=1 -dict=Tests/Fuzz/webhook.dict "$corpus" 2>&1 \
    | grep -E "^(Done|stat::number_of_executed_units|==[0-9]+==|SUMMARY|.*Fatal error|.*disagree)"
status=${PIPESTATUS[0]}
set -e
exit "$status"
