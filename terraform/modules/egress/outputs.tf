locals {
  # scheme, host, port of each URL the configuration names.
  named = concat(
    [for url in var.alertmanager_api_urls : { what = "Alertmanager API", url = url }],
    var.probe_url == "" ? [] : [{ what = "failoverd probe of on-prem", url = var.probe_url }],
  )
  endpoints = concat(
    [for n in local.named : {
      what   = n.what
      scheme = regex("^(https?)://", n.url)[0]
      host   = regex("^https?://(\\[[^]]+\\]|[^:/]+)", n.url)[0]
      port   = try(tonumber(regex("^https?://(?:\\[[^]]+\\]|[^:/]+):([0-9]+)", n.url)[0]), null)
    }],
    # A registry named in the image (a host with a dot or a port, or localhost) speaks HTTPS.
    can(regex("^([a-z0-9.-]+\\.[a-z0-9.-]+|localhost)(:[0-9]+)?/", var.image)) ? [{
      what   = "the image registry"
      scheme = "https"
      host   = regex("^([a-z0-9.-]+)", var.image)[0]
      port   = try(tonumber(regex("^[a-z0-9.-]+:([0-9]+)/", var.image)[0]), null)
    }] : [],
    var.onprem_api_address == "" ? [] : [{
      what   = "on-prem API (scrapes, HAProxy)"
      scheme = "http"
      host   = split(":", var.onprem_api_address)[0]
      port   = tonumber(split(":", var.onprem_api_address)[1])
    }],
  )
  # An IPv4 address gets a /32 of its own; a name may be anywhere egress_cidrs allows.
  wanted = concat(
    [for cidr in var.egress_cidrs : { cidr = cidr, port = 443, description = "HTTPS to S3, SSM, ECR and Debian mirrors" }],
    [for cidr in var.egress_cidrs : { cidr = cidr, port = 80, description = "HTTP to Debian mirrors (apt verifies signatures)" }],
    flatten([for e in local.endpoints : [
      for cidr in(can(cidrhost("${e.host}/32", 0)) ? ["${e.host}/32"] : var.egress_cidrs) : {
        cidr        = cidr
        port        = coalesce(e.port, e.scheme == "https" ? 443 : 80)
        description = "${e.what}, ${e.host}"
      }
    ]]),
  )
  # One rule per network and port (AWS refuses a duplicate), naming everything it serves.
  rules = {
    for key, group in { for rule in local.wanted : "${rule.cidr} ${rule.port}" => rule... } : key => {
      cidr        = group[0].cidr
      port        = group[0].port
      description = substr(join("; ", distinct(group[*].description)), 0, 255)
    }
  }
}

output "rules" {
  description = "The egress rules the configuration needs, by \"CIDR PORT\": {cidr, port, description}."
  value       = local.rules
}
