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
    condition     = length(var.alertmanager_cidrs) > 0 && alltrue([for c in var.alertmanager_cidrs : can(cidrhost(c, 0)) && !contains(["0.0.0.0/0", "::/0"], c)])
    error_message = "alertmanager_cidrs: give at least one CIDR, and not 0.0.0.0/0 or ::/0 (the webhook starts containers)."
  }
}

variable "haproxy_cidrs" {
  description = "Where HAProxy's requests and health checks come from. Only these reach the API port."
  type        = list(string)

  validation {
    condition     = length(var.haproxy_cidrs) > 0 && alltrue([for c in var.haproxy_cidrs : can(cidrhost(c, 0)) && !contains(["0.0.0.0/0", "::/0"], c)])
    error_message = "haproxy_cidrs: give at least one CIDR, and not 0.0.0.0/0 or ::/0."
  }
}

variable "ssh_cidrs" {
  description = "Who may SSH in. Empty (the default) opens no SSH port at all."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.ssh_cidrs : can(cidrhost(c, 0)) && !contains(["0.0.0.0/0", "::/0"], c)])
    error_message = "ssh_cidrs: CIDRs only, and never 0.0.0.0/0 or ::/0."
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
}

variable "egress_cidrs" {
  description = "Where the host may connect on 80/443: Debian mirrors, S3 and SSM. Narrow it to VPC endpoints or a proxy when you have them."
  type        = list(string)
  default     = ["0.0.0.0/0"]
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
  description = "Port the cloud copy of the API serves on (HAProxy's backup server)."
  type        = number
  default     = 8080

  validation {
    condition     = var.api_port >= 1 && var.api_port <= 65535 && floor(var.api_port) == var.api_port
    error_message = "api_port: a TCP port, 1 to 65535."
  }
}

variable "artifact_bucket" {
  description = "S3 bucket holding the failoverd binary and the onprem-api image tarball (no registry is used)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.artifact_bucket))
    error_message = "artifact_bucket: an S3 bucket name."
  }
}

variable "artifact_prefix" {
  description = "Key prefix of the artifacts in the bucket: PREFIX/failoverd.deb and PREFIX/onprem-api.tar (make package's dist/)."
  type        = string
  default     = "failoverd"

  validation {
    condition     = can(regex("^[A-Za-z0-9._/-]{1,200}$", var.artifact_prefix))
    error_message = "artifact_prefix: 1 to 200 letters, digits, '.', '_', '/' and '-'."
  }
}

variable "failoverd_package_sha256" {
  description = "SHA-256 of the failoverd Debian package uploaded as PREFIX/failoverd.deb (its line in make package's dist/SHA256SUMS); the host refuses any other."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-f]{64}$", var.failoverd_package_sha256))
    error_message = "failoverd_package_sha256: 64 lower-case hex digits (sha256sum's output)."
  }
}

variable "onprem_image_sha256" {
  description = "SHA-256 of the onprem-api image tarball (docker save); the host refuses any other."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-f]{64}$", var.onprem_image_sha256))
    error_message = "onprem_image_sha256: 64 lower-case hex digits (sha256sum's output)."
  }
}

variable "onprem_image" {
  description = "Image name:tag inside the tarball, run as the cloud copy."
  type        = string
  default     = "onprem-api:latest"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9._/-]{0,254}:[A-Za-z0-9._-]{1,128}$", var.onprem_image))
    error_message = "onprem_image: name:tag (a name of up to 255 characters, a tag of up to 128, as Docker allows)."
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
}

variable "tls_identity_parameter" {
  description = "Name of the SSM SecureString holding failoverd's TLS key and certificate. The first host makes them and stores them here; a replacement host reads them, so every on-prem Alertmanager's pinned certificate stays valid. Delete it to rotate (README: Rotating the certificate)."
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
    condition     = var.tls_identity_kms_key_arn == null || can(regex("^arn:[a-z-]{3,14}:kms:[a-z0-9-]{9,28}:[0-9]{12}:key/[a-f0-9-]{36}$", var.tls_identity_kms_key_arn))
    error_message = "tls_identity_kms_key_arn: a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)."
  }
}

variable "alertmanager_api_urls" {
  description = "The on-prem Alertmanager peers' API URLs (http(s)://host:9093), which failoverd asks every 30 s to correct a lost or late webhook (README: alertmanager.urls). Reachable from the cloud host, without credentials in the URL; [] for webhooks only. With control_plane, the host's own Alertmanager is used instead."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.alertmanager_api_urls) <= 5 && alltrue([for u in var.alertmanager_api_urls : can(regex("^https?://[A-Za-z0-9.:\\[\\]-]{1,253}(/[A-Za-z0-9._/-]{0,100})?$", u))])
    error_message = "alertmanager_api_urls: up to 5 URLs, http(s)://host[:port][/path], no credentials."
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
  description = "Also run HAProxy, Prometheus and Alertmanager on the cloud host, watching on-prem over the WAN, so a whole-site outage fails over (README: topology and failure domains). Clients then reach the API through this host's frontend_port."
  type        = bool
  default     = false
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
    condition     = alltrue([for c in var.client_cidrs : can(cidrhost(c, 0))])
    error_message = "client_cidrs: CIDRs."
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
  description = "With control_plane: SHA-256 of the config bundle (scripts/build_control_plane_bundle.sh), uploaded as PREFIX/control-plane.tar; the host refuses any other."
  type        = string
  default     = ""

  validation {
    condition     = var.control_plane_sha256 == "" || can(regex("^[0-9a-f]{64}$", var.control_plane_sha256))
    error_message = "control_plane_sha256: 64 lower-case hex digits (sha256sum's output)."
  }
}
