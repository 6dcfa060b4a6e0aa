# Secrets live in Secret Manager, replicated only in europe-west3 (R17) and encrypted
# with our key. Terraform creates the secrets, never their values: versions are added
# with `gcloud secrets versions add` (README, "Secrets"), so no value is in the state.
# Each function's service account can read only the secrets listed for it in
# local.functions (functions.tf) — R18.

locals {
  # secret id => environment variable that shared/config.py reads.
  secret_env_names = {
    "audit-pepper"     = "SESAME_AUDIT_PEPPER"     # pseudonymises user ids in the access journal (R14)
    "sendgrid-api-key" = "SENDGRID_API_KEY"        # transactional email (R5 alerts, privacy requests)
    "sso-partner-keys" = "SESAME_SSO_PARTNER_KEYS" # partners' keys verifying hand-off requests (R2)
    "mail-token-key"   = "SESAME_MAIL_TOKEN_KEY"   # signs one-click unsubscribe links (R5, R26)
  }
}

resource "google_secret_manager_secret" "secret" {
  for_each = local.secret_env_names

  secret_id = each.key

  replication {
    user_managed {
      replicas {
        location = var.region

        customer_managed_encryption {
          kms_key_name = google_kms_crypto_key.key["secrets"].id
        }
      }
    }
  }

  depends_on = [google_project_service.api, google_kms_crypto_key_iam_member.agent]
}
