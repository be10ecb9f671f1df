# shellcheck shell=bash
# --- host-lib.sh: the cloud host's fetch and check helpers, one source for two users: the user
# data (main.tf embeds this file ahead of install_failoverd.sh) and failoverd-settings (the package
# installs it as /usr/lib/failoverd/host-lib.sh), and failoverd-state-backup. Expects REGION, and
# log_tag (the user's name in its log lines; default failoverd-install). ---
# The step under way (each log line names one) and why it failed, for the user's report; a new
# step starts without the last one's tolerated failures.
current_step="starting"; step_error=""
log() { echo "${log_tag:-failoverd-install}: $*"; current_step=$*; step_error=""; }
die() { echo "${log_tag:-failoverd-install}: FAILED: $*" >&2; step_error=$*; exit 1; }
# failed_step CODE: how a run that exited with CODE failed, for the report: the step and why.
failed_step() { echo "failed (exit $1) at: $current_step${step_error:+: $step_error}"; }
# The AWS CLI in the host's region (the CLI does not ask the instance for it reliably); with
# AWS_ENDPOINT_URL set, at that endpoint (newer CLIs read it themselves, Debian 12's 2.9 does not):
# a VPC endpoint, or a test's local S3 and SSM.
[ -n "$REGION" ] && export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-$REGION}"
aws_cli() { aws ${AWS_ENDPOINT_URL:+--endpoint-url "$AWS_ENDPOINT_URL"} "$@"; }
# fetch URL DEST: s3://bucket/key and ssm:/parameter with the instance role; https:// and
# file:// with curl (file:// is how a test or an air-gapped image supplies local artifacts).
# Tried 5 times over about 30 s (FETCH_TRIES): a boot can come before its network, its role's
# credentials or an object just written; a parameter that does not exist is an answer.
fetch() {
    local attempt errors
    errors=$(mktemp)
    for attempt in $(seq 1 "${FETCH_TRIES:-5}"); do
        fetch_once "$1" "$2" 2>"$errors" && { rm -f "$errors"; return 0; }
        grep -q ParameterNotFound "$errors" && break
        [ "$attempt" -lt "${FETCH_TRIES:-5}" ] || break
        log "fetching $1 failed ($(tail -1 "$errors")); trying again in $((2 ** attempt)) s"
        sleep $((2 ** attempt))
    done
    step_error="fetching $1: $(tail -1 "$errors")"
    echo "$step_error" >&2
    rm -f "$errors"
    return 1
}
fetch_once() {
    case "$1" in
        s3://*) aws_cli s3 cp --only-show-errors "$1" "$2" ;;
        ssm:*) aws_cli ssm get-parameter --with-decryption --name "${1#ssm:}" --query Parameter.Value --output text >"$2" ;;
        https://* | file://*) curl -fsS --proto '=https,file' -o "$2" "$1" ;;
        *) die "unsupported URL scheme: $1" ;;
    esac
}
# fetch_secret URL DEST: as fetch, but the value exactly: the AWS CLI's text output ends with a
# newline of its own, which is not the secret's.
fetch_secret() {
    case "$1" in
        ssm:*) fetch "$1" "$2.text" && head -c -1 "$2.text" >"$2" && rm -f "$2.text" ;;
        *) fetch "$1" "$2" ;;
    esac
}
verify() {
    echo "$1  $2" | sha256sum --check --quiet - || die "$2 does not match SHA-256 $1; refusing to install it"
}
# The host in its reports: its EC2 instance ID, which cloud-init keeps. A replacement's boot is
# told apart from the old host's reports by it (terraform/files/await_host.sh).
host_id() { cat /var/lib/cloud/data/instance-id 2>/dev/null || hostname; }
# report_status OUTCOME: the host's last event, with its time and the host, where the operator
# reads it without SSH (BOOT_STATUS_URL: ssm:/parameter, or file:// for a test): the boot's
# outcome, then each settings change's.
report_status() {
    local line
    line="$(date -u +%FT%TZ) $(host_id) $1"
    case "$BOOT_STATUS_URL" in
        ssm:*) aws_cli ssm put-parameter --overwrite --type String --name "${BOOT_STATUS_URL#ssm:}" --value "${line:0:4000}" >/dev/null ;;
        file://*) echo "$line" >"${BOOT_STATUS_URL#file://}" ;;
    esac
}
docker_api() {
    curl -fsS --unix-socket /var/run/docker.sock "$@"
}
