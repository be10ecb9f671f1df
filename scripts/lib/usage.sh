# shellcheck shell=bash
# --help from one source: a script's usage is its header comment, from the line after the shebang
# to the first line that is not a comment, so what --help prints is what the file says at its top.
print_usage() {  # print_usage SCRIPT
    awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$1"
}
