#!/usr/bin/env bash
# The Python that judges and reports lab runs (scripts/lib/chaos_verdict.py, drill_report.py),
# tested with pytest on reports of real runs and on the same runs with their evidence taken away;
# and lib.sh's JSON judge the shell suites share.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. scripts/tests/lib.sh
# Debian's interpreter, which python3-pytest (install_deps.sh) installs pytest for.
check "the chaos judges fail a run whose evidence is missing, and pass real runs (pytest)" \
    /usr/bin/python3 -m pytest -q -p no:cacheprovider scripts/tests/judges
# The shell suites' own JSON judge: no JSON at all is missing evidence.
check "lib.sh's json_holds fails on empty input, which jq -e alone passes" fails json_holds '.paused == true' </dev/null
check "  ... and still judges JSON it is given" json_holds '.paused == true' <<<'{"paused": true}'
finish
