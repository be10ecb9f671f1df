# shellcheck shell=bash
# Every option a script's parser accepts appears in its --help, and --help prints its header and
# nothing of its code (scripts/tests/test_style.sh).
parsed_options() {  # parsed_options SCRIPT: the --options of its `case "$1" in` parser, one per line
    grep -oE '^ +[-|a-z]*--[a-z-]+(\|--?[a-z-]+)*\)' "$1" | grep -oE -- '--[a-z-]+' | grep -vx -- '--help' | sort -u
}
help_names_every_option() {  # help_names_every_option SCRIPT
    local help option missing=()
    help=$(bash "$1" --help) || return 1
    grep -qE '^(set -|cd |\. )' <<<"$help" && { echo "$1 --help prints its code"; return 1; }
    while read -r option; do
        grep -qe "$option" <<<"$help" || missing+=("$option")
    done < <(parsed_options "$1")
    [ ${#missing[@]} -eq 0 ] || { echo "$1 --help does not name ${missing[*]}"; return 1; }
}
