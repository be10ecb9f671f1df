#!/usr/bin/env bash
# The Python that judges and reports lab runs (scripts/lib/chaos_verdict.py, drill_report.py),
# tested with pytest on reports of real runs and on the same runs with their evidence taken away.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. scripts/tests/lib.sh
# Debian's interpreter, which python3-pytest (install_deps.sh) installs pytest for.
check "the chaos judges fail a run whose evidence is missing, and pass real runs (pytest)" \
    /usr/bin/python3 -m pytest -q -p no:cacheprovider scripts/tests/judges
finish
