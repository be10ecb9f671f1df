#!/bin/bash
# await_host.sh: Terraform runs it (terraform_data.host_ready, on the operator's machine) between
# creating a cloud host and moving the Elastic IP to it. It returns once the host reported a
# boot that ended well, so the old host (create_before_destroy) keeps the address and serves until
# then and is destroyed only after the move. It fails, and so stops the apply before the move,
# when the new host's boot failed (with its step and message), when it says nothing within
# AWAIT_SECONDS, or when failoverd's state copy says the cloud copy serves right now: a failover
# that began after the plan, which the plan's precondition could not see.
# Needs the AWS CLI and jq. Environment (main.tf sets it): REGION, INSTANCE_ID,
# BOOT_STATUS_PARAMETER, STATE_URL, REPLACING (another host exists), REPLACE_WHILE_FAILED_OVER,
# AWAIT_SECONDS; AWS_ENDPOINT_URL for a test's local SSM and S3.
set -euo pipefail
log_tag=failoverd-await
# shellcheck source=terraform/files/host-lib.sh
. "$(dirname "$0")/host-lib.sh"
for tool in aws jq; do
    command -v "$tool" >/dev/null || die "$tool is not installed here; Terraform needs it to wait for the new host before moving the Elastic IP"
done

# The last boot outcome this instance reported ("ok: ..." or "failed ..."), from the status
# parameter's history: the old host's settings reports may have come after it.
boot_outcome() {
    local history
    history=$(aws_cli ssm get-parameter-history --name "$BOOT_STATUS_PARAMETER" --query 'Parameters[].Value' --output json 2>"$errors") ||
        { grep -q ParameterNotFound "$errors" && return 0; die "cannot read $BOOT_STATUS_PARAMETER: $(tail -1 "$errors")"; }
    jq -r --arg host "$INSTANCE_ID" '[.[] | select(split(" ")[1] == $host) | select(split(" ")[2] | test("^(ok|failed)"))] | last // empty' <<<"$history"
}

errors=$(mktemp)
trap 'rm -f "$errors"' EXIT
await_seconds=${AWAIT_SECONDS:-900}
console="aws ec2 get-console-output --region $REGION --instance-id $INSTANCE_ID --latest --output text"
deadline=$((SECONDS + await_seconds))
log "waiting for $INSTANCE_ID to report its boot in $BOOT_STATUS_PARAMETER (up to $await_seconds s)"
while :; do
    outcome=$(boot_outcome)
    case "$outcome" in
        *" $INSTANCE_ID ok"*) break ;;
        *" $INSTANCE_ID failed"*)
            die "the new host's boot failed, so the Elastic IP stays with the host that has it: $outcome. Its whole log: $console"
            ;;
    esac
    [ "$SECONDS" -lt "$deadline" ] || die "$INSTANCE_ID reported no boot outcome within $await_seconds s, so the Elastic IP" \
        "stays with the host that has it. Its log so far: $console"
    sleep "${AWAIT_POLL_SECONDS:-10}"
done
log "$INSTANCE_ID is ready: $outcome"

if [ "$REPLACING" = true ] && [ "$REPLACE_WHILE_FAILED_OVER" != true ]; then
    state=$(aws_cli s3 cp --only-show-errors "$STATE_URL" - 2>"$errors") || {
        grep -qE '404|NoSuchKey|Not Found' "$errors" || die "cannot read failoverd's state copy at $STATE_URL: $(tail -1 "$errors")"
        state='{}'
    }
    since=$(jq -r '.failedOverSince // empty' <<<"$state") ||
        die "failoverd's state copy at $STATE_URL does not read as JSON, so whether the cloud copy serves is unknown: set replace_while_failed_over = true to move anyway"
    [ -z "$since" ] || die "the cloud copy has served since $since (failoverd's state copy at $STATE_URL): a failover began after" \
        "the plan. The Elastic IP stays with the old host, which keeps serving. Apply again once on-prem is back and" \
        "failoverd has stopped the copy, or with replace_while_failed_over = true to move anyway."
fi
log "moving the Elastic IP to $INSTANCE_ID"
