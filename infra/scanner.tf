# The malware scanner of vault uploads (R9): clamd, reached only by the functions that
# finalise uploads, over the INSTREAM protocol on TCP 3310 (shared/adapters/clamd.py).
#
# Cloud Functions accept only HTTP, so clamd runs on a small regional managed instance
# group of its own in europe-west3 (R17): Container-Optimized OS running the ClamAV
# project's image, whose entry point starts freshclam (signature updates, checked every
# 2 hours by default) next to clamd, which reloads the databases itself. An internal
# TCP load balancer gives the group one private address; the functions reach it
# through a Serverless VPC Access connector, egress for private ranges only (their
# Google API calls stay on Google's network). Nothing has a public address; the
# firewall opens 3310 to the connector's range and to Google's health checkers only.
# The instances reach the Internet (image pull, freshclam's database mirrors) through
# Cloud NAT, outbound only.
#
# The image is the ClamAV project's (freshclam + clamd in one container), pinned by
# digest in var.clamav_image: a tag can be moved to other bytes, a digest cannot. A new
# release is taken deliberately (docs/vault.md, "Updating the scanner image").
#
# When the scanner is down, finalising answers "scanner unavailable": the Storage event
# is retried, the explicit call answers 503 and the file reads "scan_pending"; no file
# becomes available unscanned (docs/vault.md, "Malware scanner in production"). Each
# such finalise writes the log line "vault_scan_unavailable", which the metric and the
# alert at the end of this file count: with two instances behind the balancer, the
# functions see no scanner only when both are down.

locals {
  clamd_port = 3310
  # One /28 for the connector (its required size); instances get their own range.
  connector_range = "10.130.0.0/28"
  scanner_range   = "10.130.1.0/24"
  # Google's health checkers (documented ranges of load-balancer and autohealing probes).
  health_check_ranges = ["35.191.0.0/16", "130.211.0.0/22"]
  # What the scanning functions are told (shared/config.py: SESAME_CLAMD_ADDRESS).
  clamd_address = "${google_compute_address.clamd.address}:${local.clamd_port}"
  # The functions whose finalise scans files: the vault, the Storage-event worker,
  # and forms (a generated PDF is checked like any upload before it is kept).
  scanner_clients = toset(["vault", "vault_events", "forms"])
}

resource "google_compute_network" "private" {
  name                    = "sesame-private"
  auto_create_subnetworks = false
  description             = "Private network of the malware scanner; reached only through the functions' connector."
}

resource "google_compute_subnetwork" "scanner" {
  name                     = "sesame-scanner"
  region                   = var.region
  network                  = google_compute_network.private.id
  ip_cidr_range            = local.scanner_range
  private_ip_google_access = true

  # Flow metadata names internal addresses and ports only: no personal data.
  log_config {
    aggregation_interval = "INTERVAL_10_MIN"
    flow_sampling        = 0.5
    metadata             = "EXCLUDE_ALL_METADATA"
  }
}

resource "google_vpc_access_connector" "functions" {
  name          = "sesame-functions"
  region        = var.region
  network       = google_compute_network.private.name
  ip_cidr_range = local.connector_range
  machine_type  = "e2-micro"
  min_instances = 2
  max_instances = 3

  depends_on = [google_project_service.api]
}

# Only the connector may open a connection to clamd, and the health checkers may probe it.
resource "google_compute_firewall" "clamd_from_functions" {
  name          = "sesame-clamd-from-functions"
  network       = google_compute_network.private.id
  direction     = "INGRESS"
  priority      = 900
  source_ranges = concat([local.connector_range], local.health_check_ranges)
  target_tags   = ["clamd"]

  allow {
    protocol = "tcp"
    ports    = [tostring(local.clamd_port)]
  }
}

# Everything else is refused, whatever the implied rules of a future change.
resource "google_compute_firewall" "private_deny_ingress" {
  name          = "sesame-private-deny-ingress"
  network       = google_compute_network.private.id
  direction     = "INGRESS"
  priority      = 1000
  source_ranges = ["0.0.0.0/0"]

  deny {
    protocol = "all"
  }
}

# Outbound only, for the image pull and freshclam: the instances have no public address.
resource "google_compute_router" "scanner" {
  name    = "sesame-scanner"
  region  = var.region
  network = google_compute_network.private.id
}

resource "google_compute_router_nat" "scanner" {
  name                               = "sesame-scanner"
  region                             = var.region
  router                             = google_compute_router.scanner.name
  nat_ip_allocate_option             = "AUTO_ONLY"
  source_subnetwork_ip_ranges_to_nat = "LIST_OF_SUBNETWORKS"

  subnetwork {
    name                    = google_compute_subnetwork.scanner.id
    source_ip_ranges_to_nat = ["ALL_IP_RANGES"]
  }

  log_config {
    enable = true
    filter = "ERRORS_ONLY"
  }
}

# The scanner's own identity: it writes its logs and metrics, nothing else (R18).
resource "google_service_account" "clamd" {
  account_id   = "clamd-scanner"
  display_name = "Sésame malware scanner"
  description  = "Runtime identity of the clamd instances: logs and metrics only."
}

resource "google_project_iam_member" "clamd_logs" {
  project = var.project_id
  role    = "roles/logging.logWriter"
  member  = "serviceAccount:${google_service_account.clamd.email}"
}

resource "google_project_iam_member" "clamd_metrics" {
  project = var.project_id
  role    = "roles/monitoring.metricWriter"
  member  = "serviceAccount:${google_service_account.clamd.email}"
}

resource "google_compute_region_instance_template" "clamd" {
  name_prefix  = "sesame-clamd-"
  region       = var.region
  description  = "clamd with freshclam (ClamAV image) on Container-Optimized OS; no public address."
  machine_type = "e2-standard-2" # clamd holds the full databases in memory, twice while reloading
  tags         = ["clamd"]

  can_ip_forward = false

  disk {
    source_image = "cos-cloud/cos-stable"
    disk_size_gb = 20
    auto_delete  = true
    boot         = true

    # Uploads pass through memory only, but the disk is encrypted with our key too (R17).
    disk_encryption_key {
      kms_key_self_link = google_kms_crypto_key.key["compute"].id
    }
  }

  network_interface {
    subnetwork = google_compute_subnetwork.scanner.id
    # No access_config: no public address.
  }

  shielded_instance_config {
    enable_secure_boot          = true
    enable_vtpm                 = true
    enable_integrity_monitoring = true
  }

  metadata = {
    block-project-ssh-keys    = "true"
    enable-oslogin            = "TRUE"
    serial-port-enable        = "false"
    google-logging-enabled    = "true"
    gce-container-declaration = <<-EOT
      spec:
        containers:
          - name: clamd
            image: ${var.clamav_image}
        restartPolicy: Always
    EOT
  }

  service_account {
    email  = google_service_account.clamd.email
    scopes = ["cloud-platform"]
  }

  scheduling {
    automatic_restart   = true
    on_host_maintenance = "MIGRATE"
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "google_compute_region_health_check" "clamd" {
  name                = "sesame-clamd"
  region              = var.region
  check_interval_sec  = 10
  timeout_sec         = 5
  healthy_threshold   = 2
  unhealthy_threshold = 3

  tcp_health_check {
    port = local.clamd_port
    # clamd answers PING with PONG (a newline-delimited "n" command of its protocol):
    # a loaded clamd, not just an open port.
    request  = "nPING\n"
    response = "PONG"
  }
}

# Two instances in two zones: one may restart (freshclam reload, host maintenance)
# while the other scans.
resource "google_compute_region_instance_group_manager" "clamd" {
  name                      = "sesame-clamd"
  region                    = var.region
  base_instance_name        = "sesame-clamd"
  target_size               = 2
  distribution_policy_zones = ["${var.region}-a", "${var.region}-b"]

  version {
    instance_template = google_compute_region_instance_template.clamd.self_link
  }

  named_port {
    name = "clamd"
    port = local.clamd_port
  }

  auto_healing_policies {
    health_check = google_compute_region_health_check.clamd.id
    # The first start downloads the signature databases (a few minutes).
    initial_delay_sec = 600
  }

  update_policy {
    type                  = "PROACTIVE"
    minimal_action        = "REPLACE"
    max_surge_fixed       = 2
    max_unavailable_fixed = 0
  }
}

resource "google_compute_region_backend_service" "clamd" {
  name                  = "sesame-clamd"
  region                = var.region
  protocol              = "TCP"
  load_balancing_scheme = "INTERNAL"
  health_checks         = [google_compute_region_health_check.clamd.id]

  backend {
    group          = google_compute_region_instance_group_manager.clamd.instance_group
    balancing_mode = "CONNECTION"
  }

  # Connection logs hold internal addresses only; kept off like the edge's.
  log_config {
    enable = false
  }
}

resource "google_compute_address" "clamd" {
  name         = "sesame-clamd"
  region       = var.region
  address_type = "INTERNAL"
  subnetwork   = google_compute_subnetwork.scanner.id
}

resource "google_compute_forwarding_rule" "clamd" {
  name                  = "sesame-clamd"
  region                = var.region
  load_balancing_scheme = "INTERNAL"
  ip_protocol           = "TCP"
  ip_address            = google_compute_address.clamd.address
  ports                 = [tostring(local.clamd_port)]
  network               = google_compute_network.private.id
  subnetwork            = google_compute_subnetwork.scanner.id
  backend_service       = google_compute_region_backend_service.clamd.id
}

# --- alerting when no scanner answers -------------------------------------------

locals {
  # The log line of shared/services/vault.py (SCAN_UNAVAILABLE_EVENT), written by the
  # scanning functions only; it carries no personal data (shared/structured_log.py).
  scanner_unavailable_filter = join(" AND ", [
    "resource.type=\"cloud_run_revision\"",
    "jsonPayload.message=\"vault_scan_unavailable\"",
    "resource.labels.service_name=~\"^(${join("|", [for name in sort(tolist(local.scanner_clients)) : local.function_service_names[name]])})$\"",
  ])
}

resource "google_logging_metric" "vault_scanner_unavailable" {
  name        = "sesame/vault_scanner_unavailable"
  description = "Finalises of vault uploads that found no malware scanner answering (files left scan_pending)."
  filter      = local.scanner_unavailable_filter
  bucket_name = google_logging_project_bucket_config.regional.id

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
  }
}

resource "google_monitoring_alert_policy" "vault_scanner_unavailable" {
  display_name = "Sésame ${var.environment}: no malware scanner answers"
  combiner     = "OR"
  severity     = "CRITICAL"

  conditions {
    display_name = "A vault upload found no clamd answering (both instances down)"

    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.vault_scanner_unavailable.name}\" AND resource.type=\"cloud_run_revision\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
      }

      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "3600s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "No clamd instance answered a vault finalise: uploads wait as `scan_pending` (nothing is made available unscanned) and Eventarc retries them. Check the `sesame-clamd` instance group (health of its two instances, autohealing, the image reference in `clamav_image`) and Cloud NAT (freshclam). Files settle by themselves once clamd answers again."
  }

  notification_channels = concat(
    [google_monitoring_notification_channel.oncall.id],
    var.scanner_alert_notification_channels,
  )
}
