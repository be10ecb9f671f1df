# The egress the cloud host's own calls need, derived from what the configuration names, so no
# call is silently dropped by the security group (its default allow-all egress is removed).
# Pure: variables in, rules out, no provider; terraform console evaluates it offline.

variable "alertmanager_api_urls" {
  description = "The Alertmanager peers failoverd asks (http(s)://host[:port][/path])."
  type        = list(string)
}

variable "probe_url" {
  description = "On-prem's health URL failoverd probes; empty for none."
  type        = string
}

variable "image" {
  description = "The cloud copy's image reference: its registry host and port, when it names one."
  type        = string
}

variable "egress_cidrs" {
  description = "Where a host named by DNS may be: its rule goes to these."
  type        = list(string)
}

variable "onprem_api_address" {
  description = "The whole-site profile's on-prem API (IPv4:port), scraped and routed to; empty without it."
  type        = string
}
