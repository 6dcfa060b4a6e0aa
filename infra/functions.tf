# Every Cloud Function of Sésame, declared once in local.functions.
#
# Each key is a folder functions/<key>/ (tests/infra fails when a folder has no entry
# here) and the Python entry point in its main.py. The deployed name is the key with
# "-" for "_" (2nd gen names allow no underscore).
#
# Planned functions are declared here before their code exists, so that their
# identity, grants and invoker are reviewed up front; only those whose
# functions/<key>/main.py exists are deployed (local.deployed_functions). Every
# per-function resource iterates over local.deployed_functions, never local.functions.
#
# Per function:
#   invoker       "public"    — HTTPS from browsers through the load balancer (edge.tf,
#                               Cloud Armor rate limits): allUsers may invoke, ingress
#                               internal + load balancer only; the app checks the Firebase
#                               ID token itself (R1, R18).
#                 "tasks"     — Cloud Tasks target, ingress internal-only, OIDC (tasks.tf).
#                 "scheduler" — Cloud Scheduler target, ingress internal-only, OIDC.
#                 "events"    — Eventarc target (event below), ingress internal-only, OIDC
#                               of events-invoker. Workers check the OIDC token themselves
#                               too (shared/api/worker.py) and record each delivery once.
#   schedule      cron (Europe/Paris) for scheduler targets, null otherwise.
#   event         for "events" targets: { type, bucket } (a key of storage.tf local.buckets),
#                 null otherwise.
#   project_roles roles on the project; only where the API has no finer resource:
#                 roles/datastore.user (Firestore IAM is project-wide; finer access is
#                 enforced by the services and firestore.rules), roles/firebaseauth.admin.
#   bucket_roles  roles bound on one bucket (storage.tf local.buckets), never project-wide.
#   secrets       Secret Manager secrets exposed as env vars (secrets.tf local.secret_env_names).
#   enqueues      Cloud Tasks queues it may add tasks to (tasks.tf).
#   signs_blobs   may sign with its own identity (V4 signed URLs, Firebase custom tokens).
#   clears_tasks  may list (FULL view: the payloads), delete and re-create the tasks of every
#                 deployed queue: erasure removes pending tasks naming the person, and queues
#                 a batch naming them among others again without them (R21, R22).
# R18: a function gets nothing that is not listed here.

locals {
  functions = {
    # R1 direct sign-up: creates the beneficiary profile for a Firebase user.
    # Must never import openfisca (DESIGN): small memory.
    signup = {
      description   = "Direct sign-up: beneficiary profile creation (R1)."
      invoker       = "public"
      schedule      = null
      event         = null
      min_instances = 0
      max_instances = 20
      memory        = "256Mi"
      cpu           = null
      timeout       = 60
      project_roles = ["roles/datastore.user"]
      bucket_roles  = []
      secrets       = []
      enqueues      = []
      signs_blobs   = false
      clears_tasks  = false
    }
    profile = {
      description   = "Beneficiary profile, consents and aidant access (R13, R16, R26)."
      invoker       = "public"
      schedule      = null
      event         = null
      min_instances = 0
      max_instances = 20
      memory        = "256Mi"
      cpu           = null
      timeout       = 60
      project_roles = ["roles/datastore.user"]
      bucket_roles  = []
      secrets       = ["audit-pepper"]
      enqueues      = []
      signs_blobs   = false
      clears_tasks  = false
    }
    # R6 simulation with OpenFisca: ~1 GiB resident and a ~5 s cold start, so one
    # instance is kept warm and it gets 2 GiB.
    simulate = {
      description   = "Eligibility simulation with OpenFisca-France (R6)."
      invoker       = "public"
      schedule      = null
      event         = null
      min_instances = 1
      max_instances = 10
      memory        = "2Gi"
      cpu           = "1"
      timeout       = 120
      project_roles = ["roles/datastore.user"]
      bucket_roles  = []
      secrets       = []
      enqueues      = []
      signs_blobs   = false
      clears_tasks  = false
    }
    # R7: generated forms are kept in the person's vault (R9), so forms writes there.
    forms = {
      description   = "Pre-filled application forms (R7)."
      invoker       = "public"
      schedule      = null
      event         = null
      min_instances = 0
      max_instances = 10
      memory        = "512Mi"
      cpu           = null
      timeout       = 60
      project_roles = ["roles/datastore.user"]
      bucket_roles  = [{ bucket = "vault", role = "roles/storage.objectUser" }]
      secrets       = []
      enqueues      = []
      signs_blobs   = false
      clears_tasks  = false
    }
    # R9 vault: documents go straight between browser and bucket via signed URLs.
    vault = {
      description   = "Digital vault of supporting documents (R9)."
      invoker       = "public"
      schedule      = null
      event         = null
      min_instances = 0
      max_instances = 10
      memory        = "512Mi"
      cpu           = null
      timeout       = 60
      project_roles = ["roles/datastore.user"]
      bucket_roles  = [{ bucket = "vault", role = "roles/storage.objectUser" }]
      secrets       = ["audit-pepper"]
      enqueues      = []
      signs_blobs   = true
      clears_tasks  = false
    }
    # R26-R28, R30: access/export/erasure requests. Exports are written to the exports
    # bucket and served by signed URL; erasures are queued for erasure_worker.
    privacy = {
      description   = "Privacy requests: export and erasure (R26-R28, R30)."
      invoker       = "public"
      schedule      = null
      event         = null
      min_instances = 0
      max_instances = 5
      memory        = "512Mi"
      cpu           = null
      timeout       = 300
      project_roles = ["roles/datastore.user"]
      bucket_roles  = [{ bucket = "exports", role = "roles/storage.objectUser" }]
      secrets       = ["sendgrid-api-key", "audit-pepper"]
      enqueues      = ["erasure", "exports"]
      signs_blobs   = true
      clears_tasks  = false
    }
    # R2 partner hand-off: verifies the signed, single-use request and mints a Firebase
    # custom token (signed with its own identity, hence signs_blobs).
    sso = {
      description   = "Partner hand-off: signed, single-use login (R2, R3)."
      invoker       = "public"
      schedule      = null
      event         = null
      min_instances = 0
      max_instances = 10
      memory        = "256Mi"
      cpu           = null
      timeout       = 30
      project_roles = ["roles/datastore.user", "roles/firebaseauth.admin"]
      bucket_roles  = []
      secrets       = ["sso-partner-keys"]
      enqueues      = []
      signs_blobs   = true
      clears_tasks  = false
    }
    # R3, R11, R20 clients: staff record organisations, contracts, admins and payments; a
    # client admin invites by professional e-mail and sees only invited/registered.
    organisations = {
      description   = "Client organisations, admins, payments and invitations (R3, R11, R20)."
      invoker       = "public"
      schedule      = null
      event         = null
      min_instances = 0
      max_instances = 5
      memory        = "256Mi"
      cpu           = null
      timeout       = 60
      project_roles = ["roles/datastore.user", "roles/firebaseauth.admin"]
      bucket_roles  = []
      secrets       = ["sendgrid-api-key"]
      enqueues      = []
      signs_blobs   = false
      clears_tasks  = false
    }
    # R14, R16 caregivers: the beneficiary grants, lists and revokes mandates and reads the
    # access journal; the invited caregiver accepts (which sets the aidant role claim).
    mandates = {
      description   = "Caregiver mandates and the access journal (R14, R16)."
      invoker       = "public"
      schedule      = null
      event         = null
      min_instances = 0
      max_instances = 10
      memory        = "256Mi"
      cpu           = null
      timeout       = 60
      project_roles = ["roles/datastore.user", "roles/firebaseauth.admin"]
      bucket_roles  = []
      secrets       = ["sendgrid-api-key", "audit-pepper"]
      enqueues      = []
      signs_blobs   = false
      clears_tasks  = false
    }
    # R8 support messaging: beneficiaries write to support, agents answer threads of
    # their queue (each read journaled); R4 demo requests from prospects (anonymous).
    support = {
      description   = "Support messaging and demo requests (R4, R8)."
      invoker       = "public"
      schedule      = null
      event         = null
      min_instances = 0
      max_instances = 5
      memory        = "256Mi"
      cpu           = null
      timeout       = 60
      project_roles = ["roles/datastore.user", "roles/firebaseauth.admin"]
      bucket_roles  = []
      secrets       = ["audit-pepper"]
      enqueues      = []
      signs_blobs   = false
      clears_tasks  = false
    }
    # R5 smart alerts: daily, works out what changed since the last run and queues one
    # task per batch of beneficiaries whose alerts are on (named: a retry adds nothing).
    alerts_dispatch = {
      description   = "Daily smart-alert fan-out (R5)."
      invoker       = "scheduler"
      schedule      = "0 7 * * *"
      event         = null
      min_instances = 0
      max_instances = 1
      memory        = "512Mi"
      cpu           = null
      timeout       = 1800
      project_roles = ["roles/datastore.user"]
      bucket_roles  = []
      secrets       = ["audit-pepper"]
      enqueues      = ["alerts"]
      signs_blobs   = false
      clears_tasks  = false
    }
    # One batch of up to 10,000: one vectorised OpenFisca simulation (≈ 0.6 GB peak,
    # bench/alerts.py --curve), then one e-mail per concerned person, eight at a time,
    # each recorded before it is sent.
    alerts_worker = {
      description   = "Re-evaluates one batch and e-mails who became eligible (R5)."
      invoker       = "tasks"
      schedule      = null
      event         = null
      min_instances = 0
      max_instances = 10
      memory        = "2Gi"
      cpu           = "1"
      timeout       = 540
      project_roles = ["roles/datastore.user"]
      bucket_roles  = []
      secrets       = ["sendgrid-api-key", "audit-pepper", "mail-token-key"]
      enqueues      = []
      signs_blobs   = false
      clears_tasks  = false
    }
    # Staff start and read alert runs; anyone unsubscribes through a signed one-click
    # link (R26); SendGrid posts its signed bounce and spam events (mail suppressions).
    alerts = {
      description   = "Alert runs for staff, one-click unsubscribe, mail events (R5, R26)."
      invoker       = "public"
      schedule      = null
      event         = null
      min_instances = 0
      max_instances = 5
      memory        = "512Mi"
      cpu           = null
      timeout       = 300
      project_roles = ["roles/datastore.user", "roles/firebaseauth.admin"]
      bucket_roles  = []
      secrets       = ["audit-pepper", "mail-token-key"]
      enqueues      = ["alerts"]
      signs_blobs   = false
      clears_tasks  = false
    }
    # R21, R22, R28: resumable erasure of every store (Firestore, vault, exports, Auth).
    erasure_worker = {
      description   = "Erases all data of one user, resumably (R21, R22, R28)."
      invoker       = "tasks"
      schedule      = null
      event         = null
      min_instances = 0
      max_instances = 5
      memory        = "512Mi"
      cpu           = null
      timeout       = 540
      project_roles = ["roles/datastore.user", "roles/firebaseauth.admin"]
      bucket_roles = [
        { bucket = "vault", role = "roles/storage.objectUser" },
        { bucket = "exports", role = "roles/storage.objectUser" },
      ]
      secrets      = ["sendgrid-api-key", "audit-pepper"]
      enqueues     = []
      signs_blobs  = false
      clears_tasks = true
    }
    # R25: e-mails one beneficiary about a significant policy revision (one task each;
    # shared/api/worker.py makes a redelivered task send nothing twice).
    notices_worker = {
      description   = "Sends one notice owed by e-mail: policy revision (R13, R25)."
      invoker       = "tasks"
      schedule      = null
      event         = null
      min_instances = 0
      max_instances = 10
      memory        = "256Mi"
      cpu           = null
      timeout       = 120
      project_roles = ["roles/datastore.user"]
      bucket_roles  = []
      secrets       = ["sendgrid-api-key", "audit-pepper"]
      enqueues      = []
      signs_blobs   = false
      clears_tasks  = false
    }
    # R9: a file written to the vault is kept only if its owner consented; otherwise
    # it is deleted at once. Called by Eventarc on every object finalized in the vault.
    vault_events = {
      description   = "Vault intake: keeps uploads only under consent (R9)."
      invoker       = "events"
      schedule      = null
      event         = { type = "google.cloud.storage.object.v1.finalized", bucket = "vault" }
      min_instances = 0
      max_instances = 10
      memory        = "256Mi"
      cpu           = null
      timeout       = 60
      project_roles = ["roles/datastore.user"]
      bucket_roles  = [{ bucket = "vault", role = "roles/storage.objectUser" }]
      secrets       = ["audit-pepper"]
      enqueues      = []
      signs_blobs   = false
      clears_tasks  = false
    }
    # R26, R27: builds one person's ZIP (JSON per category + vault files) by streaming it
    # into the exports bucket; reads every store the registry lists; signs the download
    # link and mails a confirmed third party.
    export_worker = {
      description   = "Builds one portability export into the exports bucket (R27)."
      invoker       = "tasks"
      schedule      = null
      event         = null
      min_instances = 0
      max_instances = 5
      memory        = "512Mi"
      cpu           = null
      timeout       = 540
      project_roles = ["roles/datastore.user", "roles/firebaseauth.admin"]
      bucket_roles = [
        { bucket = "vault", role = "roles/storage.objectViewer" },
        { bucket = "exports", role = "roles/storage.objectUser" },
      ]
      secrets      = ["sendgrid-api-key", "audit-pepper"]
      enqueues     = []
      signs_blobs  = true
      clears_tasks = false
    }
    # R19, R23: daily, finds accounts inactive for 3 years and queues their erasure.
    # (Exports expire by bucket lifecycle, storage.tf.)
    retention_sweep = {
      description   = "Daily retention sweep: 3-year inactivity (R19, R23)."
      invoker       = "scheduler"
      schedule      = "30 3 * * *"
      event         = null
      min_instances = 0
      max_instances = 1
      memory        = "512Mi"
      cpu           = null
      timeout       = 1800
      project_roles = ["roles/datastore.user"]
      bucket_roles  = []
      secrets       = ["sendgrid-api-key"]
      enqueues      = ["erasure"]
      signs_blobs   = false
      clears_tasks  = false
    }
    # R6: daily, lists the catalogue aids whose OpenFisca parameters are past their
    # last known value (read by staff: GET /simulate/stale-rules).
    rules_check = {
      description   = "Daily check of stale engine rules (R6)."
      invoker       = "scheduler"
      schedule      = "0 6 * * *"
      event         = null
      min_instances = 0
      max_instances = 1
      memory        = "1Gi"
      cpu           = null
      timeout       = 300
      project_roles = ["roles/datastore.user"]
      bucket_roles  = []
      secrets       = []
      enqueues      = []
      signs_blobs   = false
      clears_tasks  = false
    }
  }

  # The functions whose code exists: exactly the folders infra/package_functions.py
  # packages (functions/<name>/main.py), so every one has its build/<name>.zip. A
  # planned function gets no identity, grant, source, service, invoker or job.
  deployed_functions = {
    for name, fn in local.functions : name => fn
    if fileexists("${path.module}/../functions/${name}/main.py")
  }

  invoker_members = {
    tasks     = google_service_account.tasks_invoker.member
    scheduler = google_service_account.scheduler_invoker.member
    events    = google_service_account.events_invoker.member
  }

  # Deployed name (2nd gen / Cloud Run: lowercase letters, digits and hyphens). Names
  # only, for every declared function; no resource is made from this map.
  function_service_names = { for name, _ in local.functions : name => replace(name, "_", "-") }

  # Deterministic Cloud Run URLs, known before the functions exist, so functions can
  # be told where to send tasks without a dependency cycle. Deployed functions only:
  # no function is given the URL of one that does not exist.
  function_urls = {
    for name, _ in local.deployed_functions :
    name => "https://${local.function_service_names[name]}-${data.google_project.this.number}.${var.region}.run.app"
  }

  function_project_roles = {
    for pair in flatten([
      for name, fn in local.deployed_functions : [for role in fn.project_roles : { function = name, role = role }]
    ]) : "${pair.function} ${pair.role}" => pair
  }

  function_bucket_roles = {
    for pair in flatten([
      for name, fn in local.deployed_functions : [for grant in fn.bucket_roles : merge(grant, { function = name })]
    ]) : "${pair.function} ${pair.bucket} ${pair.role}" => pair
  }

  function_secrets = {
    for pair in flatten([
      for name, fn in local.deployed_functions : [for secret in fn.secrets : { function = name, secret = secret }]
    ]) : "${pair.function} ${pair.secret}" => pair
  }

  # Every deployed queue, for each function that clears tasks (erasure, R21, R22).
  function_task_clearing = {
    for pair in flatten([
      for name, fn in local.deployed_functions : [
        for queue in keys(local.deployed_queues) : { function = name, queue = queue }
      ] if fn.clears_tasks
    ]) : "${pair.function} ${pair.queue}" => pair
  }

  function_enqueues = {
    for pair in flatten([
      for name, fn in local.deployed_functions : [
        for queue in fn.enqueues : { function = name, queue = queue }
        if contains(keys(local.deployed_queues), queue)
      ]
    ]) : "${pair.function} ${pair.queue}" => pair
  }

  # Each queue's id and its worker's URL (variable names in tasks.tf local.queues),
  # only for the queues that exist, i.e. whose worker is deployed: no function is
  # pointed at a planned worker. The code treats a missing variable as "not there yet".
  queue_environment = merge({}, [
    for name, queue in local.deployed_queues : {
      (queue.queue_env)      = google_cloud_tasks_queue.queue[name].id
      (queue.worker_url_env) = local.function_urls[queue.target]
    }
  ]...)

  # Configuration every function reads through shared/config.py.
  function_environment = merge(local.queue_environment, {
    SESAME_ENV            = "production"
    GOOGLE_CLOUD_PROJECT  = var.project_id
    SESAME_REGION         = var.region
    SESAME_CORS_ORIGINS   = "https://${var.domain}"
    SESAME_MAIL_SENDER    = coalesce(var.mail_sender, "no-reply@${var.domain}")
    SESAME_VAULT_BUCKET   = google_storage_bucket.vault.name
    SESAME_EXPORTS_BUCKET = google_storage_bucket.exports.name
    SESAME_ENGINE_CACHE   = "/tmp/sesame-engine" # the only writable path of the runtime
    SESAME_LOG_LEVEL      = "INFO"
    SESAME_TASKS_INVOKER  = google_service_account.tasks_invoker.email
    # Links in e-mails: one-click unsubscribe (the API) and results (the web app).
    SESAME_PUBLIC_API_BASE = "https://api.${var.domain}"
    SESAME_WEB_BASE        = "https://${var.domain}"
    # SendGrid's event-webhook verification key: public, so a variable, not a secret.
    SESAME_SENDGRID_WEBHOOK_KEY = var.sendgrid_webhook_key
    # The engine the alerts worker runs (its OpenFisca pins): alert runs record it, and a
    # new version re-evaluates every aid, without the dispatcher installing OpenFisca.
    SESAME_ENGINE_VERSION = lower(join(" ", flatten(regexall(
      "(?m)^(OpenFisca-[A-Za-z]+==[^\\s#]+)",
      file("${path.module}/../functions/alerts_worker/requirements.txt")
    ))))
    # Workers accept OIDC tokens of these identities only (shared/api/worker.py).
    SESAME_SCHEDULER_INVOKER = google_service_account.scheduler_invoker.email
    SESAME_EVENTS_INVOKER    = google_service_account.events_invoker.email
    # Links sent by e-mail (an export handed to a third party, R27, R29) land on the API.
    SESAME_PUBLIC_API_BASE = "https://${local.api_host}"
  })
}

# --- identities (R18: one service account per function, nothing shared) ---------

resource "google_service_account" "fn" {
  for_each = local.deployed_functions

  account_id   = "fn-${local.function_service_names[each.key]}"
  display_name = "Sésame function ${each.key}"
  description  = "Runtime identity of the ${each.key} function only."
}

# Builds the function images (instead of the default Compute Engine account, which
# often holds roles/editor).
resource "google_service_account" "builder" {
  account_id   = "fn-builder"
  display_name = "Sésame function builder"
  description  = "Cloud Build identity for the Cloud Functions builds."
}

resource "google_service_account" "tasks_invoker" {
  account_id   = "tasks-invoker"
  display_name = "Sésame Cloud Tasks invoker"
  description  = "OIDC identity of Cloud Tasks calling the internal workers."
}

resource "google_service_account" "scheduler_invoker" {
  account_id   = "scheduler-invoker"
  display_name = "Sésame Cloud Scheduler invoker"
  description  = "OIDC identity of Cloud Scheduler calling the daily jobs."
}

resource "google_service_account" "events_invoker" {
  account_id   = "events-invoker"
  display_name = "Sésame Eventarc invoker"
  description  = "OIDC identity of the Eventarc triggers calling the event workers."
}

# Eventarc delivers to the event workers as events-invoker; Cloud Storage publishes
# its object events through Pub/Sub. Both grants exist only on the project.
resource "google_project_iam_member" "events_receiver" {
  project = var.project_id
  role    = "roles/eventarc.eventReceiver"
  member  = google_service_account.events_invoker.member
}

data "google_storage_project_service_account" "gcs" {}

resource "google_project_iam_member" "storage_publishes_events" {
  project = var.project_id
  role    = "roles/pubsub.publisher"
  member  = data.google_storage_project_service_account.gcs.member
}

# --- what each function may touch ------------------------------------------------

resource "google_project_iam_member" "fn" {
  for_each = local.function_project_roles

  project = var.project_id
  role    = each.value.role
  member  = google_service_account.fn[each.value.function].member
}

resource "google_storage_bucket_iam_member" "fn" {
  for_each = local.function_bucket_roles

  bucket = local.buckets[each.value.bucket]
  role   = each.value.role
  member = google_service_account.fn[each.value.function].member
}

resource "google_secret_manager_secret_iam_member" "fn" {
  for_each = local.function_secrets

  secret_id = google_secret_manager_secret.secret[each.value.secret].id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.fn[each.value.function].member
}

resource "google_cloud_tasks_queue_iam_member" "fn" {
  for_each = local.function_enqueues

  name     = google_cloud_tasks_queue.queue[each.value.queue].name
  location = var.region
  role     = "roles/cloudtasks.enqueuer"
  member   = google_service_account.fn[each.value.function].member
}

# Erasure finds the pending tasks naming a person (ListTasks with the FULL view, which
# shows payloads) on each queue, deletes those about them, and queues a batch that names
# them among others again without them (create, then delete the original). No predefined
# role holds exactly these permissions (the viewer role cannot see payloads, the admin
# role manages queues), hence a custom role.
resource "google_project_iam_custom_role" "task_clearer" {
  role_id     = "sesameTaskClearer"
  title       = "Sésame task clearer"
  description = "Lists tasks with their payloads, deletes them, re-creates batches (erasure, R21, R22)."
  permissions = [
    "cloudtasks.tasks.list",
    "cloudtasks.tasks.fullView",
    "cloudtasks.tasks.delete",
    "cloudtasks.tasks.create",
  ]
}

resource "google_cloud_tasks_queue_iam_member" "fn_clears_tasks" {
  for_each = local.function_task_clearing

  name     = google_cloud_tasks_queue.queue[each.value.queue].name
  location = var.region
  role     = google_project_iam_custom_role.task_clearer.id
  member   = google_service_account.fn[each.value.function].member
}

# Creating a task that carries an OIDC token of tasks-invoker requires actAs on it:
# enqueuers, and the task clearer (a batch queued again keeps its token).
resource "google_service_account_iam_member" "fn_acts_as_tasks_invoker" {
  for_each = toset(concat(
    [for pair in values(local.function_enqueues) : pair.function],
    [for pair in values(local.function_task_clearing) : pair.function],
  ))

  service_account_id = google_service_account.tasks_invoker.name
  role               = "roles/iam.serviceAccountUser"
  member             = google_service_account.fn[each.key].member
}

# Signing with its own identity (IAM signBlob): V4 signed URLs, Firebase custom tokens.
resource "google_service_account_iam_member" "fn_signs_as_itself" {
  for_each = { for name, fn in local.deployed_functions : name => fn if fn.signs_blobs }

  service_account_id = google_service_account.fn[each.key].name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = google_service_account.fn[each.key].member
}

# Builder: write logs, read sources, push images — on those resources only.
resource "google_project_iam_member" "builder_logs" {
  project = var.project_id
  role    = "roles/logging.logWriter"
  member  = google_service_account.builder.member
}

resource "google_storage_bucket_iam_member" "builder_sources" {
  bucket = google_storage_bucket.sources.name
  role   = "roles/storage.objectViewer"
  member = google_service_account.builder.member
}

resource "google_artifact_registry_repository_iam_member" "builder_images" {
  location   = var.region
  repository = google_artifact_registry_repository.functions.name
  role       = "roles/artifactregistry.writer"
  member     = google_service_account.builder.member
}

# --- sources (infra/package_functions.py writes infra/build/<name>.zip) ----------

resource "google_storage_bucket_object" "source" {
  for_each = local.deployed_functions

  # The content hash in the name makes a changed archive a new object, which is what
  # makes Terraform redeploy the function; an unchanged one is not redeployed.
  name   = "${each.key}/${filesha256("${path.module}/build/${each.key}.zip")}.zip"
  bucket = google_storage_bucket.sources.name
  source = "${path.module}/build/${each.key}.zip"
}

# --- the functions ----------------------------------------------------------------

resource "google_cloudfunctions2_function" "fn" {
  for_each = local.deployed_functions

  name        = local.function_service_names[each.key]
  location    = var.region
  description = each.value.description

  build_config {
    runtime           = "python312"
    entry_point       = each.key
    service_account   = google_service_account.builder.id
    docker_repository = google_artifact_registry_repository.functions.id

    source {
      storage_source {
        bucket = google_storage_bucket.sources.name
        object = google_storage_bucket_object.source[each.key].name
      }
    }
  }

  dynamic "event_trigger" {
    for_each = each.value.event == null ? [] : [each.value.event]
    content {
      trigger_region        = var.region
      event_type            = event_trigger.value.type
      retry_policy          = "RETRY_POLICY_RETRY"
      service_account_email = google_service_account.events_invoker.email
      event_filters {
        attribute = "bucket"
        value     = local.buckets[event_trigger.value.bucket]
      }
    }
  }

  service_config {
    service_account_email          = google_service_account.fn[each.key].email
    ingress_settings               = each.value.invoker == "public" ? "ALLOW_INTERNAL_AND_GCLB" : "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision = true
    min_instance_count             = each.value.min_instances
    max_instance_count             = each.value.max_instances
    available_memory               = each.value.memory
    available_cpu                  = each.value.cpu
    timeout_seconds                = each.value.timeout
    # Functions that scan uploads reach clamd's private address through the connector
    # (scanner.tf); private ranges only, so their Google API calls do not detour.
    vpc_connector                 = contains(local.scanner_clients, each.key) ? google_vpc_access_connector.functions.id : null
    vpc_connector_egress_settings = contains(local.scanner_clients, each.key) ? "PRIVATE_RANGES_ONLY" : null

    environment_variables = merge(local.function_environment, {
      SESAME_FUNCTION = each.key
    }, contains(local.scanner_clients, each.key) ? { SESAME_CLAMD_ADDRESS = local.clamd_address } : {})

    dynamic "secret_environment_variables" {
      for_each = toset(each.value.secrets)
      content {
        key        = local.secret_env_names[secret_environment_variables.value]
        project_id = var.project_id
        secret     = google_secret_manager_secret.secret[secret_environment_variables.value].secret_id
        version    = "latest"
      }
    }
  }

  depends_on = [
    google_project_iam_member.builder_logs,
    google_storage_bucket_iam_member.builder_sources,
    google_artifact_registry_repository_iam_member.builder_images,
    google_secret_manager_secret_iam_member.fn,
  ]
}

# --- who may call them --------------------------------------------------------------

# Browser-facing functions: reachable by anyone; each one authenticates the caller
# with the Firebase ID token (or the partner signature for sso) before doing anything.
resource "google_cloud_run_v2_service_iam_member" "public_invoker" {
  for_each = { for name, fn in local.deployed_functions : name => fn if fn.invoker == "public" }

  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.fn[each.key].name
  role     = "roles/run.invoker"
  member   = "allUsers"
}

# Internal targets: only their dedicated invoker identity, with an OIDC token.
resource "google_cloud_run_v2_service_iam_member" "internal_invoker" {
  for_each = { for name, fn in local.deployed_functions : name => fn if fn.invoker != "public" }

  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.fn[each.key].name
  role     = "roles/run.invoker"
  member   = local.invoker_members[each.value.invoker]
}
