# Whether replacing the cloud host now is refused: it is while the state the host copied off says
# failoverd is failed over (the copy serves; a new host means minutes without it), unless forced.
# Pure: variables in, a refusal out, no provider; terraform console evaluates it offline.

variable "running_user_data" {
  description = "The user data (base64) of the host that runs now; null when there is none."
  type        = string
  default     = null
}

variable "planned_user_data" {
  description = "The user data (base64) this apply gives the host: another one replaces it."
  type        = string
}

variable "state_json" {
  description = "failoverd's state as the running host last copied it off (state.json); null when there is no copy."
  type        = string
  default     = null
}

variable "replace_while_failed_over" {
  description = "Replace anyway (the operator has decided the outage is over or the host is lost)."
  type        = bool
  default     = false
}
