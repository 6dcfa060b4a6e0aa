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

variable "clamav_image" {
  description = "The ClamAV project's image for the scanner, pinned by digest: docker.io/clamav/clamav@sha256:<64 hex> (optionally with its tag before the @). Resolve it with `docker buildx imagetools inspect docker.io/clamav/clamav:<release>` (docs/vault.md)."
  type        = string
  # No default: a digest has to be read from the registry by the operator, on purpose.

  validation {
    condition     = can(regex("^docker\\.io/clamav/clamav(:[0-9]+\\.[0-9]+\\.[0-9]+)?@sha256:[0-9a-f]{64}$", var.clamav_image))
    error_message = "clamav_image must be the ClamAV project's image pinned by digest: docker.io/clamav/clamav[:<release>]@sha256:<64 hex digits>."
  }
}

variable "scanner_alert_notification_channels" {
  description = "Extra Cloud Monitoring notification channels (ids, projects/<p>/notificationChannels/<n>) told when no malware scanner answers; the on-call mailbox always is."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for channel in var.scanner_alert_notification_channels : can(regex("^projects/[^/]+/notificationChannels/[0-9]+$", channel))])
    error_message = "Each channel is a notification channel id: projects/<project>/notificationChannels/<number>."
  }
}
