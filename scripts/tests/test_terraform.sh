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
        json_holds '.summary.failed == 0 and .summary.passed > 0' <"$work/checkov.json" >/dev/null &&
        # The one skip: the settings parameter holds no secret (main.tf says so where it skips).
        jq '[.results.skipped_checks[]?.check_id] | unique' "$work/checkov.json" | json_holds '. == ["CKV2_AWS_34"]' >/dev/null
}
check "terraform fmt -check: the module is formatted as terraform writes it" terraform fmt -check -recursive terraform
check "checkov finds 0 failed checks in terraform/ (offline; one skip, said why in main.tf)" checkov terraform
echo "       $(checkov terraform)"

cp -r terraform "$work/imdsv1"
sed -i 's/http_tokens                 = "required"/http_tokens                 = "optional"/' "$work/imdsv1/main.tf"
flags() { # flags CHECK_ID DIR: checkov fails DIR, and for CHECK_ID
    ! checkov "$2" && jq '[.results.failed_checks[].check_id] | unique' "$work/checkov.json" | json_holds '. == [$id]' --arg id "$1"
}
check "checkov fails a copy that allows IMDSv1, with CKV_AWS_79 (the scan can fail)" flags CKV_AWS_79 "$work/imdsv1"

for name in versions_are_pinned instance_is_hardened nothing_is_open_to_the_world_by_default address_is_stable \
    role_reads_only_its_artifacts_and_token user_data_holds_no_secret settings_do_not_replace_the_host \
    replacement_while_failed_over_is_refused replacement_keeps_the_old_host_until_the_new_one_is_ready outputs_serve_the_on_prem_side; do
    check "hcl2: ${name//_/ }" "$hcl_python" scripts/lib/check_terraform.py terraform "$name"
done

variables_documented() {  # docs/terraform-variables.md holds the table generated from variables.tf
    "$hcl_python" scripts/lib/check_terraform.py terraform variables_table >"$work/variables.md" &&
        diff <(grep '^|' docs/terraform-variables.md) "$work/variables.md"
}
check "docs/terraform-variables.md's table is the one generated from variables.tf" variables_documented
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
        "package_url=$artifacts/releases/$(random_text 'A-Za-z0-9.+~_-' 100)/failoverd.deb" "package_sha256=$(sha)"
        "settings_url=ssm:/$(random_text 'A-Za-z0-9' 510)" "state_url=$artifacts/state/failoverd-state.json" "data_volume_id=vol-$(random_text '0-9a-f' 17)" "token_url=ssm:/$(random_text 'A-Za-z0-9' 510)"
        "client_ca_url=ssm:/$(random_text 'A-Za-z0-9' 200)" copy_port=65534
        "tls_identity_url=ssm:/$(random_text 'A-Za-z0-9' 510)" "boot_status_url=ssm:/$(random_text 'A-Za-z0-9' 510)" "tls_identity_key=arn:$(random_text 'a-z' 14):kms:$(random_text 'a-z0-9' 28):$(random_text '0-9' 12):key/$(random_text 'a-f0-9' 36)"
        "region=$(random_text 'a-z' 2)-$(random_text 'a-z' 10)-$(random_text 'a-z' 10)-99"
        install_docker=true metadata_guard=true public_ip=255.255.255.255 webhook_port=65535 api_port=65535
        wan_rtt_ms=2000 "target=$target" host_lib=@terraform/files/host-lib.sh install_script=@terraform/files/install_failoverd.sh
        "control_plane=$control_plane" "control_plane_url=$artifacts/control-plane/$(sha).tar" "control_plane_sha256=$(sha)"
        onprem_api_address=255.255.255.255:65535 frontend_port=65535 prometheus_port=9090
        alertmanager_port=9093 haproxy_metrics_port=8405
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
check "  ... the whole-site profile's script turns the control plane on (its installer comes in its bundle)" grep -q 'CONTROL_PLANE=.true.' "$work/whole-site.sh"

# Egress follows the configuration: every address the configuration calls (Alertmanager's API by
# name and by address, the probe, a private registry, the whole-site profile's on-prem API) has a
# security-group rule, from the egress module main.tf uses (terraform console evaluates it).
egress_rules() {  # egress_rules TFVARS: the egress module's rules as JSON
    printf '%s\n' "$1" >"$work/egress.tfvars"
    (cd terraform/modules/egress && echo 'jsonencode(local.rules)' |
        TF_CLI_CONFIG_FILE=/dev/null terraform console -no-color -var-file="$work/egress.tfvars" 2>&1) | jq -r .
}
egress_covers() {  # egress_covers TFVARS URL...: each URL has its rule
    local rules
    rules=$(egress_rules "$1") && python3 scripts/lib/egress_check.py "$rules" "${@:2}"
}
check "egress: a rule for each Alertmanager peer (by name and by address), the probe and the registry" egress_covers \
    'alertmanager_api_urls = ["https://am1.example.net:9093", "http://198.51.100.7:9093/am", "https://198.51.100.8"]
probe_url = "http://192.0.2.10:8080/health"
image = "registry.example.net:5000/team/orders:1.4"
egress_cidrs = ["0.0.0.0/0"]
onprem_api_address = ""' \
    https://am1.example.net:9093 http://198.51.100.7:9093/am https://198.51.100.8 http://192.0.2.10:8080/health registry://registry.example.net:5000
check "  ... and for the whole-site profile's on-prem API, S3 and SSM" egress_covers \
    'alertmanager_api_urls = []
probe_url = ""
image = "onprem-api:latest"
egress_cidrs = ["0.0.0.0/0"]
onprem_api_address = "192.0.2.10:8080"' http://192.0.2.10:8080/metrics https://s3.eu-west-1.amazonaws.com https://ssm.eu-west-1.amazonaws.com
uncovered_by_the_old_rules() {  # the 80/443-only egress of before: the peers' port 9093 has no rule
    ! python3 scripts/lib/egress_check.py '{"0.0.0.0/0 443": {"cidr": "0.0.0.0/0", "port": 443}, "0.0.0.0/0 80": {"cidr": "0.0.0.0/0", "port": 80}}' \
        https://am1.example.net:9093
}
check "  ... the check fails on the 80/443 egress alone, which dropped Alertmanager's port 9093" uncovered_by_the_old_rules

# The replacement guard (the instance's precondition), evaluated by terraform console as plan
# would: a new host while failoverd's state copy says the cloud copy serves is refused, naming
# since when and the way to force it; the same user data (a settings change), a standby, no host
# yet, or the operator's force go ahead.
guard() {  # guard TFVARS: the guard's refusal, or null
    printf '%s\n' "$1" >"$work/guard.tfvars"
    (cd terraform/modules/replacement_guard && echo 'jsonencode(local.refusal)' |
        TF_CLI_CONFIG_FILE=/dev/null terraform console -no-color -var-file="$work/guard.tfvars" 2>&1) | jq -r .
}
failed_over_state='state_json = "{\"failedOverSince\": \"2026-12-07T08:00:00.000000Z\", \"paused\": false}"'
refuses() { guard "$1" | grep -q "$2"; }
goes_ahead() { test "$(guard "$1")" = null; }
check "guard: a new host while failed over is refused, naming since when and replace_while_failed_over" refuses \
    "running_user_data = \"A\"
planned_user_data = \"B\"
$failed_over_state" 'served since 2026-12-07T08:00:00.000000Z.*replace_while_failed_over = true'
check "  ... and a state copy that does not read is no proof of standby" refuses \
    'running_user_data = "A"
planned_user_data = "B"
state_json = "{not json"' 'does not read as JSON'
check "  ... the same user data while failed over (a settings change) goes ahead" goes_ahead \
    "running_user_data = \"A\"
planned_user_data = \"A\"
$failed_over_state"
others_go_ahead() {  # a new host in standby, the first host, and a forced one
    goes_ahead 'running_user_data = "A"
planned_user_data = "B"
state_json = "{\"paused\": true}"' && goes_ahead 'planned_user_data = "B"' &&
        goes_ahead "running_user_data = \"A\"
planned_user_data = \"B\"
$failed_over_state
replace_while_failed_over = true"
}
check "  ... so does a new host in standby, the first host, and a forced one" others_go_ahead

# The order Terraform gives a replacement of main.tf's shape (scripts/tests/fixtures/
# replacement_order: terraform_data in place of the AWS resources, applied for real): the new host,
# the wait for it, the address moved, and only then the old association and the old host go. A new
# host that never reports ready leaves the old one in place, holding the address; the next apply
# finishes the move.
cp -r scripts/tests/fixtures/replacement_order "$work/order"
model_apply() {  # RELEASE READY: terraform apply of the model; its progress lines in $work/order.out
    (cd "$work/order" && TF_CLI_CONFIG_FILE=/dev/null terraform apply -auto-approve -no-color -input=false \
        -var release="$1" -var host_reports_ready="$2" 2>&1) >"$work/order.out"
}
steps() { grep -oE '^terraform_data\.[a-z_]+( \(deposed object [0-9a-f]+\))?: (Creation complete|Destroying)' "$work/order.out" |
    sed -E 's/ \(deposed object [0-9a-f]+\)/ (old)/; s/^terraform_data\.//' | paste -sd, -; }
first_model_host() { (cd "$work/order" && TF_CLI_CONFIG_FILE=/dev/null terraform init -input=false -no-color >/dev/null) && model_apply 1 true; }
check "model: terraform applies the replacement's shape with built-in resources (release 1)" first_model_host
ordered_replacement() {
    model_apply 2 true && test "$(steps)" = "instance: Creation complete,host_ready: Creation complete,association: Creation complete,association (old): Destroying,host_ready (old): Destroying,instance (old): Destroying"
}
check "  ... release 2: new host, ready, address moved; then the old association and the old host go" ordered_replacement
echo "       $(steps)"
# The host of release 2 is kept (deposed), and the one association still names it.
address_on_release_2() {
    (cd "$work/order" && TF_CLI_CONFIG_FILE=/dev/null terraform show -json 2>/dev/null) | json_holds '[.values.root_module.resources[]] as $all
        | ($all | map(select(.address == "terraform_data.instance" and .deposed_key != null and .values.triggers_replace == "2")) | .[0].values.id) as $old
        | $old != null and ($all | map(select(.address == "terraform_data.association")) | length == 1 and .[0].values.triggers_replace == $old)'
}
old_host_stays() { ! model_apply 3 false && test "$(steps)" = "instance: Creation complete" && address_on_release_2; }
check "  ... release 3 never ready: the apply fails, nothing is destroyed, the address stays on release 2" old_host_stays
finished_later() { model_apply 3 true && steps | grep -q "association: Creation complete.*instance (old): Destroying"; }
check "  ... and the next apply, once it is ready, moves the address and then removes the old host" finished_later

# The host's fetches (host-lib.sh: the user data's and failoverd-settings'), tried again with a
# bound (3 tries here, 2 + 4 s apart): an artifact that appears 3 s late is fetched; one that never
# does fails after the last try, with curl's reason.
fetches() {
    (sleep 3 && echo late >"$work/late") &
    FETCH_TRIES=3 bash -c '. terraform/files/host-lib.sh
        log() { echo "$*"; }
        die() { echo "$*" >&2; exit 1; }
        fetch "file://$1/late" "$1/fetched" && [ "$(cat "$1/fetched")" = late ] || exit 1
        ! fetch "file://$1/never" "$1/none" 2>"$1/never.err" && grep -q "curl" "$1/never.err"' _ "$work"
}
check "the host's fetch tries again: an artifact 3 s late is fetched, a missing one fails naming why" fetches

# The service spec Terraform writes to S3, rendered by templatefile() with the longest and oddest
# values the variables allow (quotes, colons, YAML's own characters): failoverd must read it as
# written, each value where the user meant it.
hcl_strings() { printf '%s\n' "$@" | sed 's/\\/\\\\/g; s/"/\\"/g; s/.*/"&"/' | paste -sd,; }  # STRING...: HCL string literals
spec_values=(
    name:="\"$(random_text 'a-zA-Z0-9' 63)\"" image:='"123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/orders@sha256:'"$(sha)"'"'
    pull:='"missing"' registry:='"ssm:/'"$(random_text 'A-Za-z0-9' 200)"'"'
    env:="{ $(for n in $(seq 1 20); do printf 'V%s_%s = "%s: x # \\"y\\" {z} [w] $$HOME", ' "$n" "$(random_text 'A-Z' 100)" "$(random_text 'a-z' 50)"; done) }"
    secrets:="{ $(for n in $(seq 1 20); do printf 'secret_%s = "/%s", ' "$n" "$(random_text 'A-Za-z0-9' 200)"; done) }"
    volumes:="[ $(hcl_strings /srv/failoverd-data/uploads:/data:ro cache:/var/cache) ]"
    command:="[ $(hcl_strings 'sh' '-c' 'exec app --port "$PORT" # not a comment') ]" entrypoint:='[]'
    user:='"app:app"' working_dir:='"/srv/app"' memory:='"512m"' cpus:=1.5 log_options:='{"max-size" = "10m", "max-file" = "3"}'
    healthcheck:='{test = ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/health || exit 1"], interval_seconds = 1, timeout_seconds = 1, retries = 3, start_period_seconds = 0}'
    network_mode:='"bridge"' ports:='["65535:8080"]'
)
scripts/lib/render_user_data.sh --template terraform/templates/service_spec.yml.tftpl "${spec_values[@]}" >"$work/spec.yml" 2>"$work/spec.err"
check "terraform console renders the service spec with the longest values" test -s "$work/spec.yml"
# ... into the settings, with the longest values of theirs, as main.tf renders them.
scripts/lib/render_user_data.sh --template terraform/templates/settings.yml.tftpl \
    probe_url="https://$(random_text 'a-z0-9' 253):65535/$(random_text 'a-z0-9' 100)" wan_rtt_ms=2000 \
    image_url="$artifacts/images/$(sha).tar" image_sha256="$(sha)" image="$(random_text 'a-z0-9' 400)" hold_down_seconds=86400 \
    alertmanager_urls:="[ $(for _ in 1 2 3 4 5; do printf '"https://%s:65535/%s", ' "$(random_text 'a-z0-9' 253)" "$(random_text 'a-z0-9' 100)"; done) ]" \
    mode=observe service_spec=@"$work/spec.yml" >"$work/settings.yml" 2>"$work/settings.err"
check "  ... and the settings around it" test -s "$work/settings.yml"
new_token "$work/token"
# As failoverd-settings writes failoverd.yml: its own lines, then the settings without comments.
{ printf 'auth: {token_file: %s}\n' "$work/token"; grep -v '^#' "$work/settings.yml"; } >"$work/failoverd.yml"
"$(failoverd_binary)" check-config --config "$work/failoverd.yml" >"$work/printed.yml" 2>"$work/check.err"
check "  ... and failoverd check-config accepts it" test -s "$work/printed.yml"
check "  ... reading every value as written (a value with quotes, #, colons and braces, a command)" \
    grep -qF -- '- "exec app --port \"$PORT\" # not a comment"' "$work/printed.yml"
check "  ... with 20 secrets as files under /etc/failoverd/secrets" test "$(grep -c '/etc/failoverd/secrets/secret_' "$work/printed.yml")" = 20
check "  ... whose SSM parameters failoverd-settings reads from its comment lines" test "$(grep -c '^# secret secret_[0-9]* ssm:/' "$work/settings.yml")" = 20
check "  ... as it reads the probe (with the round trip its timeout derives from) and the image's tarball" \
    bash -c "grep -c '^# probe https://.* 2000$' '$work/settings.yml' && grep -c '^# image-tarball s3://.*/images/[0-9a-f]*.tar [0-9a-f]\{64\} ' '$work/settings.yml'"
check "  ... the hold-down, mode and Alertmanager's 5 URLs are failoverd's" \
    bash -c "grep -qx 'hold_down_seconds: 86400' '$work/printed.yml' && grep -qx 'mode: \"observe\"' '$work/printed.yml' && test \$(grep -c '^  - \"https://' '$work/printed.yml') = 5"

# Each variable's validation, as terraform plan would run it (terraform console -var-file runs
# the validation blocks with no provider): a bad value is refused naming the variable.
mkdir -p "$work/variables" && cp terraform/variables.tf "$work/variables/"
base_vars='region = "eu-west-1"
vpc_id = "vpc-1"
subnet_id = "subnet-1"
alertmanager_cidrs = ["198.51.100.7/32"]
haproxy_cidrs = ["198.51.100.7/32"]
artifact_bucket = "bucket"
release = "1.0.0+git0123abc"
releases = { "1.0.0+git0123abc" = { failoverd_deb_sha256 = "'"$(printf '0%.0s' $(seq 64))"'" } }'
console_with() {  # console_with ASSIGNMENTS: terraform console's output for the base variables and these
    local set
    set=$(sed -n 's/^\([a-z_0-9]*\) *=.*/\1/p' <<<"$1" | paste -sd'|')  # the variables it sets replace the base's
    printf '%s\nimage = "app:1"\n' "$base_vars" | grep -Ev "^($set) *=" >"$work/variables/test.tfvars"
    printf '%s\n' "$1" >>"$work/variables/test.tfvars"
    (cd "$work/variables" && echo 'var.image' | TF_CLI_CONFIG_FILE=/dev/null terraform console -no-color -var-file=test.tfvars 2>&1)
}
# Read whole before grep: grep -q would end the pipe early, and pipefail take that for a failure.
accepted() { local out; out=$(console_with "$1"); ! grep -q 'Error' <<<"$out"; }
refused_naming() { local out; out=$(console_with "$1"); grep -q "^$2:" <<<"$out"; }
check "terraform accepts a user's service: ECR image by digest, env, secrets, volumes, limits, health check" accepted \
    "image = \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders@sha256:$(printf 'a%.0s' $(seq 64))\"
service_env = { GREETING = \"hello\" }
service_secrets = { db_password = \"/orders/db-password\" }
service_volumes = [\"/srv/failoverd-data/uploads:/data\"]
service_memory = \"512m\"
service_cpus = 1.5
service_user = \"app\"
data_volume_size_gb = 20
service_healthcheck = { test = [\"CMD\", \"/healthcheck\"] }"
while IFS='|' read -r variable assignment; do
    check "terraform refuses $variable = ${assignment#*= }, naming it" refused_naming "$assignment" "$variable"
done <<'CASES'
image|image = "Not An Image"
image_tarball_sha256|image_tarball_sha256 = "abc"
registry_auth|registry_auth = "password"
registry_credentials_parameter|registry_credentials_parameter = "no-slash"
service_env|service_env = { "1BAD" = "x" }
service_secrets|service_secrets = { "../escape" = "/p" }
service_volumes|service_volumes = ["/srv/uploads:relative"]
data_volume_size_gb|data_volume_size_gb = 1.5
service_user|service_user = "a b"
service_working_dir|service_working_dir = "relative"
service_memory|service_memory = "lots"
service_cpus|service_cpus = -1
service_healthcheck|service_healthcheck = { test = ["curl"] }
service_network_mode|service_network_mode = "overlay"
service_container_port|service_container_port = 70000
alertmanager_cidrs|alertmanager_cidrs = ["2001:db8::/32"]
haproxy_cidrs|haproxy_cidrs = ["198.51.100.7/24"]
ssh_cidrs|ssh_cidrs = ["10.0.0.1/8"]
client_cidrs|client_cidrs = ["::/0"]
egress_cidrs|egress_cidrs = ["10.1.2.3/16"]
control_plane|control_plane = true
webhook_token_kms_key_arn|webhook_token_kms_key_arn = "alias/failoverd"
tls_identity_kms_key_arn|tls_identity_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:alias/failoverd"
registry_auth|registry_auth = "ssm"
registry_auth|registry_auth = "ecr"
ssh_key_name|instance_connect_endpoint = true
release|release = "0.9.0"
releases|releases = { "1.0.0+git0123abc" = { failoverd_deb_sha256 = "abc" } }
settings_parameter|settings_parameter = "no-slash"
host_ready_timeout_seconds|host_ready_timeout_seconds = 30
CASES
check "terraform accepts a multi-region KMS key (mrk-)" accepted \
    'webhook_token_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/mrk-1234abcd1234abcd1234abcd1234abcd"'
check "terraform accepts the whole-site profile with its inputs" accepted \
    "control_plane = true
onprem_api_address = \"192.0.2.10:8080\"
client_cidrs = [\"0.0.0.0/0\"]
control_plane_sha256 = \"$(printf 'b%.0s' $(seq 64))\""

finish
