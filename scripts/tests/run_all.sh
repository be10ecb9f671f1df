#!/usr/bin/env bash
# Runs every shell integration test; exits non-zero if any fails.
set -uo pipefail
cd "$(dirname "$0")" || exit 1
status=0
# The Docker-backed Swift tests need the image; a missing dockerd must fail them, not skip them.
echo "== image"
../build_image.sh || exit 1
echo "== swift test"
(cd ../.. && REQUIRE_DOCKER=1 swift test --skip-build) || status=1
for test in test_*.sh; do
    echo "== $test"
    bash "$test" || status=1
done
exit $status
