#!/usr/bin/env bash
# Renders terraform/templates/user_data.sh.tftpl with Terraform's own templatefile(), as the
# module does, and prints it as the instance receives it: --gzip prints the base64 of the gzip
# (main.tf's user_data_base64 = base64gzip(...)), otherwise the script itself. `terraform console`
# evaluates it offline, with no provider and no init, in an empty directory. --template renders
# another of the module's templates (service_spec.yml.tftpl), whose values may be lists, maps
# and objects: name:=EXPRESSION passes an HCL expression as it is.
# Usage: render_user_data.sh [--gzip] [--template FILE] name=value name=@file name:=HCL ...
#        (@file: relative to the repository, or absolute)
#        (every variable main.tf passes)
set -euo pipefail
cd "$(dirname "$0")/../.."
gzip=false
template=terraform/templates/user_data.sh.tftpl
if [ "${1:-}" = --gzip ]; then gzip=true; shift; fi
if [ "${1:-}" = --template ]; then template=$2; shift 2; fi

# An HCL string literal: backslash, quote and newline escaped, and ${ and %{ doubled so the text
# is taken as it is, as a variable's value would be.
hcl_string() {
    local text=$1
    text=${text//\\/\\\\}
    text=${text//\"/\\\"}
    text=${text//$'\n'/\\n}
    text=${text//\$\{/\$\$\{}
    text=${text//%\{/%%\{}
    printf '"%s"' "$text"
}

variables=""
for assignment in "$@"; do
    name=${assignment%%=*}
    value=${assignment#*=}
    if [[ "$name" == *: ]]; then
        variables+="${name%:} = $value, "
        continue
    fi
    [[ "$name" =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "render_user_data.sh: bad variable name '$name'" >&2; exit 2; }
    if [[ "$value" == @/* ]]; then
        variables+="$name = file($(hcl_string "${value#@}")), "
    elif [[ "$value" == @* ]]; then
        variables+="$name = file($(hcl_string "$PWD/${value#@}")), "
    else
        variables+="$name = $(hcl_string "$value"), "
    fi
done
rendered="templatefile($(hcl_string "$PWD/$template"), { $variables })"
if $gzip; then expression="base64gzip($rendered)"; else expression="base64encode($rendered)"; fi

empty=$(mktemp -d)
trap 'rm -rf "$empty"' EXIT
# TF_CLI_CONFIG_FILE: no ~/.terraformrc is read or warned about.
answer=$(cd "$empty" && printf '%s\n' "$expression" | TF_CLI_CONFIG_FILE=/dev/null terraform console 2>"$empty/error") ||
    { cat "$empty/error" >&2; exit 1; }
answer=${answer#\"}
answer=${answer%\"}
if $gzip; then echo "$answer"; else base64 -d <<<"$answer"; fi
