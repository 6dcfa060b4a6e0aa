variable "project_id" {
  description = "GCP project that hosts one environment of Sésame."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a valid GCP project id."
  }
}

variable "environment" {
  description = "Environment name, used in resource names and labels."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be one of dev, staging, prod."
  }
}

variable "domain" {
  description = "Public domain of the web app (e.g. app.example.fr): Auth authorised domain and CORS origin."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$", var.domain))
    error_message = "domain must be a bare host name, without scheme or path."
  }
}

# R17: the privacy policy (§4.2) promises hosting in Frankfurt. The region is a
# variable only so that it is written once; any other value is refused.
variable "region" {
  description = "GCP region of every located resource. Fixed by R17 to europe-west3 (Frankfurt)."
  type        = string
  default     = "europe-west3"

  validation {
    condition     = var.region == "europe-west3"
    error_message = "R17: every resource is hosted in europe-west3 (Frankfurt)."
  }
}

variable "mail_sender" {
  description = "From address of transactional email; defaults to no-reply@<domain>."
  type        = string
  default     = null
}

variable "sendgrid_webhook_key" {
  description = "SendGrid event-webhook verification key (base64, from SendGrid's mail settings); empty refuses every event."
  type        = string
  default     = ""
}

variable "alert_email" {
  description = "Mailbox of the on-call team that receives error-rate alerts."
  type        = string
}

variable "error_alert_threshold" {
  description = "Error log entries per function per 5 minutes above which the on-call team is alerted."
  type        = number
  default     = 5
}
