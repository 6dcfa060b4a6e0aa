"""The production malware scanner (infra/scanner.tf): private, kept up to date, well reached.

Vault uploads are scanned by clamd before they become available (R9). In production
clamd runs on a managed instance group behind an internal TCP load balancer; these
tests read the HCL and check that nothing about it is public, that only the
functions' connector reaches it, that its signatures are kept up to date, and that
the functions which finalise uploads are told where it is.
"""

from __future__ import annotations

import re
from typing import Any

import hcl2

from shared.services.vault import SCAN_UNAVAILABLE_EVENT
from tests.infra.terraform_model import INFRA_DIR, Terraform, single

CLAMD_PORT = 3310  # clamd's registered port (shared/config.py: SESAME_CLAMD_ADDRESS)
# The functions whose finalise scans a file: the vault, the Storage-event worker, forms.
SCANNER_CLIENTS = {"vault", "vault_events", "forms"}
SCANS_WHEN = "contains(local.scanner_clients, each.key)"


def _body(terraform: Terraform, type_: str, name: str) -> dict[str, Any]:
    return terraform.resource(type_, name).body


def _value(terraform: Terraform, expression: Any) -> Any:
    """A ``${local.name}`` reference resolved to the local's value."""
    match = re.fullmatch(r"\$\{local\.(\w+)\}", expression) if isinstance(expression, str) else None
    return terraform.locals[match.group(1)] if match else expression


def test_the_scanning_functions_are_declared_ones(
    terraform: Terraform, functions: dict[str, dict[str, Any]]
) -> None:
    clients = set(re.findall(r'"(\w+)"', terraform.locals["scanner_clients"]))
    assert clients == SCANNER_CLIENTS
    assert clients <= set(functions)


def test_scanning_functions_reach_clamd_through_the_connector_and_are_told_its_address(
    terraform: Terraform,
) -> None:
    service = single(
        _body(terraform, "google_cloudfunctions2_function", "fn")["service_config"],
        "service_config",
    )

    assert service["vpc_connector"] == (
        f"${{{SCANS_WHEN} ? google_vpc_access_connector.functions.id : null}}"
    )
    # Private ranges only: the functions' calls to Google APIs do not go through the VPC.
    assert service["vpc_connector_egress_settings"] == (
        f'${{{SCANS_WHEN} ? "PRIVATE_RANGES_ONLY" : null}}'
    )
    assert (
        f"{SCANS_WHEN} ? {{SESAME_CLAMD_ADDRESS = local.clamd_address}} : {{}}"
        in service["environment_variables"]
    )
    assert terraform.locals["clamd_address"] == (
        "${google_compute_address.clamd.address}:${local.clamd_port}"
    )
    assert terraform.locals["clamd_port"] == CLAMD_PORT


def test_the_address_is_an_output(terraform: Terraform) -> None:
    with (INFRA_DIR / "outputs.tf").open(encoding="utf-8") as handle:
        parsed = hcl2.load(handle)
    outputs = {name.strip('"'): body for entry in parsed["output"] for name, body in entry.items()}

    assert outputs["clamd_address"]["value"] == "${local.clamd_address}"


def test_clamd_has_one_private_address_behind_an_internal_load_balancer(
    terraform: Terraform,
) -> None:
    address = _body(terraform, "google_compute_address", "clamd")
    rule = _body(terraform, "google_compute_forwarding_rule", "clamd")
    backend = _body(terraform, "google_compute_region_backend_service", "clamd")

    assert address["address_type"] == "INTERNAL"
    assert address["subnetwork"] == "${google_compute_subnetwork.scanner.id}"
    assert rule["load_balancing_scheme"] == "INTERNAL"
    assert rule["ip_protocol"] == "TCP"
    assert rule["ip_address"] == "${google_compute_address.clamd.address}"
    assert rule["ports"] == ["${tostring(local.clamd_port)}"]
    assert rule["backend_service"] == "${google_compute_region_backend_service.clamd.id}"
    assert backend["load_balancing_scheme"] == "INTERNAL"
    group = single(backend["backend"], "backend")["group"]
    assert group == "${google_compute_region_instance_group_manager.clamd.instance_group}"


def test_no_scanner_instance_has_a_public_address_and_all_are_hardened(
    terraform: Terraform,
) -> None:
    template = _body(terraform, "google_compute_region_instance_template", "clamd")
    interface = single(template["network_interface"], "network_interface")
    shielded = single(template["shielded_instance_config"], "shielded_instance_config")
    disk = single(template["disk"], "disk")

    assert "access_config" not in interface
    assert "ipv6_access_config" not in interface
    assert interface["subnetwork"] == "${google_compute_subnetwork.scanner.id}"
    assert template["can_ip_forward"] is False
    assert all(shielded[flag] is True for flag in shielded)
    assert template["metadata"]["block-project-ssh-keys"] == "true"
    assert template["metadata"]["serial-port-enable"] == "false"
    assert single(disk["disk_encryption_key"], "disk key")["kms_key_self_link"] == (
        '${google_kms_crypto_key.key["compute"].id}'
    )
    account = single(template["service_account"], "service_account")
    assert account["email"] == "${google_service_account.clamd.email}"


def _validation_pattern(variable: dict[str, Any]) -> re.Pattern[str]:
    """The regex of a ``can(regex("…", var.x))`` validation, as Terraform reads it."""
    (validation,) = variable["validation"]
    match = re.fullmatch(r'\$\{can\(regex\("(.*)", var\.\w+\)\)\}', validation["condition"])
    assert match, validation["condition"]
    # HCL string escapes: "\\." in the source is the regex "\.".
    return re.compile(match.group(1).replace("\\\\", "\\"))


DIGEST = "sha256:" + "0123456789abcdef" * 4


def test_the_image_is_the_clamav_projects_pinned_by_a_digest_the_operator_resolves(
    terraform: Terraform,
) -> None:
    template = _body(terraform, "google_compute_region_instance_template", "clamd")
    declaration = template["metadata"]["gce-container-declaration"]
    variable = terraform.variables["clamav_image"]
    pattern = _validation_pattern(variable)

    assert "image: ${var.clamav_image}" in declaration
    assert "clamav_image" not in terraform.locals
    # No default: the digest is read from the registry on purpose, never assumed here.
    assert "default" not in variable
    # The ClamAV project's image (it starts freshclam next to clamd), by digest only.
    for accepted in (
        f"docker.io/clamav/clamav@{DIGEST}",
        f"docker.io/clamav/clamav:1.4.3@{DIGEST}",
    ):
        assert pattern.fullmatch(accepted), accepted
    for refused in (
        "docker.io/clamav/clamav:1.4.3",  # a tag can be moved to other bytes
        "docker.io/clamav/clamav:latest",
        "docker.io/clamav/clamav@sha256:0123",
        f"docker.io/clamav/clamav@{DIGEST.upper()}",
        f"docker.io/someone/clamav@{DIGEST}",
        f"evil.example/clamav/clamav@{DIGEST}",
        f"docker.io/clamav/clamav@{DIGEST}\nimage: other",
    ):
        assert not pattern.fullmatch(refused), refused
    assert single(template["disk"], "disk")["source_image"].startswith("cos-cloud/")


def test_the_operator_example_names_the_image_variable_and_how_to_resolve_it() -> None:
    example = (INFRA_DIR / "terraform.tfvars.example").read_text(encoding="utf-8")

    assert "docker buildx imagetools inspect docker.io/clamav/clamav:" in example
    assert re.search(r"^clamav_image\s*=", example, re.MULTILINE)


def test_an_alert_tells_on_call_when_no_scanner_answers(
    terraform: Terraform, functions: dict[str, dict[str, Any]]
) -> None:
    metric = _body(terraform, "google_logging_metric", "vault_scanner_unavailable")
    policy = _body(terraform, "google_monitoring_alert_policy", "vault_scanner_unavailable")
    condition = single(single(policy["conditions"], "conditions")["condition_threshold"], "cond")
    channels = terraform.variables["scanner_alert_notification_channels"]

    # The metric counts the application's own log line (no personal data in it), from
    # the scanning functions only, in the regional log bucket.
    assert metric["filter"] == "${local.scanner_unavailable_filter}"
    log_filter = terraform.locals["scanner_unavailable_filter"]
    assert f'jsonPayload.message=\\"{SCAN_UNAVAILABLE_EVENT}\\"' in log_filter
    assert 'resource.type=\\"cloud_run_revision\\"' in log_filter
    assert "sort(tolist(local.scanner_clients))" in log_filter
    assert metric["bucket_name"] == "${google_logging_project_bucket_config.regional.id}"
    # One such line is enough: the balancer hides a single instance's outage, so the
    # functions see no scanner only when both are down.
    assert condition["filter"].startswith(
        'metric.type="logging.googleapis.com/user/'
        "${google_logging_metric.vault_scanner_unavailable.name}"
    )
    assert (condition["comparison"], condition["threshold_value"]) == ("COMPARISON_GT", 0)
    assert policy["notification_channels"] == (
        "${concat([google_monitoring_notification_channel.oncall.id], "
        "var.scanner_alert_notification_channels)}"
    )
    assert channels["default"] == []
    pattern = _validation_pattern_of_list(channels)
    assert pattern.fullmatch("projects/sesame-prod/notificationChannels/1234")
    assert not pattern.fullmatch("oncall@sesame.example.fr")
    assert "scan_pending" in single(policy["documentation"], "documentation")["content"]


def _validation_pattern_of_list(variable: dict[str, Any]) -> re.Pattern[str]:
    (validation,) = variable["validation"]
    match = re.search(r'can\(regex\("(.*)", channel\)\)', validation["condition"])
    assert match, validation["condition"]
    return re.compile(match.group(1).replace("\\\\", "\\"))


def test_only_the_connector_and_health_checkers_open_a_connection_to_clamd(
    terraform: Terraform,
) -> None:
    allow = _body(terraform, "google_compute_firewall", "clamd_from_functions")
    deny = _body(terraform, "google_compute_firewall", "private_deny_ingress")
    template = _body(terraform, "google_compute_region_instance_template", "clamd")
    connector = _body(terraform, "google_vpc_access_connector", "functions")

    assert allow["direction"] == "INGRESS"
    assert allow["source_ranges"] == (
        "${concat([local.connector_range], local.health_check_ranges)}"
    )
    assert connector["ip_cidr_range"] == "${local.connector_range}"
    assert connector["network"] == "${google_compute_network.private.name}"
    assert terraform.locals["health_check_ranges"] == ["35.191.0.0/16", "130.211.0.0/22"]
    (rule,) = allow["allow"]
    assert (rule["protocol"], rule["ports"]) == ("tcp", ["${tostring(local.clamd_port)}"])
    assert allow["target_tags"] == template["tags"] == ["clamd"]
    # Everything else is denied, after the allow rule.
    assert deny["source_ranges"] == ["0.0.0.0/0"]
    assert single(deny["deny"], "deny")["protocol"] == "all"
    assert allow["priority"] < deny["priority"]
    # The only other way out of the network is outbound NAT.
    firewalls = {
        block.name
        for block in terraform.of_type("google_compute_firewall")
        if block.body["network"] == "${google_compute_network.private.id}"
    }
    assert firewalls == {"clamd_from_functions", "private_deny_ingress"}


def test_two_instances_in_two_zones_replaced_when_clamd_stops_answering(
    terraform: Terraform,
) -> None:
    group = _body(terraform, "google_compute_region_instance_group_manager", "clamd")
    check = _body(terraform, "google_compute_region_health_check", "clamd")
    healing = single(group["auto_healing_policies"], "auto_healing_policies")
    probe = single(check["tcp_health_check"], "tcp_health_check")

    assert group["target_size"] >= 2
    assert len(set(group["distribution_policy_zones"])) >= 2
    assert all(zone.startswith("${var.region}-") for zone in group["distribution_policy_zones"])
    assert healing["health_check"] == "${google_compute_region_health_check.clamd.id}"
    # A loaded clamd answers its protocol's PING, not merely an open port.
    assert (probe["port"], probe["request"], probe["response"]) == (
        "${local.clamd_port}",
        "nPING\n",
        "PONG",
    )
    assert _value(terraform, "${local.clamd_port}") == CLAMD_PORT
