#!/usr/bin/env bash
# terraform/: checkov (offline, 0 failed checks), structural checks with python-hcl2, and the
# user-data template rendered with exactly the variables main.tf passes, then shellchecked.
# Each tool gets its own venv under .cache/ (checkov vendors a conflicting hcl2).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
source scripts/tests/lib.sh

venv() { # venv NAME PACKAGE==VERSION: prints the venv's python, creating it once
    local dir=.cache/venv-$1
    if [ ! -x "$dir/bin/python" ] || ! "$dir/bin/pip" show -q "${2%%==*}" >/dev/null 2>&1; then
        python3 -m venv "$dir" && "$dir/bin/pip" install -q --disable-pip-version-check "$2" >&2 || return 1
    fi
    echo "$dir/bin/python"
}
checkov_python=$(venv checkov checkov==3.3.30) || { echo "FAIL - cannot install checkov"; exit 1; }
hcl_python=$(venv hcl2 python-hcl2==8.1.4) || { echo "FAIL - cannot install python-hcl2"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

checkov() { # checkov DIR: offline scan; prints the summary, fails on any failed check
    unshare -n env BC_SKIP_MAPPING=TRUE "$(dirname "$checkov_python")/checkov" -d "$1" --framework terraform \
        --skip-download -o json >"$work/checkov.json" 2>"$work/checkov.err"
    "$checkov_python" - "$work/checkov.json" <<'PY'
import json, sys
summary = json.load(open(sys.argv[1]))["summary"]
print(f"checkov: {summary['passed']} passed, {summary['failed']} failed, {summary['skipped']} skipped")
sys.exit(0 if summary["failed"] == 0 and summary["passed"] > 0 else 1)
PY
}
check "terraform fmt -check: the module is formatted as terraform writes it" terraform fmt -check -recursive terraform
check "checkov finds 0 failed checks in terraform/ (offline)" checkov terraform
echo "       $(checkov terraform)"

cp -r terraform "$work/imdsv1"
sed -i 's/http_tokens                 = "required"/http_tokens                 = "optional"/' "$work/imdsv1/main.tf"
flags() { # flags CHECK_ID DIR: checkov fails DIR, and for CHECK_ID
    ! checkov "$2" && grep -q "\"$1\"" "$work/checkov.json" && "$checkov_python" -c '
import json, sys
failed = {c["check_id"] for c in json.load(open(sys.argv[1]))["results"]["failed_checks"]}
sys.exit(0 if failed == {sys.argv[2]} else f"failed checks: {failed}")' "$work/checkov.json" "$1"
}
check "checkov fails a copy that allows IMDSv1, with CKV_AWS_79 (the scan can fail)" flags CKV_AWS_79 "$work/imdsv1"

for name in versions_are_pinned instance_is_hardened nothing_is_open_to_the_world_by_default address_is_stable \
    role_reads_only_its_artifacts_and_token user_data_holds_no_secret outputs_serve_the_on_prem_side; do
    check "hcl2: ${name//_/ }" "$hcl_python" scripts/lib/check_terraform.py terraform "$name"
done

cp -r terraform "$work/open"
sed -i '/^variable "alertmanager_cidrs"/,/^}/ s/^  type        = list(string)$/  type        = list(string)\n  default     = ["0.0.0.0\/0"]/' "$work/open/variables.tf"
rejects() { ! "$hcl_python" scripts/lib/check_terraform.py "$@"; }
check "hcl2 catches a webhook open to the world by default (the check can fail)" \
    rejects "$work/open" nothing_is_open_to_the_world_by_default

render_with_dummies() { # renders the template with every variable main.tf passes, dummy values
    local args=()
    for name in $("$hcl_python" scripts/lib/check_terraform.py terraform print_templatefile_variables); do
        case "$name" in
            install_script) args+=("$name=@terraform/files/install_failoverd.sh") ;;
            control_plane_script) args+=("$name=@terraform/files/install_control_plane.sh") ;;
            *) args+=("$name=x") ;;
        esac
    done
    python3 scripts/lib/render_tftpl.py terraform/templates/user_data.sh.tftpl "${args[@]}" >"$work/user_data.sh"
}
check "the user-data template uses exactly the variables main.tf passes" render_with_dummies
check "the rendered user data passes shellcheck" shellcheck -s bash -S warning "$work/user_data.sh"
check "the rendered user data stays under EC2's 16 KiB limit" test "$(wc -c <"$work/user_data.sh")" -lt 16384

finish
