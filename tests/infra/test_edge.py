"""The API's public front (infra/edge.tf): rate limits that cannot be bypassed.

Anonymous simulation is open to anyone and costs OpenFisca CPU, so production
throttles it per client address at the load balancer (Cloud Armor), and the
browser-facing functions accept no traffic that did not come through it.
"""

from __future__ import annotations

from typing import Any

from tests.infra.terraform_model import Terraform, single

PUBLIC_FUNCTIONS = (
    '${{for name, fn in local.deployed_functions : name => fn if fn.invoker == "public"}}'
)


def _rules(terraform: Terraform) -> dict[str, dict[str, Any]]:
    return {
        block.name: block.body
        for block in terraform.of_type("google_compute_region_security_policy_rule")
    }


def test_every_public_function_sits_behind_the_rate_limiting_policy(terraform: Terraform) -> None:
    group = terraform.resource("google_compute_region_network_endpoint_group", "fn").body
    backend = terraform.resource("google_compute_region_backend_service", "fn").body

    assert group["for_each"] == PUBLIC_FUNCTIONS
    assert group["network_endpoint_type"] == "SERVERLESS"
    assert backend["for_each"] == PUBLIC_FUNCTIONS
    assert backend["load_balancing_scheme"] == "EXTERNAL_MANAGED"
    assert backend["security_policy"] == "${google_compute_region_security_policy.api.self_link}"


def test_anonymous_simulations_are_throttled_per_client_address(terraform: Terraform) -> None:
    rule = _rules(terraform)["anonymous_simulation"]
    expression = single(single(rule["match"], "match")["expr"], "expr")["expression"]
    options = single(rule["rate_limit_options"], "rate_limit_options")
    threshold = single(options["rate_limit_threshold"], "rate_limit_threshold")
    limits = terraform.locals["rate_limits"]

    assert rule["action"] == "throttle"
    assert "request.path.startsWith('/simulate')" in expression
    assert "!has(request.headers['authorization'])" in expression
    assert options["enforce_on_key"] == "IP"
    assert options["exceed_action"] == "deny(429)"
    assert threshold["count"] == "${local.rate_limits.anonymous_simulation}"
    assert threshold["interval_sec"] == 60
    assert 0 < limits["anonymous_simulation"] < limits["any_request"]


def test_demo_requests_are_throttled_per_client_address_per_hour(terraform: Terraform) -> None:
    from shared.domain.support import DEMO_REQUESTS_PER_WINDOW, DEMO_WINDOW_SECONDS

    rule = _rules(terraform)["demo_requests"]
    expression = single(single(rule["match"], "match")["expr"], "expr")["expression"]
    options = single(rule["rate_limit_options"], "rate_limit_options")
    threshold = single(options["rate_limit_threshold"], "rate_limit_threshold")

    assert rule["action"] == "throttle"
    assert "request.path.startsWith('/support/demo-requests')" in expression
    assert options["enforce_on_key"] == "IP"
    assert options["exceed_action"] == "deny(429)"
    assert threshold["count"] == "${local.demo_requests_per_hour}"
    assert threshold["interval_sec"] == DEMO_WINDOW_SECONDS
    # The edge lets through what the function allows, so a person gets its French answer.
    assert terraform.locals["demo_requests_per_hour"] >= DEMO_REQUESTS_PER_WINDOW
    assert rule["priority"] < _rules(terraform)["any_request"]["priority"]


def test_the_anonymous_rule_is_evaluated_before_the_general_one(terraform: Terraform) -> None:
    rules = _rules(terraform)

    assert rules["anonymous_simulation"]["priority"] < rules["any_request"]["priority"]
    every = single(rules["any_request"]["match"], "match")
    assert single(every["config"], "config")["src_ip_ranges"] == ["*"]
    assert single(rules["any_request"]["rate_limit_options"], "options")["exceed_action"] == (
        "deny(429)"
    )


def test_the_load_balancer_cannot_be_bypassed(terraform: Terraform) -> None:
    fn = terraform.resource("google_cloudfunctions2_function", "fn").body
    ingress = single(fn["service_config"], "service_config")["ingress_settings"]

    assert "ALLOW_ALL" not in ingress
    assert '"public" ? "ALLOW_INTERNAL_AND_GCLB"' in ingress


def test_each_function_is_served_under_its_own_prefix_like_the_local_gateway(
    terraform: Terraform,
) -> None:
    url_map = terraform.resource("google_compute_region_url_map", "api").body
    matcher = single(url_map["path_matcher"], "path_matcher")
    routes = single(matcher["dynamic"], "dynamic")["route_rules"]

    assert routes["for_each"].startswith(
        "${{for index, name in sort(keys(google_compute_region_backend_service.fn))"
    )
    content = single(routes["content"], "content")
    templates = [single([rule], "rule") for rule in content["match_rules"]]
    assert {"path_template_match": "/${route_rules.key}/{rest=**}"} in templates
    assert {"full_path_match": "/${route_rules.key}"} in templates
    rewrite = single(single(content["route_action"], "route_action")["url_rewrite"], "rewrite")
    assert rewrite["path_prefix_rewrite"] == "/"


def test_tls_ends_in_the_region_with_tls_1_2_at_least(terraform: Terraform) -> None:
    proxy = terraform.resource("google_compute_region_target_https_proxy", "api").body
    policy = terraform.resource("google_compute_region_ssl_policy", "api").body
    forwarding = terraform.resource("google_compute_forwarding_rule", "api").body

    assert proxy["ssl_policy"] == "${google_compute_region_ssl_policy.api.id}"
    assert policy["min_tls_version"] == "TLS_1_2"
    assert forwarding["port_range"] == "443"
    assert forwarding["load_balancing_scheme"] == "EXTERNAL_MANAGED"
