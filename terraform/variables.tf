variable "region" {
  description = "AWS region of the cloud standby."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]{1,10}){1,2}-[0-9]{1,2}$", var.region))
    error_message = "region: an AWS region name such as eu-central-1."
  }
}

variable "name" {
  description = "Name prefix for every resource."
  type        = string
  default     = "failoverd"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,30}$", var.name))
    error_message = "name: lower-case letters, digits and dashes, at most 31 characters."
  }
}

variable "vpc_id" {
  description = "VPC of the cloud host."
  type        = string
}

variable "subnet_id" {
  description = "Public subnet of the cloud host (it gets an Elastic IP)."
  type        = string
}

variable "instance_type" {
  description = "EC2 instance type (x86_64: the failoverd binary and image are amd64)."
  type        = string
  default     = "t3.small"
}

variable "ami_id" {
  description = "AMI to use; null picks the newest official Debian 12 amd64 image at the first apply. The host keeps its AMI afterwards (a newer image or a changed ami_id does not replace it); move it with terraform apply -replace=aws_instance.failoverd."
  type        = string
  default     = null
}

variable "alertmanager_cidrs" {
  description = "Where Alertmanager's webhooks come from (on-prem egress addresses). Only these reach the webhook port."
  type        = list(string)

  validation {
    condition     = length(var.alertmanager_cidrs) > 0 && alltrue([for c in var.alertmanager_cidrs : can(cidrnetmask(c)) && try(cidrhost(c, 0) == split("/", c)[0], false) && c != "0.0.0.0/0"])
    error_message = "alertmanager_cidrs: give at least one IPv4 network as the security group takes it (its address the network's own: 198.51.100.0/24, not 198.51.100.7/24), and not 0.0.0.0/0 (the webhook starts containers)."
  }
}

variable "haproxy_cidrs" {
  description = "Where HAProxy's requests and health checks come from. Only these reach the API port."
  type        = list(string)

  validation {
    condition     = length(var.haproxy_cidrs) > 0 && alltrue([for c in var.haproxy_cidrs : can(cidrnetmask(c)) && try(cidrhost(c, 0) == split("/", c)[0], false) && c != "0.0.0.0/0"])
    error_message = "haproxy_cidrs: give at least one IPv4 network (its address the network's own: 198.51.100.7/32, 198.51.100.0/24), and not 0.0.0.0/0."
  }
}

variable "ssh_cidrs" {
  description = "Who may SSH in. Empty (the default) opens no SSH port at all."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.ssh_cidrs : can(cidrnetmask(c)) && try(cidrhost(c, 0) == split("/", c)[0], false) && c != "0.0.0.0/0"])
    error_message = "ssh_cidrs: IPv4 networks only (their address the network's own), and never 0.0.0.0/0."
  }
}

variable "instance_connect_endpoint" {
  description = "SSH to the host through an EC2 Instance Connect Endpoint in its subnet (output ssh_command), with no SSH port open to any network: port 22 admits the endpoint only. Needs ssh_key_name: Debian's AMI has no Instance Connect agent to push a key."
  type        = bool
  default     = false
}

variable "ssh_key_name" {
  description = "EC2 key pair for SSH; null for none."
  type        = string
  default     = null

  validation {
    condition     = !var.instance_connect_endpoint || var.ssh_key_name != null
    error_message = "ssh_key_name: instance_connect_endpoint needs one, since Debian's AMI has no Instance Connect agent to push a key."
  }
}

variable "egress_cidrs" {
  description = "Where the host may connect on 80/443: Debian mirrors, S3 and SSM. Narrow it to VPC endpoints or a proxy when you have them."
  type        = list(string)
  default     = ["0.0.0.0/0"]

  validation {
    condition     = alltrue([for c in var.egress_cidrs : can(cidrnetmask(c)) && try(cidrhost(c, 0) == split("/", c)[0], false)])
    error_message = "egress_cidrs: IPv4 networks (their address the network's own: 10.0.0.0/16, 0.0.0.0/0)."
  }
}

variable "webhook_port" {
  description = "failoverd's HTTPS port for Alertmanager."
  type        = number
  default     = 9095

  validation {
    condition     = var.webhook_port >= 1 && var.webhook_port <= 65535 && floor(var.webhook_port) == var.webhook_port
    error_message = "webhook_port: a TCP port, 1 to 65535."
  }
}

variable "api_port" {
  description = "Port of the cloud copy's TLS gateway (HAProxy's backup server, on-prem Prometheus' scrape of the copy): the only way in to the copy, from haproxy_cidrs with an on-prem client certificate."
  type        = number
  default     = 8080

  validation {
    condition     = var.api_port >= 1 && var.api_port <= 65535 && floor(var.api_port) == var.api_port
    error_message = "api_port: a TCP port, 1 to 65535."
  }
}

variable "artifact_bucket" {
  description = "S3 bucket holding the releases (PREFIX/releases/VERSION/, scripts/publish.sh), the settings Terraform writes (PREFIX/settings/), and an image tarball when the image comes from S3 (PREFIX/images/)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.artifact_bucket))
    error_message = "artifact_bucket: an S3 bucket name."
  }
}

variable "artifact_prefix" {
  description = "Key prefix of the artifacts in the bucket: PREFIX/releases/VERSION/ (scripts/publish.sh: failoverd.deb and SHA256SUMS), PREFIX/images/SHA256.tar and PREFIX/control-plane/SHA256.tar (publish.sh, by their checksums), PREFIX/settings/SHA256.yml (written by Terraform)."
  type        = string
  default     = "failoverd"

  validation {
    condition     = can(regex("^[A-Za-z0-9._/-]{1,200}$", var.artifact_prefix))
    error_message = "artifact_prefix: 1 to 200 letters, digits, '.', '_', '/' and '-'."
  }
}

variable "release" {
  description = "The failoverd release the host runs: a version scripts/publish.sh uploaded to PREFIX/releases/VERSION/ and listed in releases. Upgrading or rolling back is setting it to another listed version (the host is replaced; docs/deploy.md)."
  type        = string

  validation {
    condition     = contains(keys(var.releases), var.release)
    error_message = "release: one of the versions in releases (scripts/publish.sh --tfvars records each one it uploads)."
  }
}

variable "releases" {
  description = "The published releases the host may run, by version, each with its failoverd package's SHA-256 (scripts/publish.sh --tfvars FILE writes them): pinned here, so a write to the bucket cannot change what a host installs."
  type = map(object({
    failoverd_deb_sha256 = string
  }))

  validation {
    condition = alltrue([for version, release in var.releases :
    can(regex("^[A-Za-z0-9.+~_-]{1,100}$", version)) && can(regex("^[0-9a-f]{64}$", release.failoverd_deb_sha256))])
    error_message = "releases: versions of letters, digits and . + ~ _ - (at most 100), each with failoverd_deb_sha256 of 64 lower-case hex digits."
  }
}

variable "image" {
  description = "The cloud copy's image: a registry reference (ECR or any registry; REGISTRY/NAME:TAG or pinned NAME@sha256:DIGEST), pulled by failoverd at boot and never on failover; or, with image_tarball_sha256, the NAME:TAG inside the tarball PREFIX/images/SHA256.tar (hosts without registry access; the kit's demo API is onprem-api:latest, which scripts/publish.sh uploads with each release)."
  type        = string

  validation {
    condition     = length(var.image) <= 400 && can(regex("^([a-z0-9.-]+(:[0-9]{1,5})?/)?[a-z0-9._-]+(/[a-z0-9._-]+)*(:[A-Za-z0-9_.-]{1,128})?(@sha256:[0-9a-f]{64})?$", var.image))
    error_message = "image: REGISTRY/NAME:TAG or NAME@sha256:DIGEST (lower-case name, at most 400 characters), as docker pull takes it."
  }
}

variable "image_tarball_sha256" {
  description = "SHA-256 of the image's tarball (docker save) when the image comes from S3 instead of a registry: scripts/publish.sh --image-tarball uploads it as PREFIX/images/SHA256.tar; the host refuses any other. null: the image is pulled from its registry."
  type        = string
  default     = null

  validation {
    condition     = var.image_tarball_sha256 == null || can(regex("^[0-9a-f]{64}$", var.image_tarball_sha256))
    error_message = "image_tarball_sha256: 64 lower-case hex digits (sha256sum's output), or null for a registry image."
  }
}

variable "registry_auth" {
  description = "How the host logs in to the image's registry: \"ecr\" (the instance role's ECR token, refreshed every 6 h), \"ssm\" (USERNAME:PASSWORD in the SecureString registry_credentials_parameter), \"none\" (anonymous). null: ecr for an ECR image, else none."
  type        = string
  default     = null

  validation {
    condition     = var.registry_auth == null || contains(["ecr", "ssm", "none"], coalesce(var.registry_auth, "none"))
    error_message = "registry_auth: ecr, ssm, none, or null (ecr for an ECR image, else none)."
  }

  validation {
    condition     = var.registry_auth != "ssm" || var.registry_credentials_parameter != null
    error_message = "registry_auth: \"ssm\" needs registry_credentials_parameter, the SecureString holding USERNAME:PASSWORD."
  }

  validation {
    condition     = var.registry_auth != "ecr" || can(regex("^[0-9]{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/", var.image))
    error_message = "registry_auth: \"ecr\" needs an ECR image (ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPOSITORY:TAG or @sha256:DIGEST)."
  }

  validation {
    condition     = var.image_tarball_sha256 == null || contains(["none"], coalesce(var.registry_auth, "none"))
    error_message = "registry_auth: the image comes from S3 (image_tarball_sha256), so no registry login: none or null."
  }
}

variable "registry_credentials_parameter" {
  description = "With registry_auth = \"ssm\": the SSM SecureString holding USERNAME:PASSWORD (or a token) for the image's registry."
  type        = string
  default     = null

  validation {
    condition     = var.registry_credentials_parameter == null || can(regex("^/[A-Za-z0-9._/-]{1,200}$", coalesce(var.registry_credentials_parameter, "/")))
    error_message = "registry_credentials_parameter: an absolute SSM parameter name of up to 201 characters."
  }
}

variable "service_env" {
  description = "The cloud copy's environment (NAME = value). Not for secrets: docker inspect shows every value, and Terraform state holds them (use service_secrets). null: the demo API's (SITE=cloud, PORT=api_port)."
  type        = map(string)
  default     = null

  validation {
    condition     = var.service_env == null || alltrue([for name, value in coalesce(var.service_env, {}) : can(regex("^[A-Za-z_][A-Za-z0-9_]{0,127}$", name)) && length(value) <= 4096])
    error_message = "service_env: names of letters, digits and _ (not starting with a digit, at most 128 characters), values of at most 4096 characters."
  }
}

variable "service_secrets" {
  description = "The cloud copy's secrets: a file name => the SSM SecureString holding it. The host reads each with its role into /etc/failoverd/secrets (root:failoverd-secrets 0640); failoverd delivers it as /run/secrets/NAME, mode 0400, owned by the container's user. Never in user data, Terraform state, the journal or the environment."
  type        = map(string)
  default     = {}

  validation {
    condition     = length(var.service_secrets) <= 20 && alltrue([for name, parameter in var.service_secrets : can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$", name)) && can(regex("^/[A-Za-z0-9._/-]{1,200}$", parameter))])
    error_message = "service_secrets: at most 20, each a file name (letters, digits, _ . -, at most 64) => an absolute SSM parameter name."
  }
}

variable "service_volumes" {
  description = "The cloud copy's mounts: /host/path:/target[:ro] (a bind; with data_volume_size_gb, paths under /srv/failoverd-data survive host replacement) or NAME:/target[:ro] (a Docker volume, on the root disk)."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.service_volumes) <= 20 && alltrue([for v in var.service_volumes : can(regex("^(/[A-Za-z0-9._/-]*|[A-Za-z0-9][A-Za-z0-9_.-]*):/[A-Za-z0-9._/-]*(:(ro|rw))?$", v))])
    error_message = "service_volumes: at most 20 of SOURCE:TARGET[:ro], SOURCE an absolute path or a volume name, TARGET an absolute path."
  }
}

variable "data_volume_size_gb" {
  description = "Size of an encrypted EBS data volume mounted at /srv/failoverd-data, for the copy's files that must survive host replacement (0: none). It is snapshotted when destroyed. It attaches to one host at a time, so a replacement stops the old host first (its aws_volume_attachment goes) and has a gap of the new host's boot; without it the old host serves until the new one is ready."
  type        = number
  default     = 0

  validation {
    condition     = var.data_volume_size_gb >= 0 && var.data_volume_size_gb <= 16384 && floor(var.data_volume_size_gb) == var.data_volume_size_gb
    error_message = "data_volume_size_gb: whole GiB from 0 (none) to 16384."
  }
}

variable "data_volume_kms_key_arn" {
  description = "Customer-managed KMS key for the data volume; null uses the account's default EBS key."
  type        = string
  default     = null

  validation {
    condition     = var.data_volume_kms_key_arn == null || can(regex("^arn:aws(-cn|-us-gov)?:kms:[a-z0-9-]{9,28}:[0-9]{12}:key/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$", coalesce(var.data_volume_kms_key_arn, "-")))
    error_message = "data_volume_kms_key_arn: a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID, multi-region mrk- keys too). Not an alias: IAM's kms:Decrypt names keys by ARN, and the host would fail at boot."
  }
}

variable "artifact_kms_key_arn" {
  description = "Customer-managed KMS key the service spec object is encrypted with in the artifact bucket; null uses S3-managed keys (AES256). The instance role needs kms:Decrypt on it (added when set)."
  type        = string
  default     = null

  validation {
    condition     = var.artifact_kms_key_arn == null || can(regex("^arn:aws(-cn|-us-gov)?:kms:[a-z0-9-]{9,28}:[0-9]{12}:key/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$", coalesce(var.artifact_kms_key_arn, "-")))
    error_message = "artifact_kms_key_arn: a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID, multi-region mrk- keys too). Not an alias: IAM's kms:Decrypt names keys by ARN, and the host would fail at boot."
  }
}

variable "service_command" {
  description = "The cloud copy's command (the image's CMD when empty)."
  type        = list(string)
  default     = []
}

variable "service_entrypoint" {
  description = "The cloud copy's entrypoint (the image's when empty)."
  type        = list(string)
  default     = []
}

variable "service_user" {
  description = "user, uid, user:group or uid:gid the copy runs as (the image's USER when empty)."
  type        = string
  default     = ""

  validation {
    condition     = can(regex("^([A-Za-z0-9_][A-Za-z0-9_.-]{0,31}(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,31})?)?$", var.service_user))
    error_message = "service_user: user, uid, user:group or uid:gid (each at most 32 characters), or empty."
  }
}

variable "service_working_dir" {
  description = "The cloud copy's working directory (the image's when empty)."
  type        = string
  default     = ""

  validation {
    condition     = var.service_working_dir == "" || can(regex("^/[A-Za-z0-9._/-]{0,200}$", var.service_working_dir))
    error_message = "service_working_dir: an absolute path, or empty."
  }
}

variable "service_memory" {
  description = "The cloud copy's memory limit (512m, 2g; 0: none)."
  type        = string
  default     = "0"

  validation {
    condition     = can(regex("^(0|[0-9]{1,6}(\\.[0-9]{1,3})?[bkmgBKMG]?)$", var.service_memory))
    error_message = "service_memory: a size such as 512m or 2g, or 0 for no limit."
  }
}

variable "service_cpus" {
  description = "The cloud copy's CPU limit in CPUs (1.5; 0: none)."
  type        = number
  default     = 0

  validation {
    condition     = var.service_cpus >= 0 && var.service_cpus <= 1024
    error_message = "service_cpus: 0 (no limit) to 1024."
  }
}

variable "service_log_options" {
  description = "Options of the copy's json-file log, so a copy that serves for days cannot fill the disk."
  type        = map(string)
  default     = { "max-size" = "10m", "max-file" = "3" }
}

variable "service_healthcheck" {
  description = "A health check of the copy (overriding the image's): test as in a Dockerfile's HEALTHCHECK ([\"CMD\", ...] or [\"CMD-SHELL\", \"...\"]). failoverd reports it running, and the webhook 200, only once healthy; keep interval_seconds short, it bounds the failover. null: the image's own, if any."
  type = object({
    test                 = list(string)
    interval_seconds     = optional(number, 2)
    timeout_seconds      = optional(number, 2)
    retries              = optional(number, 3)
    start_period_seconds = optional(number, 0)
  })
  default = null

  validation {
    condition     = var.service_healthcheck == null || try(contains(["CMD", "CMD-SHELL", "NONE"], var.service_healthcheck.test[0]) && var.service_healthcheck.interval_seconds > 0 && var.service_healthcheck.timeout_seconds > 0 && var.service_healthcheck.retries >= 1 && var.service_healthcheck.start_period_seconds >= 0, false)
    error_message = "service_healthcheck: test starts with CMD, CMD-SHELL or NONE; interval and timeout > 0, retries >= 1, start period >= 0."
  }
}

variable "copy_port" {
  description = "The port the cloud copy is reached on from the host's TLS gateway, on loopback: bridge networking publishes service_container_port there, host networking binds it (the demo's PORT). The gateway on api_port forwards to it; no security-group rule opens it."
  type        = number
  default     = 18080

  validation {
    condition     = var.copy_port >= 1 && var.copy_port <= 65535 && floor(var.copy_port) == var.copy_port && var.copy_port != var.api_port && var.copy_port != var.webhook_port
    error_message = "copy_port: a TCP port, 1 to 65535, other than api_port and webhook_port."
  }
}

variable "onprem_client_ca_parameter" {
  description = "Name of the SSM String holding the on-prem clients' CA certificate (PEM): the cloud copy's TLS gateway lets in only clients with a certificate it signed (HAProxy's, Prometheus'). Create it yourself (docs/deploy.md, step 1); its key stays on-prem."
  type        = string
  default     = "/failoverd/onprem-client-ca"

  validation {
    condition     = can(regex("^/[A-Za-z0-9._/-]{1,200}$", var.onprem_client_ca_parameter))
    error_message = "onprem_client_ca_parameter: an absolute SSM parameter name of up to 201 characters."
  }
}

variable "service_network_mode" {
  description = "\"bridge\": the copy runs in a network namespace of its own, service_container_port published on 127.0.0.1:copy_port, and cannot reach the instance metadata service (the role's credentials; failoverd-metadata-guard). \"host\": it binds api_port on the host itself, and is the host on the network: nothing keeps it from the metadata service."
  type        = string
  default     = "bridge"

  validation {
    condition     = contains(["host", "bridge"], var.service_network_mode)
    error_message = "service_network_mode: host or bridge."
  }
}

variable "service_container_port" {
  description = "With service_network_mode = \"bridge\": the port the copy listens on inside its container, published on 127.0.0.1:copy_port. null: api_port."
  type        = number
  default     = null

  validation {
    condition     = var.service_container_port == null || try(var.service_container_port >= 1 && var.service_container_port <= 65535 && floor(var.service_container_port) == var.service_container_port, false)
    error_message = "service_container_port: a TCP port, 1 to 65535."
  }
}

variable "cloud_container_name" {
  description = "Name of the cloud copy's container on the host."
  type        = string
  default     = "cloud-api"

  validation {
    condition     = can(regex("^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$", var.cloud_container_name))
    error_message = "cloud_container_name: a Docker container name."
  }
}

variable "webhook_token_parameter" {
  description = "Name of the SSM SecureString holding the webhook token (create it yourself, so the token is in neither user data nor Terraform state)."
  type        = string
  default     = "/failoverd/webhook-token"

  validation {
    condition     = can(regex("^/[A-Za-z0-9._/-]{1,510}$", var.webhook_token_parameter))
    error_message = "webhook_token_parameter: an absolute SSM parameter name of up to 511 characters."
  }
}

variable "webhook_token_kms_key_arn" {
  description = "Customer-managed KMS key encrypting the token parameter; null when it uses aws/ssm."
  type        = string
  default     = null

  validation {
    condition     = var.webhook_token_kms_key_arn == null || can(regex("^arn:aws(-cn|-us-gov)?:kms:[a-z0-9-]{9,28}:[0-9]{12}:key/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$", coalesce(var.webhook_token_kms_key_arn, "-")))
    error_message = "webhook_token_kms_key_arn: a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID, multi-region mrk- keys too). Not an alias: IAM's kms:Decrypt names keys by ARN, and the host would fail at boot."
  }
}

variable "settings_parameter" {
  description = "Name of the SSM parameter Terraform points at failoverd's settings (their S3 object and its SHA-256). The host looks every minute and applies a change with a reload, or a restart where a key needs one: a hold-down, the Alertmanager URLs, the probe, the mode or the service's spec changes without replacing the host."
  type        = string
  default     = "/failoverd/settings"

  validation {
    condition     = can(regex("^/[A-Za-z0-9._/-]{1,510}$", var.settings_parameter))
    error_message = "settings_parameter: an absolute SSM parameter name of up to 511 characters."
  }
}

variable "boot_status_parameter" {
  description = "Name of the SSM String parameter where the host reports each boot's outcome (ok with the installed version, or the step that failed and why) and each settings change's (applied, or why not): read it with the boot_status_command output; no SSH needed."
  type        = string
  default     = "/failoverd/boot-status"

  validation {
    condition     = can(regex("^/[A-Za-z0-9._/-]{1,510}$", var.boot_status_parameter))
    error_message = "boot_status_parameter: an absolute SSM parameter name of up to 511 characters."
  }
}

variable "tls_identity_parameter" {
  description = "Name of the SSM SecureString holding failoverd's TLS key and certificate. The first host makes them and stores them here; a replacement host reads them, so every on-prem Alertmanager's pinned certificate stays valid. Delete it to rotate (docs/limitations.md: rotating the certificate)."
  type        = string
  default     = "/failoverd/tls-identity"

  validation {
    condition     = can(regex("^/[A-Za-z0-9._/-]{1,510}$", var.tls_identity_parameter))
    error_message = "tls_identity_parameter: an absolute SSM parameter name of up to 511 characters."
  }
}

variable "tls_identity_kms_key_arn" {
  description = "Customer-managed KMS key for the TLS identity parameter; null uses aws/ssm."
  type        = string
  default     = null

  validation {
    condition     = var.tls_identity_kms_key_arn == null || can(regex("^arn:aws(-cn|-us-gov)?:kms:[a-z0-9-]{9,28}:[0-9]{12}:key/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$", coalesce(var.tls_identity_kms_key_arn, "-")))
    error_message = "tls_identity_kms_key_arn: a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID, multi-region mrk- keys too). Not an alias: IAM's kms:Decrypt names keys by ARN, and the host would fail at boot."
  }
}

variable "alertmanager_api_urls" {
  description = "The on-prem Alertmanager peers' API URLs (http(s)://host:9093), which failoverd asks every 30 s to correct a lost or late webhook (docs/configuration.md: alertmanager.urls). Reachable from the cloud host, without credentials in the URL; [] for webhooks only. With control_plane, the host's own Alertmanager is used instead."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.alertmanager_api_urls) <= 5 && alltrue([for u in var.alertmanager_api_urls : can(regex("^https?://[A-Za-z0-9.:\\[\\]-]{1,253}(/[A-Za-z0-9._/-]{0,100})?$", u))])
    error_message = "alertmanager_api_urls: up to 5 URLs, http(s)://host[:port][/path], no credentials."
  }
}

variable "probe_url" {
  description = "On-prem's health URL failoverd itself probes (probe.url), a pre-warm faster than Prometheus; its egress rule is derived from it. Empty: no probe."
  type        = string
  default     = ""

  validation {
    condition     = var.probe_url == "" || can(regex("^https?://[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?(/[A-Za-z0-9._/-]{0,100})?$", var.probe_url))
    error_message = "probe_url: http(s)://host[:port][/path], no credentials, or empty for no probe."
  }
}

variable "wan_rtt_ms" {
  description = "Round trip between on-prem and the cloud host in ms, as measured (e.g. the median of ping). The timeouts of the calls that cross the WAN derive from it (failoverd wan-timings: failoverd's probe; in the whole-site profile, HAProxy's checks and requests of on-prem)."
  type        = number
  default     = 50

  validation {
    condition     = var.wan_rtt_ms >= 1 && var.wan_rtt_ms <= 2000 && floor(var.wan_rtt_ms) == var.wan_rtt_ms
    error_message = "wan_rtt_ms: a whole number of milliseconds, 1 to 2000."
  }
}

variable "hold_down_seconds" {
  description = "How long the cloud copy keeps running after on-prem recovers. Keep it above Alertmanager's repeat_interval for the failover route."
  type        = number
  default     = 120

  validation {
    condition     = var.hold_down_seconds >= 1 && var.hold_down_seconds <= 86400 && floor(var.hold_down_seconds) == var.hold_down_seconds
    error_message = "hold_down_seconds: whole seconds from 1 to 86400."
  }
}

variable "mode" {
  description = "failoverd's mode: act, or observe for a first rollout (it decides and says what it would do, in status, metrics and the journal, but changes no container). Switch a running host with mode: act in /etc/failoverd/failoverd.yml and systemctl reload failoverd."
  type        = string
  default     = "act"

  validation {
    condition     = contains(["act", "observe"], var.mode)
    error_message = "mode: act or observe."
  }
}

variable "target" {
  description = "What failoverd starts: \"container\" (a container on this host's dockerd, with live-restore) or \"swarm\" (a Docker Swarm service scaled 0 -> 1; the host becomes a single-node swarm, without live-restore, which swarm mode refuses)."
  type        = string
  default     = "container"

  validation {
    condition     = contains(["container", "swarm"], var.target)
    error_message = "target: container or swarm."
  }
}

# --- Whole-site profile: the control plane on the cloud host (off by default) ---

variable "control_plane" {
  description = "Also run HAProxy, Prometheus and Alertmanager on the cloud host, watching on-prem over the WAN, so a whole-site outage fails over (README: where each part runs). Clients then reach the API through this host's frontend_port."
  type        = bool
  default     = false

  validation {
    condition     = !var.control_plane || (var.onprem_api_address != "" && length(var.client_cidrs) > 0 && var.control_plane_sha256 != "")
    error_message = "control_plane: the whole-site profile needs onprem_api_address, client_cidrs and control_plane_sha256."
  }
}

variable "onprem_api_address" {
  description = "With control_plane: on-prem's API as the cloud host reaches it over the WAN, IPv4:port (Prometheus scrapes it, HAProxy routes to it)."
  type        = string
  default     = ""

  validation {
    condition     = var.onprem_api_address == "" || can(regex("^(\\d{1,3}\\.){3}\\d{1,3}:\\d{1,5}$", var.onprem_api_address))
    error_message = "onprem_api_address: IPv4:port, e.g. 198.51.100.10:8080."
  }
}

variable "client_cidrs" {
  description = "With control_plane: who may reach HAProxy's frontend on the cloud host."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.client_cidrs : can(cidrnetmask(c)) && try(cidrhost(c, 0) == split("/", c)[0], false)])
    error_message = "client_cidrs: IPv4 networks (their address the network's own: 203.0.113.0/24, 0.0.0.0/0)."
  }
}

variable "frontend_port" {
  description = "With control_plane: HAProxy's client-facing port on the cloud host."
  type        = number
  default     = 8443

  validation {
    condition     = var.frontend_port >= 1 && var.frontend_port <= 65535 && floor(var.frontend_port) == var.frontend_port
    error_message = "frontend_port: a TCP port, 1 to 65535."
  }
}

variable "control_plane_sha256" {
  description = "With control_plane: SHA-256 of the config bundle (scripts/build_control_plane_bundle.sh), which scripts/publish.sh --control-plane uploads as PREFIX/control-plane/SHA256.tar; the host refuses any other."
  type        = string
  default     = ""

  validation {
    condition     = var.control_plane_sha256 == "" || can(regex("^[0-9a-f]{64}$", var.control_plane_sha256))
    error_message = "control_plane_sha256: 64 lower-case hex digits (sha256sum's output)."
  }
}

variable "replace_while_failed_over" {
  description = "Replace the cloud host even while failoverd's state copy says the cloud copy serves (failed over). Off: such an apply is refused before it changes anything (the plan's precondition), or, when the failover began after the plan, before the Elastic IP moves (the old host keeps it and serves); moving the address while the copy serves cuts its clients off it. Set it when on-prem is lost for good or the host itself is broken."
  type        = bool
  default     = false
}

variable "host_ready_timeout_seconds" {
  description = "How long terraform apply waits for a new host to report a boot that ended well before it moves the Elastic IP to it and destroys the old one (terraform/files/await_host.sh, on the machine running Terraform: needs the AWS CLI and jq). Past it the apply fails and the old host keeps the address."
  type        = number
  default     = 900

  validation {
    condition     = var.host_ready_timeout_seconds >= 60 && var.host_ready_timeout_seconds <= 3600 && floor(var.host_ready_timeout_seconds) == var.host_ready_timeout_seconds
    error_message = "host_ready_timeout_seconds: a whole number of seconds from 60 to 3600."
  }
}
