# R21: erasure deletes the pending tasks about the person. erasure_worker reads each
# queue's tasks with their payloads (FULL view needs cloudtasks.tasks.fullView, held by
# the enqueuer role) and deletes those naming the person (taskDeleter) — on the queues
# only, never project-wide (R18).

locals {
  erasure_queue_roles = {
    for pair in flatten([
      for queue, _ in local.deployed_queues : [
        for role in ["roles/cloudtasks.viewer", "roles/cloudtasks.enqueuer", "roles/cloudtasks.taskDeleter"] :
        { queue = queue, role = role }
      ]
    ]) : "${pair.queue} ${pair.role}" => pair
    if contains(keys(local.deployed_functions), "erasure_worker")
  }
}

resource "google_cloud_tasks_queue_iam_member" "erasure_reads_and_deletes_tasks" {
  for_each = local.erasure_queue_roles

  name     = google_cloud_tasks_queue.queue[each.value.queue].name
  location = var.region
  role     = each.value.role
  member   = google_service_account.fn["erasure_worker"].member
}
