#!/usr/bin/env bash
# terraform/: terraform fmt, checkov (offline, 0 failed checks), structural checks with
# python-hcl2, and the user data of every profile rendered by terraform console with the longest
# values the variables allow: within EC2's limit, and the unpacked script parses and is shellchecked.
# Each tool gets its own venv under .cache/ (checkov vendors a conflicting hcl2).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
source scripts/tests/lib.sh

checkov_python=$(python_venv checkov checkov==3.3.30)/python || { echo "FAIL - cannot install checkov"; exit 1; }
hcl_python=$(python_venv hcl2 python-hcl2==8.1.4)/python || { echo "FAIL - cannot install python-hcl2"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

checkov() { # checkov DIR: offline scan; prints the summary, fails on any failed check
    unshare -n env BC_SKIP_MAPPING=TRUE "$(dirname "$checkov_python")/checkov" -d "$1" --framework terraform \
        --skip-download -o json >"$work/checkov.json" 2>"$work/checkov.err"
    jq -r '.summary | "checkov: \(.passed) passed, \(.failed) failed, \(.skipped) skipped"' "$work/checkov.json" &&
        json_holds '.summary.failed == 0 and .summary.passed > 0' <"$work/checkov.json" >/dev/null
}
check "terraform fmt -check: the module is formatted as terraform writes it" terraform fmt -check -recursive terraform
check "checkov finds 0 failed checks in terraform/ (offline)" checkov terraform
echo "       $(checkov terraform)"

cp -r terraform "$work/imdsv1"
sed -i 's/http_tokens                 = "required"/http_tokens                 = "optional"/' "$work/imdsv1/main.tf"
flags() { # flags CHECK_ID DIR: checkov fails DIR, and for CHECK_ID
    ! checkov "$2" && jq '[.results.failed_checks[].check_id] | unique' "$work/checkov.json" | json_holds '. == [$id]' --arg id "$1"
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

# The user data as EC2 receives it, rendered by Terraform's own templatefile() for every profile,
# each variable as long as its validation allows and as incompressible as its characters can be
# (random), so the gzip is as large as a real apply's can get.
random_text() { head -c 100000 /dev/urandom | LC_ALL=C tr -dc "$1" | head -c "$2"; }  # CHARSET LENGTH
bucket=$(random_text 'a-z0-9' 63)
artifacts="s3://$bucket/$(random_text 'A-Za-z0-9._-' 200)"
sha() { random_text '0-9a-f' 64; }
longest_values() {  # PROFILE: sets values=(name=value ...), every variable main.tf passes
    local target=container control_plane=false
    case "$1" in swarm) target=swarm ;; whole-site) control_plane=true ;; esac
    values=(
        "package_url=$artifacts/failoverd.deb" "package_sha256=$(sha)"
        "image_url=$artifacts/onprem-api.tar" "image_sha256=$(sha)"
        "image=$(random_text 'a-z0-9' 255):$(random_text 'A-Za-z0-9' 128)"
        "container_name=$(random_text 'a-zA-Z0-9' 63)" "token_url=ssm:/$(random_text 'A-Za-z0-9' 510)"
        "tls_identity_url=ssm:/$(random_text 'A-Za-z0-9' 510)" "tls_identity_key=arn:$(random_text 'a-z' 14):kms:$(random_text 'a-z0-9' 28):$(random_text '0-9' 12):key/$(random_text 'a-f0-9' 36)"
        "region=$(random_text 'a-z' 2)-$(random_text 'a-z' 10)-$(random_text 'a-z' 10)-99"
        install_docker=true public_ip=255.255.255.255 webhook_port=65535 api_port=65535
        hold_down_seconds=86400 "alertmanager_urls=$(for _ in 1 2 3 4 5; do printf 'https://%s:65535/%s ' "$(random_text 'a-z0-9' 253)" "$(random_text 'a-z0-9' 100)"; done)" "target=$target" install_script=@terraform/files/install_failoverd.sh
        "control_plane=$control_plane" "control_plane_url=$artifacts/control-plane.tar" "control_plane_sha256=$(sha)"
        onprem_api_address=255.255.255.255:65535 frontend_port=65535 prometheus_port=9090
        alertmanager_port=9093 haproxy_metrics_port=8405 control_plane_script=@terraform/files/install_control_plane.sh
    )
}
longest_values container
passes_exactly_main_tfs() {
    diff <("$hcl_python" scripts/lib/check_terraform.py terraform print_templatefile_variables | sort) \
        <(printf '%s\n' "${values[@]%%=*}" | sort)
}
check "the renders below set exactly the variables main.tf passes to templatefile()" passes_exactly_main_tfs

for profile in container swarm whole-site; do
    longest_values "$profile"
    if ! scripts/lib/render_user_data.sh --gzip "${values[@]}" >"$work/$profile.b64" 2>"$work/$profile.err"; then
        check "terraform console renders the $profile profile's user data" cat "$work/$profile.err" false
        continue
    fi
    base64 -d "$work/$profile.b64" >"$work/$profile.gz" && gunzip -c "$work/$profile.gz" >"$work/$profile.sh"
    sizes="$(wc -c <"$work/$profile.sh") B script, $(wc -c <"$work/$profile.gz") B gzip, $(tr -d '\n' <"$work/$profile.b64" | wc -c) B base64"
    check "$profile profile, longest values: within EC2's 16,384 bytes as sent ($sizes)" \
        test "$(tr -d '\n' <"$work/$profile.b64" | wc -c)" -le 16384
    check "  ... the unpacked script parses (bash -n)" bash -n "$work/$profile.sh"
    check "  ... and passes shellcheck -S warning" shellcheck -s bash -S warning "$work/$profile.sh"
done
check "  ... the whole-site profile's script holds the control plane's installer" grep -q 'CONTROL_PLANE=.true.' "$work/whole-site.sh"

finish
