#!/usr/bin/env bash
# Fuzzes one of failoverd's input readers with libFuzzer and AddressSanitizer. Each target must
# never crash, and checks a property of its own (see its file in Tests/Fuzz):
#   webhook_scanner  every body the fast scanner accepts reads as JSONDecoder reads it
#   matcher          a parsed trigger prints as text that parses back to the same trigger
#   rfc3339          a parsed time prints as text that reads back to the same millisecond
#   configuration    a configuration file that loads prints (check-config) as YAML that loads back
#                    to the same printout; built with SwiftPM from Tests/Fuzz/Daemon, which
#                    instruments every module (the first build takes several minutes)
#   http             failoverd (real routes, controller, state and HTTP server, in-memory runtime)
#                    gets each input after "POST /failover HTTP/1.1" over loopback; it ends
#                    every connection within its request timeout, answers well-formed HTTP (or,
#                    dropping a malformed request, still answers /health), never 5xx; built like
#                    configuration
# Seeds: Tests/Fuzz/seeds/TARGET (the webhook scanner: the Alertmanager fixtures; the
# configuration: also systemd/failoverd.yml; http: also each Alertmanager fixture as the body of an authorized
# request). A finding is
# written as ./crash-<sha1> and the script exits non-zero.
# Usage: scripts/fuzz/run.sh TARGET [SECONDS]   (default 60; FUZZ_SEED=N with FUZZ_RUNS=N repeats a
# run exactly: a time limit alone explores more or less depending on the machine's speed)
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${1:?usage: $0 webhook_scanner|matcher|rfc3339|configuration|http [SECONDS]}"
seconds="${2:-60}"
case "$target" in
    webhook_scanner) source_file=WebhookScannerFuzz.swift seeds=Tests/Fixtures/alertmanager options=(-dict=Tests/Fuzz/webhook.dict) ;;
    matcher) source_file=MatcherFuzz.swift seeds=Tests/Fuzz/seeds/matcher options=() ;;
    rfc3339) source_file=RFC3339Fuzz.swift seeds=Tests/Fuzz/seeds/rfc3339 options=() ;;
    configuration) source_file="" seeds=Tests/Fuzz/seeds/configuration options=() ;;
    # The daemon's threads allocate and free across inputs, so a leak check per input finds
    # only what lives on, and took half the run's time.
    http) source_file="" seeds=Tests/Fuzz/seeds/http options=(-dict=Tests/Fuzz/http.dict -detect_leaks=0) ;;
    *) echo "unknown target '$target'; targets: webhook_scanner, matcher, rfc3339, configuration, http" >&2; exit 2 ;;
esac
out=.build-fuzz
mkdir -p "$out"
if [ -n "$source_file" ]; then
    swiftc -sanitize=fuzzer,address -parse-as-library -package-name hybridfailover -module-name "Fuzz_$target" -O \
        Sources/FailoverCore/*.swift Sources/FailoverCore/Runtime/*.swift "Tests/Fuzz/$source_file" \
        -o "$out/$target-fuzz" 2> >(grep -v "Cannot export local symbol" >&2)
else
    ln -sfn "$PWD" "$out/hybrid-failover"  # the identity Tests/Fuzz/Daemon/Package.swift names
    (cd Tests/Fuzz/Daemon && swift build --build-path "$OLDPWD/$out/daemon" --product "$target-fuzz" \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library) >"$out/daemon-build.log" 2>&1 \
        || { tail -30 "$out/daemon-build.log" >&2; exit 1; }
    ln -sfn "daemon/debug/$target-fuzz" "$out/$target-fuzz"
fi
corpus=$(mktemp -d "/tmp/$target-fuzz-corpus.XXXXXX")
# The http target's daemon keeps its state here, in memory rather than on disk.
FUZZ_STATE_DIRECTORY=$(mktemp -d /dev/shm/failoverd-fuzz-state.XXXXXX)
export FUZZ_STATE_DIRECTORY
trap 'rm -rf "$corpus" "$FUZZ_STATE_DIRECTORY"' EXIT
cp "$seeds"/* "$corpus/"
case "$target" in
    configuration) cp systemd/failoverd.yml "$corpus/" ;;
    http)
        for fixture in Tests/Fixtures/alertmanager/*.json; do
            printf 'Host: 127.0.0.1\r\nAuthorization: Bearer fuzz-token\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n' \
                "$(wc -c <"$fixture")" | cat - "$fixture" >"$corpus/$(basename "$fixture")"
        done ;;
esac
set +e
# libFuzzer and ASan report a finding themselves; Swift's backtracer, spawned on a fatal error,
# would outlive the fuzzer holding the output pipe open, and the script would never end.
# Deterministic hashing keeps a seeded run the same from process to process. Leaks found in
# Swift's own libraries, not ours, are listed in Tests/Fuzz/lsan.supp.
SWIFT_BACKTRACE=enable=no SWIFT_DETERMINISTIC_HASHING=1 LSAN_OPTIONS="suppressions=$PWD/Tests/Fuzz/lsan.supp" "$out/$target-fuzz" -max_total_time="$seconds" -seed="${FUZZ_SEED:-0}" ${FUZZ_RUNS:+-runs="$FUZZ_RUNS"} -print_final_stats=1 "${options[@]}" "$corpus" 2>&1 \
    | grep -E "^(Done|stat::number_of_executed_units|==[0-9]+==|SUMMARY|.*Fatal error|.*disagree|.*does not)" | tee "$corpus/.summary"
status=${PIPESTATUS[0]}
set -e
[ "$status" -eq 0 ] || exit "$status"
# libFuzzer also exits 0 when its time limit ends the run early: a run asked for FUZZ_RUNS inputs
# passes only if it ran them all.
executed=$(awk '/^stat::number_of_executed_units/ {print $2}' "$corpus/.summary")
if [ -n "${FUZZ_RUNS:-}" ] && [ "${executed:-0}" -lt "$FUZZ_RUNS" ]; then
    echo "ran ${executed:-0} of the $FUZZ_RUNS inputs asked for before the ${seconds} s limit" >&2
    exit 1
fi
