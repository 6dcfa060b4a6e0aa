# R1: Firebase Auth (Identity Platform) — email/password sign-in for beneficiaries.
# Partner hand-off (R2) does not use a provider here: the sso function mints Firebase
# custom tokens after checking the partner's signed, single-use request.
#
# Identity Platform has no regional location: user records are held by Google's
# global service. See README "Known limits" (R17).

resource "google_firebase_project" "sesame" {
  provider = google-beta
  project  = var.project_id

  depends_on = [google_project_service.api]
}

resource "google_identity_platform_config" "auth" {
  project = var.project_id

  # Anonymous accounts are not used; any created by mistake are removed (R23).
  autodelete_anonymous_users = true

  authorized_domains = [
    var.domain,
    "${var.project_id}.firebaseapp.com",
  ]

  sign_in {
    allow_duplicate_emails = false

    email {
      enabled           = true
      password_required = true
    }

    phone_number {
      enabled = false
    }

    anonymous {
      enabled = false
    }
  }

  client {
    permissions {
      # R1 direct sign-up; R28 users may delete their own account.
      disabled_user_signup   = false
      disabled_user_deletion = false
    }
  }

  depends_on = [google_firebase_project.sesame]
}
