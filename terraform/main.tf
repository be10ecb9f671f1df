data "aws_ami" "debian12" {
  most_recent = true
  owners      = ["136693071363"] # Debian's official cloud images

  filter {
    name   = "name"
    values = ["debian-12-amd64-*"]
  }

  filter {
    name   = "architecture"
    values = ["x86_64"]
  }
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_subnet" "failoverd" {
  id = var.subnet_id
}

locals {
  # A release under its version (scripts/publish.sh); the image tarball and the control plane's
  # bundle under their checksums: an upload never changes what an existing name holds.
  package_key       = "${var.artifact_prefix}/releases/${var.release}/failoverd.deb"
  image_tarball_key = "${var.artifact_prefix}/images/${coalesce(var.image_tarball_sha256, "none")}.tar"
  control_plane_key = "${var.artifact_prefix}/control-plane/${var.control_plane_sha256}.tar"
  # failoverd's state, copied off the host at every save, for the host that replaces it.
  state_key = "${var.artifact_prefix}/state/failoverd-state.json"
  token_parameter_arn = format("arn:%s:ssm:%s:%s:parameter%s",
  data.aws_partition.current.partition, var.region, data.aws_caller_identity.current.account_id, var.webhook_token_parameter)
  client_ca_parameter_arn = format("arn:%s:ssm:%s:%s:parameter%s",
  data.aws_partition.current.partition, var.region, data.aws_caller_identity.current.account_id, var.onprem_client_ca_parameter)
  tls_identity_parameter_arn = format("arn:%s:ssm:%s:%s:parameter%s",
  data.aws_partition.current.partition, var.region, data.aws_caller_identity.current.account_id, var.tls_identity_parameter)
  boot_status_parameter_arn = format("arn:%s:ssm:%s:%s:parameter%s",
  data.aws_partition.current.partition, var.region, data.aws_caller_identity.current.account_id, var.boot_status_parameter)
  settings_parameter_arn = format("arn:%s:ssm:%s:%s:parameter%s",
  data.aws_partition.current.partition, var.region, data.aws_caller_identity.current.account_id, var.settings_parameter)
  parameter_arn_prefix = format("arn:%s:ssm:%s:%s:parameter",
  data.aws_partition.current.partition, var.region, data.aws_caller_identity.current.account_id)

  # The protected service. An ECR image (ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO) logs in with
  # the instance role unless registry_auth says otherwise.
  ecr_image      = try(regex("^([0-9]{12})\\.dkr\\.ecr\\.([a-z0-9-]+)\\.amazonaws\\.com(\\.cn)?/([a-z0-9._/-]+?)(:[A-Za-z0-9_.-]+)?(@sha256:[0-9a-f]{64})?$", var.image), null)
  registry_auth  = coalesce(var.registry_auth, local.ecr_image != null ? "ecr" : "none")
  from_tarball   = var.image_tarball_sha256 != null
  container_port = coalesce(var.service_container_port, var.api_port)
  service_spec = templatefile("${path.module}/templates/service_spec.yml.tftpl", {
    name         = var.cloud_container_name
    image        = var.image
    pull         = local.from_tarball ? "never" : "missing"
    registry     = local.registry_auth == "ssm" ? "ssm:${var.registry_credentials_parameter}" : local.registry_auth
    env          = var.service_env != null ? var.service_env : { SITE = "cloud", PORT = tostring(var.service_network_mode == "bridge" ? local.container_port : var.copy_port) }
    secrets      = var.service_secrets
    volumes      = var.service_volumes
    command      = var.service_command
    entrypoint   = var.service_entrypoint
    user         = var.service_user
    working_dir  = var.service_working_dir
    memory       = var.service_memory
    cpus         = var.service_cpus
    log_options  = var.service_log_options
    healthcheck  = var.service_healthcheck
    network_mode = var.service_network_mode
    ports        = var.service_network_mode == "bridge" ? ["127.0.0.1:${var.copy_port}:${local.container_port}"] : []
  })
  # What failoverd does, apart from what the host is: a change here reaches the running host
  # through the settings parameter, without replacing it (the user data holds none of it).
  settings = templatefile("${path.module}/templates/settings.yml.tftpl", {
    probe_url         = var.probe_url
    wan_rtt_ms        = var.wan_rtt_ms
    image_url         = local.from_tarball ? "s3://${var.artifact_bucket}/${local.image_tarball_key}" : ""
    image_sha256      = coalesce(var.image_tarball_sha256, "")
    image             = var.image
    hold_down_seconds = var.hold_down_seconds
    alertmanager_urls = var.control_plane ? ["http://127.0.0.1:9093"] : var.alertmanager_api_urls
    mode              = var.mode
    service_spec      = local.service_spec
  })
  # Named by their content: changed settings are a new object, and the host checks the checksum.
  settings_key = "${var.artifact_prefix}/settings/${sha256(local.settings)}.yml"
}

# failoverd's settings (no secret: secrets are named by their SSM parameters, which only the
# instance role reads). The new object exists before the parameter names it and the old one goes.
resource "aws_s3_object" "settings" {
  bucket                 = var.artifact_bucket
  key                    = local.settings_key
  content                = local.settings
  content_type           = "application/yaml"
  server_side_encryption = var.artifact_kms_key_arn == null ? "AES256" : "aws:kms"
  kms_key_id             = var.artifact_kms_key_arn

  lifecycle {
    create_before_destroy = true
  }
}

# What the host's failoverd-settings timer looks at every minute: the settings' URL and SHA-256.
resource "aws_ssm_parameter" "settings" {
  #checkov:skip=CKV2_AWS_34:Holds no secret: an S3 URL and the SHA-256 the host checks the object against.
  name        = var.settings_parameter
  description = "failoverd's settings: their S3 object and SHA-256 (the host applies a change within a minute)"
  type        = "String"
  value       = "s3://${var.artifact_bucket}/${aws_s3_object.settings.key} ${sha256(local.settings)}"
}

# The copy's files that must outlive the host (uploads, a local database): an encrypted EBS
# volume in the host's zone, mounted at /srv/failoverd-data by the user data, snapshotted if destroyed.
resource "aws_ebs_volume" "data" {
  count             = var.data_volume_size_gb > 0 ? 1 : 0
  availability_zone = data.aws_subnet.failoverd.availability_zone
  size              = var.data_volume_size_gb
  type              = "gp3"
  encrypted         = true
  kms_key_id        = var.data_volume_kms_key_arn
  final_snapshot    = true
  tags              = { Name = "${var.name}-data" }
}

resource "aws_volume_attachment" "data" {
  count                          = var.data_volume_size_gb > 0 ? 1 : 0
  device_name                    = "/dev/sdf"
  volume_id                      = aws_ebs_volume.data[0].id
  instance_id                    = aws_instance.failoverd.id
  stop_instance_before_detaching = true
}

# The address Alertmanager and HAProxy are configured with. Allocated apart from the instance so
# replacing the host keeps it, and the on-prem configs never drift.
resource "aws_eip" "failoverd" {
  domain = "vpc"
  tags   = { Name = var.name }
}

# The address moves to a host only once it is ready (terraform_data.host_ready), straight from the
# host that had it: a new association takes it over (allow_reassociation), then the old one,
# already gone, is deleted, then the old host is destroyed.
resource "aws_eip_association" "failoverd" {
  instance_id         = terraform_data.host_ready.output
  allocation_id       = aws_eip.failoverd.id
  allow_reassociation = true

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_security_group" "failoverd" {
  name        = var.name
  description = "failoverd cloud standby: webhook from Alertmanager, API from HAProxy"
  vpc_id      = var.vpc_id
  tags        = { Name = var.name }
}

resource "aws_vpc_security_group_ingress_rule" "webhook" {
  for_each          = toset(var.alertmanager_cidrs)
  security_group_id = aws_security_group.failoverd.id
  description       = "Alertmanager webhook to failoverd"
  cidr_ipv4         = each.value
  ip_protocol       = "tcp"
  from_port         = var.webhook_port
  to_port           = var.webhook_port
}

resource "aws_vpc_security_group_ingress_rule" "api" {
  for_each          = toset(var.haproxy_cidrs)
  security_group_id = aws_security_group.failoverd.id
  description       = "HAProxy requests and health checks to the cloud copy"
  cidr_ipv4         = each.value
  ip_protocol       = "tcp"
  from_port         = var.api_port
  to_port           = var.api_port
}

resource "aws_vpc_security_group_ingress_rule" "ssh" {
  for_each          = toset(var.ssh_cidrs)
  security_group_id = aws_security_group.failoverd.id
  description       = "Operator SSH"
  cidr_ipv4         = each.value
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
}

# Operator SSH without an open port: an EC2 Instance Connect Endpoint in the host's subnet, which
# alone may reach port 22 (aws ec2-instance-connect ssh --connection-type eice).
resource "aws_security_group" "instance_connect" {
  count       = var.instance_connect_endpoint ? 1 : 0
  name        = "${var.name}-instance-connect"
  description = "EC2 Instance Connect Endpoint: SSH to the failoverd host only"
  vpc_id      = var.vpc_id
  tags        = { Name = "${var.name}-instance-connect" }
}

resource "aws_vpc_security_group_egress_rule" "instance_connect_ssh" {
  count                        = var.instance_connect_endpoint ? 1 : 0
  security_group_id            = aws_security_group.instance_connect[0].id
  description                  = "SSH to the failoverd host"
  referenced_security_group_id = aws_security_group.failoverd.id
  ip_protocol                  = "tcp"
  from_port                    = 22
  to_port                      = 22
}

resource "aws_vpc_security_group_ingress_rule" "ssh_from_instance_connect" {
  count                        = var.instance_connect_endpoint ? 1 : 0
  security_group_id            = aws_security_group.failoverd.id
  description                  = "Operator SSH through the EC2 Instance Connect Endpoint"
  referenced_security_group_id = aws_security_group.instance_connect[0].id
  ip_protocol                  = "tcp"
  from_port                    = 22
  to_port                      = 22
}

resource "aws_ec2_instance_connect_endpoint" "failoverd" {
  count              = var.instance_connect_endpoint ? 1 : 0
  subnet_id          = var.subnet_id
  security_group_ids = [aws_security_group.instance_connect[0].id]
  preserve_client_ip = false
  tags               = { Name = var.name }
}

# Whole-site profile: clients reach HAProxy on this host, and the host reaches on-prem's API.
resource "aws_vpc_security_group_ingress_rule" "frontend" {
  for_each          = var.control_plane ? toset(var.client_cidrs) : toset([])
  security_group_id = aws_security_group.failoverd.id
  description       = "Clients to HAProxy's frontend (whole-site profile)"
  cidr_ipv4         = each.value
  ip_protocol       = "tcp"
  from_port         = var.frontend_port
  to_port           = var.frontend_port
}

# Egress follows the configuration: HTTPS and HTTP to egress_cidrs (S3, SSM, ECR, Debian's
# mirrors), and each address failoverd itself calls (Alertmanager's API, its probe, the image's
# registry, the whole-site profile's on-prem API) on its own port, to its /32 when it is an
# address, else to egress_cidrs. Terraform removes AWS's allow-all default, so a call without a
# rule here would be dropped silently.
module "egress" {
  source                = "./modules/egress"
  alertmanager_api_urls = var.control_plane ? [] : var.alertmanager_api_urls
  probe_url             = var.probe_url
  image                 = local.from_tarball ? "" : var.image
  egress_cidrs          = var.egress_cidrs
  onprem_api_address    = var.control_plane ? var.onprem_api_address : ""
}

resource "aws_vpc_security_group_egress_rule" "configured" {
  for_each          = module.egress.rules
  security_group_id = aws_security_group.failoverd.id
  description       = each.value.description
  cidr_ipv4         = each.value.cidr
  ip_protocol       = "tcp"
  from_port         = each.value.port
  to_port           = each.value.port
}

# The instance may read its artifacts and its two secrets, and store its TLS identity once (the
# first host makes it); nothing else.
data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "failoverd" {
  statement {
    sid     = "ReadArtifacts"
    actions = ["s3:GetObject"]
    resources = [for key in concat([local.package_key, local.settings_key], local.from_tarball ? [local.image_tarball_key] : [],
    var.control_plane ? [local.control_plane_key] : []) : "arn:${data.aws_partition.current.partition}:s3:::${var.artifact_bucket}/${key}"]
  }

  # failoverd's state: written at every save, read by the host that replaces this one.
  statement {
    sid       = "KeepStateAcrossReplacements"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["arn:${data.aws_partition.current.partition}:s3:::${var.artifact_bucket}/${local.state_key}"]
  }

  # The service's secrets and, with registry_auth = "ssm", the registry's credentials: each
  # parameter by name, nothing else.
  dynamic "statement" {
    for_each = length(var.service_secrets) + (local.registry_auth == "ssm" ? 1 : 0) > 0 ? [1] : []
    content {
      sid     = "ReadServiceSecrets"
      actions = ["ssm:GetParameter"]
      resources = [for parameter in concat(values(var.service_secrets), local.registry_auth == "ssm" ? [var.registry_credentials_parameter] : []) :
      "${local.parameter_arn_prefix}${parameter}"]
    }
  }

  # ECR: a login token (the API has no resource to scope it to) and the image's repository only.
  dynamic "statement" {
    for_each = local.registry_auth == "ecr" ? [1] : []
    content {
      sid       = "LogInToECR"
      actions   = ["ecr:GetAuthorizationToken"]
      resources = ["*"]
    }
  }
  dynamic "statement" {
    for_each = local.registry_auth == "ecr" && local.ecr_image != null ? [local.ecr_image] : []
    content {
      sid       = "PullTheServiceImage"
      actions   = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]
      resources = ["arn:${data.aws_partition.current.partition}:ecr:${statement.value[1]}:${statement.value[0]}:repository/${statement.value[3]}"]
    }
  }

  statement {
    sid       = "ReadWebhookTokenClientCAAndSettings"
    actions   = ["ssm:GetParameter"]
    resources = [local.token_parameter_arn, local.client_ca_parameter_arn, local.settings_parameter_arn]
  }

  # Each boot and each settings change writes its outcome here, where the operator reads it without SSH.
  statement {
    sid       = "ReportBootStatus"
    actions   = ["ssm:PutParameter"]
    resources = [local.boot_status_parameter_arn]
  }

  statement {
    sid       = "ReadAndCreateTLSIdentity"
    actions   = ["ssm:GetParameter", "ssm:PutParameter"]
    resources = [local.tls_identity_parameter_arn]
  }

  # A host may create the identity, never replace it: a replacement serves the same certificate.
  statement {
    sid       = "NeverOverwriteTLSIdentity"
    effect    = "Deny"
    actions   = ["ssm:PutParameter"]
    resources = [local.tls_identity_parameter_arn]
    condition {
      test     = "StringEquals"
      variable = "ssm:Overwrite"
      values   = ["true"]
    }
  }

  dynamic "statement" {
    for_each = var.webhook_token_kms_key_arn == null ? [] : [var.webhook_token_kms_key_arn]
    content {
      sid       = "DecryptWebhookToken"
      actions   = ["kms:Decrypt"]
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = var.artifact_kms_key_arn == null ? [] : [var.artifact_kms_key_arn]
    content {
      sid       = "DecryptSettings"
      actions   = ["kms:Decrypt"]
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = var.tls_identity_kms_key_arn == null ? [] : [var.tls_identity_kms_key_arn]
    content {
      sid       = "EncryptAndDecryptTLSIdentity"
      actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role" "failoverd" {
  name               = var.name
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_iam_role_policy" "failoverd" {
  name   = "${var.name}-artifacts-and-token"
  role   = aws_iam_role.failoverd.id
  policy = data.aws_iam_policy_document.failoverd.json
}

resource "aws_iam_instance_profile" "failoverd" {
  name = var.name
  role = aws_iam_role.failoverd.name
}

# The instance's user data: what the host is (its release, ports, parameters), none of its settings.
locals {
  # No secrets in here: the token is fetched from SSM by the instance role at boot. Gzipped:
  # EC2 takes 16 KiB of user data, cloud-init unpacks gzip, and scripts/tests/test_terraform.sh
  # renders every profile with the longest values the variables allow to keep it within.
  user_data = base64gzip(templatefile("${path.module}/templates/user_data.sh.tftpl", {
    package_url      = "s3://${var.artifact_bucket}/${local.package_key}"
    package_sha256   = var.releases[var.release].failoverd_deb_sha256
    settings_url     = "ssm:${var.settings_parameter}"
    state_url        = "s3://${var.artifact_bucket}/${local.state_key}"
    data_volume_id   = var.data_volume_size_gb > 0 ? aws_ebs_volume.data[0].id : ""
    token_url        = "ssm:${var.webhook_token_parameter}"
    client_ca_url    = "ssm:${var.onprem_client_ca_parameter}"
    copy_port        = var.copy_port
    tls_identity_url = "ssm:${var.tls_identity_parameter}"
    boot_status_url  = "ssm:${var.boot_status_parameter}"
    tls_identity_key = coalesce(var.tls_identity_kms_key_arn, "alias/aws/ssm")
    region           = var.region
    install_docker   = "true"
    metadata_guard   = "true"
    public_ip        = aws_eip.failoverd.public_ip
    webhook_port     = var.webhook_port
    api_port         = var.api_port
    target           = var.target
    host_lib         = file("${path.module}/files/host-lib.sh")
    install_script   = file("${path.module}/files/install_failoverd.sh")
    # Whole-site profile; its Prometheus, Alertmanager and HAProxy exporter listen on loopback only.
    control_plane        = var.control_plane ? "true" : "false"
    control_plane_url    = "s3://${var.artifact_bucket}/${local.control_plane_key}"
    control_plane_sha256 = var.control_plane_sha256
    # The control plane derives HAProxy's WAN timings from it at boot; failoverd's probe takes it
    # from the settings.
    wan_rtt_ms           = var.control_plane ? var.wan_rtt_ms : 0
    onprem_api_address   = var.onprem_api_address
    frontend_port        = var.frontend_port
    prometheus_port      = 9090
    alertmanager_port    = 9093
    haproxy_metrics_port = 8405
  }))
}

# A replacement while the cloud copy serves is refused unless forced: the running host's user
# data against this apply's, and the state the host copied off (failoverd-state-backup).
data "aws_instances" "serving" {
  instance_tags        = { Name = var.name }
  instance_state_names = ["pending", "running", "stopping", "stopped"]
}

data "aws_instance" "serving" {
  count         = length(data.aws_instances.serving.ids) == 1 ? 1 : 0
  instance_id   = data.aws_instances.serving.ids[0]
  get_user_data = true
}

data "aws_s3_objects" "state" {
  bucket   = var.artifact_bucket
  prefix   = local.state_key
  max_keys = 1
}

data "aws_s3_object" "state" {
  count  = contains(data.aws_s3_objects.state.keys, local.state_key) ? 1 : 0
  bucket = var.artifact_bucket
  key    = local.state_key
}

module "replacement_guard" {
  source                    = "./modules/replacement_guard"
  running_user_data         = one(data.aws_instance.serving[*].user_data_base64)
  planned_user_data         = local.user_data
  state_json                = one(data.aws_s3_object.state[*].body)
  replace_while_failed_over = var.replace_while_failed_over
}

resource "aws_instance" "failoverd" {
  ami                    = coalesce(var.ami_id, data.aws_ami.debian12.id)
  instance_type          = var.instance_type
  subnet_id              = var.subnet_id
  vpc_security_group_ids = [aws_security_group.failoverd.id]
  iam_instance_profile   = aws_iam_instance_profile.failoverd.name
  key_name               = var.ssh_key_name
  monitoring             = true
  ebs_optimized          = true

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required" # IMDSv2 only
    http_put_response_hop_limit = 1          # no answer reaches a bridged container (failoverd-metadata-guard drops its packets too)
    instance_metadata_tags      = "disabled"
  }

  root_block_device {
    encrypted             = true
    volume_type           = "gp3"
    volume_size           = 16
    delete_on_termination = true
  }

  user_data_base64 = local.user_data
  # A new release (or another bootstrap value) replaces the host; settings do not, they are not in
  # here. Its TLS identity survives in SSM (tls_identity_parameter).
  user_data_replace_on_change = true

  # Its boot reads the settings and needs the role's permissions from the first second.
  depends_on = [aws_ssm_parameter.settings, aws_iam_role_policy.failoverd]

  lifecycle {
    # The new host boots while the old one serves: the old one goes once the Elastic IP has moved.
    create_before_destroy = true
    # A newer Debian image must not replace a host that serves: move it deliberately with -replace.
    ignore_changes = [ami]

    precondition {
      condition     = module.replacement_guard.refusal == null
      error_message = "Not replacing the cloud host: ${coalesce(module.replacement_guard.refusal, "-")}."
    }
  }

  tags = { Name = var.name }
}

# Waits, on the operator's machine, for a new host to report a boot that ended well before the
# Elastic IP moves to it; fails the apply, with the host's own message, if it does not, and
# refuses the move if a failover began after the plan (terraform/files/await_host.sh).
resource "terraform_data" "host_ready" {
  triggers_replace = aws_instance.failoverd.id
  input            = aws_instance.failoverd.id

  provisioner "local-exec" {
    command = "${path.module}/files/await_host.sh"
    environment = {
      REGION                    = var.region
      INSTANCE_ID               = aws_instance.failoverd.id
      BOOT_STATUS_PARAMETER     = var.boot_status_parameter
      STATE_URL                 = "s3://${var.artifact_bucket}/${local.state_key}"
      REPLACING                 = length(data.aws_instances.serving.ids) > 0 ? "true" : "false"
      REPLACE_WHILE_FAILED_OVER = var.replace_while_failed_over ? "true" : "false"
      AWAIT_SECONDS             = var.host_ready_timeout_seconds
    }
  }

  lifecycle {
    create_before_destroy = true
  }
}
