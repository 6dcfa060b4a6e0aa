# R17 (encryption at rest): every store of personal data is encrypted with a key we
# control, in europe-west3, rotated at most every 90 days. One key per service so a
# grant to one service agent never opens another service's data.

locals {
  # 90 days, the longest rotation the policy allows (checked by tests/infra).
  kms_rotation_period = "7776000s"

  # key name => service agent that encrypts/decrypts with it.
  kms_keys = {
    storage   = "serviceAccount:${data.google_storage_project_service_account.gcs.email_address}"
    firestore = "serviceAccount:${google_project_service_identity.agent["firestore.googleapis.com"].email}"
    secrets   = "serviceAccount:${google_project_service_identity.agent["secretmanager.googleapis.com"].email}"
    artifacts = "serviceAccount:${google_project_service_identity.agent["artifactregistry.googleapis.com"].email}"
    logs      = "serviceAccount:${data.google_logging_project_cmek_settings.logging.service_account_id}"
    # The Compute Engine agent encrypts the malware scanner's disks (scanner.tf).
    compute = "serviceAccount:service-${data.google_project.this.number}@compute-system.iam.gserviceaccount.com"
  }
}

resource "google_kms_key_ring" "sesame" {
  name     = "sesame-${var.environment}"
  location = var.region

  depends_on = [google_project_service.api]
}

resource "google_kms_crypto_key" "key" {
  for_each = local.kms_keys

  name            = each.key
  key_ring        = google_kms_key_ring.sesame.id
  purpose         = "ENCRYPT_DECRYPT"
  rotation_period = local.kms_rotation_period

  version_template {
    algorithm        = "GOOGLE_SYMMETRIC_ENCRYPTION"
    protection_level = "SOFTWARE"
  }

  # Destroying a key destroys every byte encrypted with it: never by accident.
  lifecycle {
    prevent_destroy = true
  }
}

resource "google_kms_crypto_key_iam_member" "agent" {
  for_each = local.kms_keys

  crypto_key_id = google_kms_crypto_key.key[each.key].id
  role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member        = each.value
}
