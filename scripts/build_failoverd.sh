#!/usr/bin/env bash
# Builds the failoverd binary to upload for the cloud host (terraform's artifact_bucket): release,
# with the Swift runtime linked in (see Package.swift), so the host needs no Swift toolchain.
# Prints the binary's path; `sha256sum` it for terraform's failoverd_sha256.
set -euo pipefail
cd "$(dirname "$0")/.."
# Its own build folder: build_image.sh's -static-executable flags would otherwise force a rebuild.
flags=(-c release --product failoverd --scratch-path .build-dist)
swift build "${flags[@]}" >&2
echo "$(swift build "${flags[@]}" --show-bin-path)/failoverd"
