#!/usr/bin/env python3
"""Structural checks of terraform/ with python-hcl2 (its own venv: checkov vendors another hcl2).

usage: check_terraform.py TERRAFORM_DIR CHECK; CHECK is one of the functions in CHECKS. Exits 1
with the reason when the check fails. Terraform itself is not installable here, so these read
the code the way terraform would parse it and assert what the issue promises.
"""
import glob
import os
import re
import sys

import hcl2


def unquote(value):
    """python-hcl2 keeps string quotes; strip them everywhere."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    if isinstance(value, list):
        return [unquote(v) for v in value]
    if isinstance(value, dict):
        return {unquote(k): unquote(v) for k, v in value.items()}
    return value


def load(directory):
    merged = {}
    for path in sorted(glob.glob(os.path.join(directory, "*.tf"))):
        with open(path) as handle:
            for block, items in unquote(hcl2.load(handle)).items():
                merged.setdefault(block, []).extend(items)
    return merged


def resources(tf, kind):
    found = {}
    for entry in tf.get("resource", []):
        for name, body in entry.get(kind, {}).items():
            found[name] = body
    return found


def named(tf, block):
    return {name: body for entry in tf.get(block, []) for name, body in entry.items()}


def versions_are_pinned(tf):
    settings = tf["terraform"][0]
    required = settings["required_version"]
    assert "<" in required, f"required_version has no upper bound: {required}"
    aws = settings["required_providers"][0]["aws"]
    assert re.match(r"^(~>\s*\d+\.\d+\.\d+|=?\s*\d+\.\d+\.\d+)$", aws["version"]), f"aws provider not pinned to a patch series: {aws['version']}"


def instance_is_hardened(tf):
    instance = resources(tf, "aws_instance")["failoverd"]
    metadata = instance["metadata_options"][0]
    assert metadata["http_tokens"] == "required", "IMDSv1 allowed"
    assert metadata["http_put_response_hop_limit"] == 1, "containers could reach instance credentials"
    root = instance["root_block_device"][0]
    assert root["encrypted"] is True, "root volume not encrypted"
    assert "aws_iam_instance_profile.failoverd" in instance["iam_instance_profile"]


def nothing_is_open_to_the_world_by_default(tf):
    variables = named(tf, "variable")
    for required in ("alertmanager_cidrs", "haproxy_cidrs"):
        assert "default" not in variables[required], f"{required} must be an input, not defaulted"
        assert "0.0.0.0/0" in str(variables[required]["validation"]), f"{required} does not refuse 0.0.0.0/0"
    assert variables["ssh_cidrs"]["default"] == [], "SSH must be closed unless asked for"
    rules = resources(tf, "aws_vpc_security_group_ingress_rule")
    # SSH through the Instance Connect Endpoint: from its security group only, never a CIDR.
    endpoint_ssh = rules.pop("ssh_from_instance_connect")
    assert "cidr_ipv4" not in endpoint_ssh and endpoint_ssh["from_port"] == endpoint_ssh["to_port"] == 22
    assert endpoint_ssh["referenced_security_group_id"] == "${aws_security_group.instance_connect[0].id}", endpoint_ssh
    assert variables["instance_connect_endpoint"]["default"] is False, "the endpoint must be asked for"
    sources = {name: rule["for_each"] for name, rule in rules.items()}
    assert sources == {
        "webhook": "${toset(var.alertmanager_cidrs)}",
        "api": "${toset(var.haproxy_cidrs)}",
        "ssh": "${toset(var.ssh_cidrs)}",
        # The whole-site profile's frontend: closed unless control_plane is on and clients are named.
        "frontend": "${var.control_plane ? toset(var.client_cidrs) : toset([])}",
    }, f"unexpected ingress sources: {sources}"
    assert variables["control_plane"]["default"] is False and variables["client_cidrs"]["default"] == []
    ports = {name: rule["from_port"] for name, rule in rules.items()}
    assert ports == {"webhook": "${var.webhook_port}", "api": "${var.api_port}", "ssh": 22, "frontend": "${var.frontend_port}"}, ports


def address_is_stable(tf):
    assert "failoverd" in resources(tf, "aws_eip")
    association = resources(tf, "aws_eip_association")["failoverd"]
    assert association["allocation_id"] == "${aws_eip.failoverd.id}"


def replacement_keeps_the_old_host_until_the_new_one_is_ready(tf):
    """The shape test_terraform.sh's model applies: the new host is made first, the address moves
    to it only after await_host.sh saw it ready, and the old host goes after the move."""
    instance = resources(tf, "aws_instance")["failoverd"]
    assert instance["lifecycle"][0].get("create_before_destroy") is True, "the old host would go before the new one boots"
    ready = resources(tf, "terraform_data")["host_ready"]
    assert ready["triggers_replace"] == "${aws_instance.failoverd.id}", "the wait must run for every new host"
    assert ready["input"] == "${aws_instance.failoverd.id}", ready
    waiter = ready["provisioner"][0]["local-exec"]
    assert waiter["command"] == "${path.module}/files/await_host.sh", waiter["command"]
    assert waiter["environment"]["INSTANCE_ID"] == "${aws_instance.failoverd.id}", waiter["environment"]
    association = resources(tf, "aws_eip_association")["failoverd"]
    assert association["instance_id"] == "${terraform_data.host_ready.output}", "the address would move before the host is ready"
    assert association["allow_reassociation"] is True, "the new association must take the address from the old host"
    for name, body in (("terraform_data.host_ready", ready), ("aws_eip_association.failoverd", association)):
        assert body["lifecycle"][0].get("create_before_destroy") is True, f"{name} must be replaced new-first"


def role_reads_only_its_artifacts_and_token(tf):
    document = named(tf, "data")["aws_iam_policy_document"]["failoverd"]
    allowed = sorted(a for statement in document["statement"] if statement.get("effect", "Allow") == "Allow"
                     for a in statement["actions"])
    assert allowed == ["s3:GetObject", "s3:GetObject", "s3:PutObject", "ssm:GetParameter", "ssm:GetParameter", "ssm:PutParameter",
                       "ssm:PutParameter"], allowed
    # S3 writes: failoverd's state copy alone, the one object a replacement host reads back.
    s3_writable = [s for s in document["statement"] if "s3:PutObject" in s["actions"]]
    assert [r for s in s3_writable for r in s["resources"]] == [
        "arn:${data.aws_partition.current.partition}:s3:::${var.artifact_bucket}/${local.state_key}"], "PutObject beyond the state copy"
    writable = [s for s in document["statement"] if "ssm:PutParameter" in s["actions"]]
    # The TLS identity (created once), and the boot's report (written at every boot).
    assert sorted(r for s in writable for r in s["resources"]) == sorted(
        ["${local.boot_status_parameter_arn}", "${local.tls_identity_parameter_arn}", "${local.tls_identity_parameter_arn}"]), \
        "PutParameter beyond the TLS identity and the boot status"
    denied = [s for s in writable if s.get("effect") == "Deny"]
    assert denied and denied[0]["condition"][0]["variable"] == "ssm:Overwrite" and denied[0]["condition"][0]["values"] == ["true"], \
        "the role must never overwrite the TLS identity (Deny ssm:PutParameter with ssm:Overwrite = true)"
    for statement in document["statement"]:
        for resource in statement["resources"]:
            assert "*" not in resource, f"wildcard resource {resource}"
    # The statements that depend on the configuration: KMS keys, the service's secrets, ECR.
    dynamic = {d["statement"]["content"][0]["sid"]: d["statement"]["content"][0] for d in document["dynamic"]}
    actions = {sid: sorted(content["actions"]) for sid, content in dynamic.items()}
    assert actions == {
        "DecryptWebhookToken": ["kms:Decrypt"],
        "EncryptAndDecryptTLSIdentity": ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
        "DecryptSettings": ["kms:Decrypt"],
        "ReadServiceSecrets": ["ssm:GetParameter"],
        "LogInToECR": ["ecr:GetAuthorizationToken"],
        "PullTheServiceImage": ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
    }, actions
    # GetAuthorizationToken has no resource to scope it to; everything else names its own.
    wildcards = sorted(sid for sid, content in dynamic.items() if any("*" in str(r) for r in content["resources"]))
    assert wildcards == ["LogInToECR"], f"wildcard resources in {wildcards}"
    assert "repository/" in dynamic["PullTheServiceImage"]["resources"][0], "ECR pulls beyond the image's repository"


def templatefile_variables(user_data):
    """The names main.tf passes in templatefile()'s variable map."""
    return re.findall(r"[{,]\s*([a-z_0-9]+)\s*=", user_data)


def user_data_of(tf):
    """The instance's user data expression: base64gzip(templatefile(...)), so it fits EC2's 16 KiB
    (a local, which the replacement guard compares with the running host's)."""
    instance = resources(tf, "aws_instance")["failoverd"]
    assert "user_data" not in instance, "plain user_data: use user_data_base64 = base64gzip(...)"
    assert instance["user_data_base64"] == "${local.user_data}", instance["user_data_base64"]
    return next(block["user_data"] for block in tf["locals"] if "user_data" in block)


def replacement_while_failed_over_is_refused(tf):
    """The instance's precondition is the guard's verdict, fed the running host's user data and
    the state it copied off."""
    instance = resources(tf, "aws_instance")["failoverd"]
    conditions = instance["lifecycle"][0]["precondition"]
    assert any(c["condition"] == "${module.replacement_guard.refusal == null}" for c in conditions), conditions
    guard = named(tf, "module")["replacement_guard"]
    assert guard["planned_user_data"] == "${local.user_data}", guard
    assert "data.aws_instance.serving" in guard["running_user_data"] and "data.aws_s3_object.state" in guard["state_json"], guard


def user_data_holds_no_secret(tf):
    user_data = user_data_of(tf)
    assert user_data.startswith("${base64gzip(templatefile("), f"user data must be base64gzip(templatefile()): {user_data[:40]}"
    assert 'token_url = "ssm:${var.webhook_token_parameter}"' in user_data, "the token must come from SSM at boot"
    assert 'tls_identity_url = "ssm:${var.tls_identity_parameter}"' in user_data, "the TLS identity must come from SSM at boot"
    passed = templatefile_variables(user_data)
    assert not [name for name in passed if "token" in name and name != "token_url"], f"a token value is passed: {passed}"
    assert not [name for name in passed if "tls" in name and name not in ("tls_identity_url", "tls_identity_key")], \
        f"a TLS value is passed: {passed}"


def settings_do_not_replace_the_host(tf):
    """What failoverd does reaches the running host through the settings parameter: none of it is
    in the user data, whose every change replaces the host."""
    passed = set(templatefile_variables(user_data_of(tf)))
    settings = {"hold_down_seconds", "alertmanager_urls", "probe_url", "mode", "image", "image_url", "service_spec"}
    assert not passed & settings, f"settings in the user data replace the host when they change: {sorted(passed & settings)}"
    assert "settings_url" in passed, "the user data must name the settings parameter"
    parameter = resources(tf, "aws_ssm_parameter")["settings"]
    assert "${aws_s3_object.settings.key}" in parameter["value"] and "sha256(local.settings)" in parameter["value"], parameter["value"]
    assert "${aws_ssm_parameter.settings}" in str(resources(tf, "aws_instance")["failoverd"]["depends_on"]), \
        "the first boot must find the settings parameter"
    # The package by the release's pinned checksum, from its version's own folder.
    user_data = user_data_of(tf)
    assert "package_sha256 = var.releases[var.release].failoverd_deb_sha256" in user_data, "the package is not pinned by release"


def outputs_serve_the_on_prem_side(tf):
    outputs = named(tf, "output")
    for name in ("webhook_url", "haproxy_backup_server", "alertmanager_receiver"):
        assert name in outputs, f"missing output {name}"
    assert outputs["webhook_url"]["value"].startswith("https://")
    assert " backup" in outputs["haproxy_backup_server"]["value"]
    # A boot that fails is seen from outside: its outcome, and its whole log.
    assert "ssm get-parameter" in outputs["boot_status_command"]["value"]
    assert "${var.boot_status_parameter}" in outputs["boot_status_command"]["value"]
    assert "ec2 get-console-output" in outputs["console_output_command"]["value"]


def print_templatefile_variables(tf):
    """Not a check: prints the keys main.tf passes to templatefile(), one per line."""
    for name in templatefile_variables(user_data_of(tf)):
        print(name)


def variables_table(tf):
    """Not a check: prints every variable as a Markdown table (docs/terraform-variables.md)."""
    def cell(text):
        return str(text).replace('\\"', '"').replace("|", "\\|").replace("\n", " ")

    def shown(value):
        if value is None:
            return "null"
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str):
            return value.replace("${", "").replace("}", "") if value.startswith("${") else f'"{value}"'
        if isinstance(value, (list, dict)) and not value:
            return "[]" if isinstance(value, list) else "{}"
        return str(value).replace("'", '"')

    print("| variable | type | default | meaning |")
    print("| --- | --- | --- | --- |")
    for name, body in named(tf, "variable").items():
        kind = body.get("type", "string").replace("${", "").replace("}", "")
        default = f"`{cell(shown(body['default']))}`" if "default" in body else "required"
        print(f"| `{name}` | `{cell(kind)}` | {default} | {cell(body.get('description', ''))} |")


CHECKS = {f.__name__: f for f in (
    versions_are_pinned, instance_is_hardened, nothing_is_open_to_the_world_by_default, address_is_stable,
    role_reads_only_its_artifacts_and_token, user_data_holds_no_secret, settings_do_not_replace_the_host,
    replacement_while_failed_over_is_refused, replacement_keeps_the_old_host_until_the_new_one_is_ready,
    outputs_serve_the_on_prem_side,
    print_templatefile_variables, variables_table,
)}

if __name__ == "__main__":
    directory, check = sys.argv[1], sys.argv[2]
    try:
        CHECKS[check](load(directory))
    except AssertionError as failure:
        raise SystemExit(f"{check}: {failure}")
