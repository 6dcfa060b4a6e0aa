# Buckets: europe-west3 only (R17), uniform access, public access prevention,
# CMEK, and lifecycles that follow the retention table (R19-R23).
#
# checkov skips shared by all three buckets:
# - CKV_GCP_62 (bucket access logging): the legacy usage-log export would be one more
#   bucket of personal data (object names, IPs). Access is recorded instead by Cloud
#   Audit Logs DATA_READ/DATA_WRITE for storage (logging.tf), kept in the europe-west3
#   log bucket.

locals {
  # Logical name (used by the function map) => bucket resource name.
  buckets = {
    vault   = google_storage_bucket.vault.name
    exports = google_storage_bucket.exports.name
    sources = google_storage_bucket.sources.name
  }
}

# R9 digital vault: beneficiaries' supporting documents, served by V4 signed URLs.
resource "google_storage_bucket" "vault" {
  # checkov:skip=CKV_GCP_62:access recorded by Cloud Audit Logs data-access logs (logging.tf), see header
  # checkov:skip=CKV_GCP_78:versioning is off on purpose: R9/R21/R22 require that deleting a document (consent withdrawn, erasure) really erases it; a noncurrent version would keep it
  name     = "${var.project_id}-${var.environment}-vault"
  location = upper(var.region)

  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false

  encryption {
    default_kms_key_name = google_kms_crypto_key.key["storage"].id
  }

  # R21/R22: no version and no soft-deleted copy outlives an erasure.
  versioning {
    enabled = false
  }

  soft_delete_policy {
    retention_duration_seconds = 0
  }

  # Defence in depth should versioning ever be switched on by hand: noncurrent
  # versions are gone within a day (well under the 30-day bound of the retention table).
  lifecycle_rule {
    condition {
      days_since_noncurrent_time = 1
      with_state                 = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  # Browser uploads/downloads through signed URLs come only from the app's origin.
  # The upload's PUT carries the headers its signature binds (exact size, "new
  # object only": shared/adapters/vault_objects.py::signed_upload); a browser's
  # preflight asks for them, so they are listed or the upload is refused.
  cors {
    origin = ["https://${var.domain}"]
    method = ["GET", "PUT"]
    response_header = [
      "Content-Type",
      "Content-Disposition",
      "x-goog-content-length-range",
      "x-goog-if-generation-match",
    ]
    max_age_seconds = 3600
  }

  depends_on = [google_kms_crypto_key_iam_member.agent]
}

# R27 portability: export archives, downloaded by the user through a signed URL.
resource "google_storage_bucket" "exports" {
  # checkov:skip=CKV_GCP_62:access recorded by Cloud Audit Logs data-access logs (logging.tf), see header
  # checkov:skip=CKV_GCP_78:versioning is off on purpose: an export is a copy of all of a user's data and must vanish with its 7-day lifecycle (R23), not linger as a noncurrent version
  name     = "${var.project_id}-${var.environment}-exports"
  location = upper(var.region)

  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false

  encryption {
    default_kms_key_name = google_kms_crypto_key.key["storage"].id
  }

  versioning {
    enabled = false
  }

  soft_delete_policy {
    retention_duration_seconds = 0
  }

  # R23: an export has served its purpose after 7 days.
  lifecycle_rule {
    condition {
      age = 7
    }
    action {
      type = "Delete"
    }
  }

  cors {
    origin          = ["https://${var.domain}"]
    method          = ["GET"]
    response_header = ["Content-Type", "Content-Disposition"]
    max_age_seconds = 3600
  }

  depends_on = [google_kms_crypto_key_iam_member.agent]
}

# Function source archives (infra/package_functions.py). Holds code, no personal data.
resource "google_storage_bucket" "sources" {
  # checkov:skip=CKV_GCP_62:holds build inputs only, no personal data; uploads are in Admin Activity audit logs
  name     = "${var.project_id}-${var.environment}-function-sources"
  location = upper(var.region)

  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false

  encryption {
    default_kms_key_name = google_kms_crypto_key.key["storage"].id
  }

  # Objects are named by content hash and never overwritten; versioning only guards
  # against an accidental delete, and noncurrent versions go after 7 days.
  versioning {
    enabled = true
  }

  # Old archives are cleaned up after 90 days. A deployed function runs from its built
  # image, not from this archive; a later apply re-uploads an archive that is still
  # referenced (same content, same name).
  lifecycle_rule {
    condition {
      age = 90
    }
    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = 7
      with_state                 = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  depends_on = [google_kms_crypto_key_iam_member.agent]
}

# Images built from the sources: europe-west3, CMEK, old images cleaned up.
resource "google_artifact_registry_repository" "functions" {
  location      = var.region
  repository_id = "sesame-functions"
  description   = "Container images of the Sésame Cloud Functions (built by Cloud Build)."
  format        = "DOCKER"
  kms_key_name  = google_kms_crypto_key.key["artifacts"].id

  cleanup_policy_dry_run = false

  cleanup_policies {
    id     = "keep-recent"
    action = "KEEP"
    most_recent_versions {
      keep_count = 5
    }
  }

  cleanup_policies {
    id     = "delete-older-than-90-days"
    action = "DELETE"
    condition {
      tag_state  = "ANY"
      older_than = "7776000s"
    }
  }

  depends_on = [google_kms_crypto_key_iam_member.agent]
}
