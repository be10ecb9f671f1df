#!/usr/bin/env bash
# The chosen Swift style (.swift-format, Hummingbird's) holds on every Swift file, and shellcheck
# finds nothing in the shell files, as Hummingbird's validate script checks it: a slip fails make
# test, not a review.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=scripts/tests/lib.sh
. scripts/tests/lib.sh

check "swift format lint --strict finds nothing in Sources, Tests and Package.swift" \
    swift format lint --strict --recursive Sources Tests Package.swift
# Every shell file the kit and its tests run (the package's scripts have no .sh), following what
# each sources (-x), with no rule switched off: a helper library reads what its caller declared
# for it (lab.sh's LAB_* set, the variables systemd_host.sh checks for) or takes it as arguments.
mapfile -t shell_files < <(git ls-files '*.sh' && grep -l '^#!/bin/' packaging/failoverd/*)
check "shellcheck -S warning finds nothing in ${#shell_files[@]} shell files" shellcheck -x -S warning "${shell_files[@]}"
check "FailoverDaemon and FailoverCore import no Docker module (the failoverd executable wires the runtime in)" \
    bash -c '! grep -rnE "^(@testable )?import (DockerEngine|DockerRuntime)$" Sources/FailoverDaemon Sources/FailoverCore'
# --help from one source: each script with an option parser prints its header, naming every option.
. scripts/lib/help_check.sh
mapfile -t parsing < <(git ls-files '*.sh' | xargs grep -lE '^while \[ \$# -gt 0 \]; do$')
for script in "${parsing[@]}"; do
    check "$script --help names every option its parser accepts, and none of its code" help_names_every_option "$script"
done
# A slip must be caught: the same checks on copies with one mistake each.
work=$(mktemp -d /tmp/style-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp .swift-format "$work/"
printf 'let tooLong = "%s"\n' "$(printf 'x%.0s' $(seq 200))" >"$work/Slip.swift"
check "  ... and it fails on a line over the limit" fails swift format lint --strict --configuration .swift-format "$work/Slip.swift"
printf '#!/usr/bin/env bash\ncd /tmp\n' >"$work/slip.sh"
check "  ... and shellcheck fails on a cd without || exit" fails shellcheck -S warning "$work/slip.sh"
printf '#!/usr/bin/env bash\n# usage: slip.sh [--quiet]\nwhile [ $# -gt 0 ]; do\n    case "$1" in\n        --quiet) shift ;;\n        --loud) shift ;;\n        -h|--help) sed -n 2p "$0"; exit 0 ;;\n    esac\ndone\n' >"$work/slip.sh"
check "  ... and the --help check fails on an option --help leaves out" fails help_names_every_option "$work/slip.sh"
finish
