#!/usr/bin/env bash
# The chosen Swift style (.swift-format, Hummingbird's) holds on every Swift file, as
# Hummingbird's validate script checks it: a formatting slip fails make test, not a review.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=scripts/tests/lib.sh
. scripts/tests/lib.sh

check "swift format lint --strict finds nothing in Sources, Tests and Package.swift" \
    swift format lint --strict --recursive Sources Tests Package.swift
# A slip must be caught: the same check on a copy with one over-long line.
work=$(mktemp -d /tmp/style-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp .swift-format "$work/"
printf 'let tooLong = "%s"\n' "$(printf 'x%.0s' $(seq 200))" >"$work/Slip.swift"
check "  ... and it fails on a line over the limit" fails swift format lint --strict --configuration .swift-format "$work/Slip.swift"
finish
