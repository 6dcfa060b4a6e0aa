# Logs, audit and alerting.
#
# R17: logs hold IP addresses and error reports (privacy policy §2.1), so they are
# kept in a europe-west3 log bucket encrypted with our key, instead of the _Default
# bucket (global). R23: they are kept 30 days.

locals {
  # Everything the _Default sink would take (i.e. all but the _Required audit logs,
  # which Google keeps 400 days in the _Required bucket and cannot be moved).
  routed_logs_filter = join(" AND ", [
    "NOT LOG_ID(\"cloudaudit.googleapis.com/activity\")",
    "NOT LOG_ID(\"externalaudit.googleapis.com/activity\")",
    "NOT LOG_ID(\"cloudaudit.googleapis.com/system_event\")",
    "NOT LOG_ID(\"externalaudit.googleapis.com/system_event\")",
    "NOT LOG_ID(\"cloudaudit.googleapis.com/access_transparency\")",
    "NOT LOG_ID(\"externalaudit.googleapis.com/access_transparency\")",
  ])

  # Error entries of our functions: application logs at ERROR or above and request
  # logs of 5xx answers (Cloud Run writes those at ERROR).
  function_errors_filter = join(" AND ", [
    "resource.type=\"cloud_run_revision\"",
    "severity>=ERROR",
    "resource.labels.service_name=~\"^(${join("|", values(local.function_service_names))})$\"",
  ])
}

resource "google_logging_project_bucket_config" "regional" {
  project        = var.project_id
  location       = var.region
  bucket_id      = "sesame-${var.environment}"
  retention_days = 30
  description    = "All Sésame logs, kept in Frankfurt for 30 days (R17, R23)."

  cmek_settings {
    kms_key_name = google_kms_crypto_key.key["logs"].id
  }

  depends_on = [google_kms_crypto_key_iam_member.agent]
}

resource "google_logging_project_sink" "regional" {
  name                   = "sesame-regional"
  destination            = "logging.googleapis.com/${google_logging_project_bucket_config.regional.id}"
  filter                 = local.routed_logs_filter
  unique_writer_identity = true
}

# ...and the same logs are no longer written to the global _Default bucket.
resource "google_logging_project_exclusion" "default_bucket" {
  name        = "sesame-not-in-default-bucket"
  description = "Routed to the europe-west3 bucket instead (R17)."
  filter      = local.routed_logs_filter
}

# Access to documents, exports and secrets is recorded (R14): Data Access audit logs,
# routed to the regional bucket like every other log.
resource "google_project_iam_audit_config" "data_access" {
  for_each = toset(["storage.googleapis.com", "secretmanager.googleapis.com"])

  project = var.project_id
  service = each.key

  audit_log_config {
    log_type = "DATA_READ"
  }

  audit_log_config {
    log_type = "DATA_WRITE"
  }
}

# --- alerting on error rates ------------------------------------------------------

resource "google_logging_metric" "function_errors" {
  name        = "sesame/function_errors"
  description = "Error log entries (incl. 5xx answers) per Sésame function."
  filter      = local.function_errors_filter
  bucket_name = google_logging_project_bucket_config.regional.id

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"

    labels {
      key         = "service_name"
      value_type  = "STRING"
      description = "Deployed function name."
    }
  }

  label_extractors = {
    service_name = "EXTRACT(resource.labels.service_name)"
  }
}

resource "google_monitoring_notification_channel" "oncall" {
  display_name = "Sésame on-call (${var.environment})"
  type         = "email"

  labels = {
    email_address = var.alert_email
  }
}

resource "google_monitoring_alert_policy" "function_error_rate" {
  display_name = "Sésame ${var.environment}: function error rate"
  combiner     = "OR"

  conditions {
    display_name = "More than ${var.error_alert_threshold} errors in 5 minutes for one function"

    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.function_errors.name}\" AND resource.type=\"cloud_run_revision\""
      comparison      = "COMPARISON_GT"
      threshold_value = var.error_alert_threshold
      duration        = "0s"

      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["metric.label.service_name"]
      }

      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "A Sésame function logs errors above the threshold. Open the europe-west3 log bucket `sesame-${var.environment}`, filter on the service name in the incident, and check the erasure and alert queues for stuck tasks."
  }

  notification_channels = [google_monitoring_notification_channel.oncall.id]
}
