locals {
  replacing = var.running_user_data != null && var.running_user_data != var.planned_user_data
  # A copy that does not read is no proof of standby.
  state             = var.state_json == null ? { failedOverSince = null } : try(jsondecode(var.state_json), null)
  failed_over_since = try(local.state.failedOverSince, null)
  unreadable        = local.state == null
  refusal = !local.replacing || var.replace_while_failed_over ? null : (
    local.unreadable ? "failoverd's state copy does not read as JSON, so whether the cloud copy serves is unknown: look (failoverd status on the host), then set replace_while_failed_over = true to replace the host anyway" :
    local.failed_over_since != null ? "the cloud copy has served since ${local.failed_over_since} (failoverd's state copy): replacing the host now leaves on-prem's clients without it for minutes. Apply this once on-prem is back and failoverd has stopped the copy, or set replace_while_failed_over = true to replace it anyway" :
    null
  )
}

output "refusal" {
  description = "Why this replacement is refused; null when it may go ahead (or none is planned)."
  value       = local.refusal
}
