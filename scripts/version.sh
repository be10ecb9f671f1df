#!/usr/bin/env bash
# Prints the build's version, <release>+git<short revision>, with ".dirty" when tracked files are
# modified: what --version, the *_build_info metrics, the package and the image label all carry.
# The release comes from VERSION (the one place that defines it), or from $RELEASE to build
# another release from the same tree (the upgrade test's N+1).
set -euo pipefail
cd "$(dirname "$0")/.." || exit 1
release=${RELEASE:-$(cat VERSION)}
[[ "$release" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "version.sh: release '$release' is not MAJOR.MINOR.PATCH" >&2; exit 1; }
if ! revision=$(git rev-parse --short=7 HEAD 2>/dev/null); then
    echo "$release+gitunknown"
    exit 0
fi
git update-index -q --refresh >/dev/null 2>&1 || true
if git diff-index --quiet HEAD --; then
    echo "$release+git$revision"
else
    echo "$release+git$revision.dirty"
fi
