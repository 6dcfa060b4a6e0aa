# Daily jobs (invoker = "scheduler" in functions.tf), called with an OIDC token of
# scheduler-invoker whose audience is the function URL. Jobs are idempotent per day.
# Deployed functions only (local.deployed_functions): a planned one has no job yet.

resource "google_cloud_scheduler_job" "job" {
  for_each = { for name, fn in local.deployed_functions : name => fn if fn.invoker == "scheduler" }

  name             = "${local.function_service_names[each.key]}-${var.environment}"
  region           = var.region
  description      = each.value.description
  schedule         = each.value.schedule
  time_zone        = "Europe/Paris"
  attempt_deadline = "${each.value.timeout}s"

  retry_config {
    retry_count          = 3
    min_backoff_duration = "60s"
    max_backoff_duration = "600s"
  }

  http_target {
    http_method = "POST"
    uri         = google_cloudfunctions2_function.fn[each.key].service_config[0].uri
    headers     = { "Content-Type" = "application/json" }
    body        = base64encode("{}")

    oidc_token {
      service_account_email = google_service_account.scheduler_invoker.email
      audience              = google_cloudfunctions2_function.fn[each.key].service_config[0].uri
    }
  }

  depends_on = [google_cloud_run_v2_service_iam_member.internal_invoker]
}
