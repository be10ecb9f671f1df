#!/usr/bin/env bash
# The GitHub Actions workflow cannot run here. It is checked offline against GitHub's schemas for
# workflows and actions (check-jsonschema's vendored copies), then by scripts/lib/workflow_check.py:
# jobs named in needs: exist, the local action gets its inputs, every run: step is shellcheck-clean.
# actionlint would be the usual tool, but its PyPI package fetches the binary from GitHub when it
# installs, which this machine cannot reach.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
source scripts/tests/lib.sh

tools=$(python_venv workflow check-jsonschema==0.39.0) || { echo "FAIL - cannot install check-jsonschema"; exit 1; }
schema() { unshare -n "$tools/check-jsonschema" --builtin-schema "$1" "$2"; }
check "ci.yml is a valid GitHub Actions workflow (GitHub's schema, offline)" schema vendor.github-workflows .github/workflows/ci.yml
check "the local Swift action is a valid action (GitHub's schema, offline)" schema vendor.github-actions .github/actions/swift-debian12/action.yml
check "needs: names jobs, the local action gets its inputs, every run: step passes shellcheck" \
    "$tools/python" scripts/lib/workflow_check.py . .github/workflows/ci.yml

broken=$(mktemp -d)
trap 'rm -rf "$broken"' EXIT
mkdir -p "$broken/.github/workflows"
cp -r .github/actions "$broken/.github/"
sed 's/needs: test/needs: tests/; s/run: make test$/run: rm -rf "$SCRATCH\/"* \&\& make test/' .github/workflows/ci.yml >"$broken/.github/workflows/ci.yml"
finds_both() {
    local out
    out=$("$tools/python" scripts/lib/workflow_check.py "$broken" "$broken/.github/workflows/ci.yml")
    echo "$out"
    grep -q "needs 'tests'" <<<"$out" && grep -q "SC2115" <<<"$out"
}
check "a broken copy (needs: an unknown job, an rm -rf that can expand to /*) is caught, naming both (the check can fail)" finds_both
check "the release job refuses a tag that VERSION does not name" grep -qF 'test "v$(cat VERSION)" = "$GITHUB_REF_NAME"' .github/workflows/ci.yml
finish
