# Cloud Tasks queues in europe-west3 (R17). Each queue delivers to one internal
# function (invoker = "tasks" in functions.tf) with an OIDC token of tasks-invoker;
# the enqueuing function sets the target URL (SESAME_*_WORKER_URL) and the token.
# Delivery is at least once: workers are idempotent (DESIGN, reliability rules).
#
# A queue exists only once its target is deployed (local.deployed_queues): until then
# no function gets its id or its worker's URL (queue_env, worker_url_env, given to
# every function by functions.tf) nor the right to enqueue into it.

locals {
  queues = {
    # R21/R22/R30: an erasure must finish; it is retried for up to 7 days with backoff
    # (the job record in Firestore lets retention_sweep re-queue one that still fails,
    # well within the one-month answer period). Low rate: each task touches every store.
    erasure = {
      target                    = "erasure_worker"
      queue_env                 = "SESAME_ERASURE_QUEUE"
      worker_url_env            = "SESAME_ERASURE_WORKER_URL"
      max_dispatches_per_second = 2
      max_concurrent_dispatches = 5
      max_attempts              = -1
      max_retry_duration        = "604800s"
      min_backoff               = "10s"
      max_backoff               = "3600s"
      max_doublings             = 5
    }
    # R27: one portability export per task; a failed build is retried for a day.
    exports = {
      target                    = "export_worker"
      queue_env                 = "SESAME_EXPORTS_QUEUE"
      worker_url_env            = "SESAME_EXPORTS_WORKER_URL"
      max_dispatches_per_second = 2
      max_concurrent_dispatches = 5
      max_attempts              = 20
      max_retry_duration        = "86400s"
      min_backoff               = "10s"
      max_backoff               = "600s"
      max_doublings             = 4
    }
    # R5: one email per task; the rate stays under the SendGrid plan's limit.
    notices = {
      target                    = "notices_worker"
      queue_env                 = "SESAME_NOTICES_QUEUE"
      worker_url_env            = "SESAME_NOTICES_WORKER_URL"
      max_dispatches_per_second = 10
      max_concurrent_dispatches = 10
      max_attempts              = 10
      max_retry_duration        = "86400s"
      min_backoff               = "30s"
      max_backoff               = "3600s"
      max_doublings             = 4
    }
    alerts = {
      target                    = "alerts_worker"
      queue_env                 = "SESAME_ALERTS_QUEUE"
      worker_url_env            = "SESAME_ALERTS_WORKER_URL"
      max_dispatches_per_second = 10
      max_concurrent_dispatches = 10
      max_attempts              = 10
      max_retry_duration        = "86400s"
      min_backoff               = "30s"
      max_backoff               = "3600s"
      max_doublings             = 4
    }
  }

  deployed_queues = {
    for name, queue in local.queues : name => queue
    if contains(keys(local.deployed_functions), queue.target)
  }
}

resource "google_cloud_tasks_queue" "queue" {
  for_each = local.deployed_queues

  name     = "${each.key}-${var.environment}"
  location = var.region

  rate_limits {
    max_dispatches_per_second = each.value.max_dispatches_per_second
    max_concurrent_dispatches = each.value.max_concurrent_dispatches
  }

  retry_config {
    max_attempts       = each.value.max_attempts
    max_retry_duration = each.value.max_retry_duration
    min_backoff        = each.value.min_backoff
    max_backoff        = each.value.max_backoff
    max_doublings      = each.value.max_doublings
  }

  # Task payloads carry ids only, never personal data, so full logging is safe.
  stackdriver_logging_config {
    sampling_ratio = 1.0
  }

  depends_on = [google_project_service.api]
}
