# Terraform and provider versions are pinned exactly so that every plan of every
# environment is made by the same code. Bump them deliberately, in their own change.
terraform {
  required_version = ">= 1.5.0, < 2.0.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "6.36.1"
    }
    google-beta = {
      source  = "hashicorp/google-beta"
      version = "6.36.1"
    }
  }

  # Remote state in a GCS bucket (europe-west3, versioned, CMEK) created once per
  # environment by the bootstrap step of infra/README.md. Partial configuration:
  #   terraform init -backend-config="bucket=<project_id>-tfstate"
  # The state holds no secret values: secrets are created empty here and their
  # versions are added out of band (README, "Secrets").
  backend "gcs" {
    prefix = "sesame"
  }
}
