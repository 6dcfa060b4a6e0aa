provider "google" {
  project = var.project_id
  region  = var.region

  default_labels = {
    app         = "sesame"
    environment = var.environment
  }
}

# google-beta only for what the GA provider lacks (service identities, Firebase project).
provider "google-beta" {
  project = var.project_id
  region  = var.region

  default_labels = {
    app         = "sesame"
    environment = var.environment
  }
}

data "google_project" "this" {
  project_id = var.project_id
}
