# The public front of the API: one regional external Application Load Balancer in
# europe-west3 with a Cloud Armor policy, in front of every browser-facing function.
#
# Why a load balancer with Cloud Armor rather than App Check: anonymous simulation is
# open to anyone by design (R6: no account needed to see one's aids), so there is no
# app attestation to demand of every caller, and each anonymous call costs OpenFisca
# CPU. Cloud Armor throttles per client address before a request reaches (or wakes) a
# function; App Check would only tell genuine apps from others, not limit either.
# Regional rather than global: TLS ends, and rules run, in Frankfurt (R17).
#
# https://api.<domain>/<function>/… is routed to <function> with the prefix stripped,
# the same paths as the local gateway (devstack/gateway.py). The browser-facing
# functions accept only internal and load-balancer traffic (functions.tf), so the
# throttling cannot be bypassed through the functions' own run.app URLs.

locals {
  api_host = "api.${var.domain}"

  # Requests per client address per minute (Cloud Armor counts per region). Anonymous
  # simulations get the tightest budget; everything else a generous one that a person
  # clicking through the web client never reaches.
  rate_limits = {
    anonymous_simulation = 20
    any_request          = 300
  }
  # Demo requests from prospects (R4), per client address per hour: above the
  # function's own limit (shared/domain/support.py, 5 an hour) so that a person sees
  # its French answer, low enough that a script is stopped before it wakes a function.
  demo_requests_per_hour = 20
}

resource "google_compute_network" "edge" {
  name                    = "sesame-edge"
  auto_create_subnetworks = false
  description             = "Holds only the proxy-only subnet the regional load balancer needs."
}

# Nothing in the network accepts a connection: the load balancer's managed proxies
# reach the functions through serverless endpoint groups, not through this network.
resource "google_compute_firewall" "edge_deny_ingress" {
  name          = "sesame-edge-deny-ingress"
  network       = google_compute_network.edge.id
  direction     = "INGRESS"
  priority      = 1000
  source_ranges = ["0.0.0.0/0"]

  deny {
    protocol = "all"
  }
}

resource "google_compute_subnetwork" "proxy_only" {
  name          = "sesame-edge-proxies"
  region        = var.region
  network       = google_compute_network.edge.id
  ip_cidr_range = "10.129.0.0/23"
  purpose       = "REGIONAL_MANAGED_PROXY"
  role          = "ACTIVE"
}

resource "google_compute_region_network_endpoint_group" "fn" {
  for_each = { for name, fn in local.deployed_functions : name => fn if fn.invoker == "public" }

  name                  = "neg-${local.function_service_names[each.key]}"
  region                = var.region
  network_endpoint_type = "SERVERLESS"

  cloud_run {
    service = google_cloudfunctions2_function.fn[each.key].name
  }
}

resource "google_compute_region_backend_service" "fn" {
  for_each = { for name, fn in local.deployed_functions : name => fn if fn.invoker == "public" }

  name                  = "be-${local.function_service_names[each.key]}"
  region                = var.region
  protocol              = "HTTPS"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  security_policy       = google_compute_region_security_policy.api.self_link

  backend {
    group           = google_compute_region_network_endpoint_group.fn[each.key].id
    balancing_mode  = "UTILIZATION"
    capacity_scaler = 1.0
  }

  # Load-balancer request logs would hold client addresses and URLs (personal data,
  # §4): off. Cloud Armor's decisions are still counted in its metrics.
  log_config {
    enable = false
  }
}

resource "google_compute_region_security_policy" "api" {
  name        = "sesame-api"
  region      = var.region
  description = "Per-client rate limits in front of the API (anonymous simulation first)."
  type        = "CLOUD_ARMOR"
}

# Anonymous simulations: no Authorization header on /simulate. Over the budget → 429.
resource "google_compute_region_security_policy_rule" "anonymous_simulation" {
  region          = var.region
  security_policy = google_compute_region_security_policy.api.name
  priority        = 1000
  description     = "Anonymous simulations: ${local.rate_limits.anonymous_simulation} per minute per client address."
  action          = "throttle"

  match {
    expr {
      expression = "request.path.startsWith('/simulate') && !has(request.headers['authorization'])"
    }
  }

  rate_limit_options {
    conform_action = "allow"
    exceed_action  = "deny(429)"
    enforce_on_key = "IP"

    rate_limit_threshold {
      count        = local.rate_limits.anonymous_simulation
      interval_sec = 60
    }
  }
}

# Demo requests (R4): anonymous by design, so throttled per client address per hour.
resource "google_compute_region_security_policy_rule" "demo_requests" {
  region          = var.region
  security_policy = google_compute_region_security_policy.api.name
  priority        = 1100
  description     = "Demo requests: ${local.demo_requests_per_hour} per hour per client address."
  action          = "throttle"

  match {
    expr {
      expression = "request.path.startsWith('/support/demo-requests') && request.method == 'POST'"
    }
  }

  rate_limit_options {
    conform_action = "allow"
    exceed_action  = "deny(429)"
    enforce_on_key = "IP"

    rate_limit_threshold {
      count        = local.demo_requests_per_hour
      interval_sec = 3600
    }
  }
}

# Every request: a budget no person reaches, which stops floods of any endpoint.
resource "google_compute_region_security_policy_rule" "any_request" {
  region          = var.region
  security_policy = google_compute_region_security_policy.api.name
  priority        = 2000
  description     = "Any request: ${local.rate_limits.any_request} per minute per client address."
  action          = "throttle"

  match {
    versioned_expr = "SRC_IPS_V1"
    config {
      src_ip_ranges = ["*"]
    }
  }

  rate_limit_options {
    conform_action = "allow"
    exceed_action  = "deny(429)"
    enforce_on_key = "IP"

    rate_limit_threshold {
      count        = local.rate_limits.any_request
      interval_sec = 60
    }
  }
}

resource "google_compute_region_url_map" "api" {
  name   = "sesame-api"
  region = var.region

  # Anything that is not /<function>… goes to the web app.
  default_url_redirect {
    host_redirect  = var.domain
    https_redirect = true
    strip_query    = true
  }

  host_rule {
    hosts        = [local.api_host]
    path_matcher = "functions"
  }

  path_matcher {
    name = "functions"

    default_url_redirect {
      host_redirect  = var.domain
      https_redirect = true
      strip_query    = true
    }

    dynamic "route_rules" {
      for_each = { for index, name in sort(keys(google_compute_region_backend_service.fn)) : name => index }
      content {
        priority = route_rules.value + 1
        service  = google_compute_region_backend_service.fn[route_rules.key].id

        match_rules {
          path_template_match = "/${route_rules.key}/{rest=**}"
        }
        match_rules {
          full_path_match = "/${route_rules.key}"
        }

        route_action {
          url_rewrite {
            path_prefix_rewrite = "/"
          }
        }
      }
    }
  }
}

resource "google_certificate_manager_dns_authorization" "api" {
  name     = "sesame-api"
  location = var.region
  domain   = local.api_host
}

resource "google_certificate_manager_certificate" "api" {
  name     = "sesame-api"
  location = var.region

  managed {
    domains            = [local.api_host]
    dns_authorizations = [google_certificate_manager_dns_authorization.api.id]
  }
}

resource "google_compute_region_ssl_policy" "api" {
  name            = "sesame-api"
  region          = var.region
  profile         = "RESTRICTED"
  min_tls_version = "TLS_1_2"
}

resource "google_compute_region_target_https_proxy" "api" {
  name                             = "sesame-api"
  region                           = var.region
  url_map                          = google_compute_region_url_map.api.id
  certificate_manager_certificates = [google_certificate_manager_certificate.api.id]
  ssl_policy                       = google_compute_region_ssl_policy.api.id
}

resource "google_compute_address" "api" {
  name         = "sesame-api"
  region       = var.region
  address_type = "EXTERNAL"
  network_tier = "STANDARD"
}

resource "google_compute_forwarding_rule" "api" {
  name                  = "sesame-api"
  region                = var.region
  load_balancing_scheme = "EXTERNAL_MANAGED"
  port_range            = "443"
  ip_protocol           = "TCP"
  network_tier          = "STANDARD"
  network               = google_compute_network.edge.id
  ip_address            = google_compute_address.api.id
  target                = google_compute_region_target_https_proxy.api.id

  depends_on = [google_compute_subnetwork.proxy_only]
}
