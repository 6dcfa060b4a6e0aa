# Firestore (native mode) in europe-west3 (R17), encrypted with our key, and the
# repository's firestore.rules (deny by default) deployed with it.

locals {
  firestore_rules_path = "${path.module}/../firestore.rules"
}

resource "google_firestore_database" "main" {
  project     = var.project_id
  name        = "(default)"
  location_id = var.region
  type        = "FIRESTORE_NATIVE"

  concurrency_mode            = "OPTIMISTIC"
  app_engine_integration_mode = "DISABLED"
  delete_protection_state     = "DELETE_PROTECTION_ENABLED"
  deletion_policy             = "ABANDON"

  # R21/R22: point-in-time recovery would keep every deleted document readable for
  # 7 days after an erasure. It stays off; without it Firestore keeps at most one
  # hour of versions. Disaster recovery uses scheduled backups decided separately,
  # with their own retention written into the retention table.
  point_in_time_recovery_enablement = "POINT_IN_TIME_RECOVERY_DISABLED"

  # R17 encryption at rest with a key in the same location as the database.
  cmek_config {
    kms_key_name = google_kms_crypto_key.key["firestore"].id
  }

  depends_on = [google_project_service.api, google_kms_crypto_key_iam_member.agent]
}

resource "google_firebaserules_ruleset" "firestore" {
  project = var.project_id

  source {
    files {
      name    = "firestore.rules"
      content = file(local.firestore_rules_path)
    }
  }

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [google_firestore_database.main]
}

# "cloud.firestore" is the release that the (default) database enforces.
resource "google_firebaserules_release" "firestore" {
  project      = var.project_id
  name         = "cloud.firestore"
  ruleset_name = "projects/${var.project_id}/rulesets/${google_firebaserules_ruleset.firestore.name}"

  lifecycle {
    replace_triggered_by = [google_firebaserules_ruleset.firestore]
  }
}

# Composite indexes of the application's queries, declared once in
# firestore.indexes.json (Firebase's format) at the repository root; the vault's
# list query derives them from its own declaration and tests/unit/vault checks
# that the file holds exactly those (shared/adapters/vault_metadata.py).
locals {
  # One entry per index, keyed by its collection and fields (stable across reorderings).
  firestore_indexes = {
    for index in jsondecode(file("${path.module}/../firestore.indexes.json")).indexes :
    "${index.collectionGroup}:${join(",", [for f in index.fields : "${f.fieldPath}.${lookup(f, "order", lookup(f, "arrayConfig", ""))}"])}" => index
  }
}

resource "google_firestore_index" "composite" {
  for_each = local.firestore_indexes

  project     = var.project_id
  database    = google_firestore_database.main.name
  collection  = each.value.collectionGroup
  query_scope = each.value.queryScope

  dynamic "fields" {
    for_each = each.value.fields
    content {
      field_path   = fields.value.fieldPath
      order        = lookup(fields.value, "order", null)
      array_config = lookup(fields.value, "arrayConfig", null)
    }
  }
}
