"""The Terraform in infra/ keeps the privacy policy's hosting and access promises.

R17: hosted in europe-west3, encrypted at rest with our keys. R18: least privilege.
R19-R23: storage lifecycles follow the retention table.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from infra import package_functions
from tests.infra.terraform_model import (
    INFRA_DIR,
    REPO_ROOT,
    Block,
    Terraform,
    single,
    walk,
    walk_attributes,
)

REGION = "europe-west3"
# How a located resource may name its location: the region variable (whose only
# allowed value is europe-west3) or the literal.
REGION_EXPRESSIONS = {"${var.region}", "${upper(var.region)}", REGION, REGION.upper()}
# The EU multi-region is allowed only for the resource types listed here. The policy
# (§4.2) names Frankfurt, so none is listed today.
EU_MULTI_REGION_ALLOWED: frozenset[str] = frozenset()
EU_MULTI_REGION = {"EU", "eu", "eur3", "europe"}

# Resource type -> the attribute that places it. A located type left out of here
# would default to the provider region or, for buckets, to the US.
LOCATION_ATTRIBUTE = {
    "google_artifact_registry_repository": "location",
    "google_artifact_registry_repository_iam_member": "location",
    "google_cloud_run_v2_service_iam_member": "location",
    "google_cloud_scheduler_job": "region",
    "google_cloud_tasks_queue": "location",
    "google_cloud_tasks_queue_iam_member": "location",
    "google_certificate_manager_certificate": "location",
    "google_certificate_manager_dns_authorization": "location",
    "google_compute_address": "region",
    "google_compute_forwarding_rule": "region",
    "google_compute_region_backend_service": "region",
    "google_compute_region_network_endpoint_group": "region",
    "google_compute_region_security_policy": "region",
    "google_compute_region_security_policy_rule": "region",
    "google_compute_region_ssl_policy": "region",
    "google_compute_region_target_https_proxy": "region",
    "google_compute_region_url_map": "region",
    "google_compute_region_health_check": "region",
    "google_compute_region_instance_group_manager": "region",
    "google_compute_region_instance_template": "region",
    "google_compute_router": "region",
    "google_compute_router_nat": "region",
    "google_compute_subnetwork": "region",
    "google_vpc_access_connector": "region",
    "google_cloudfunctions2_function": "location",
    "google_firestore_database": "location_id",
    "google_kms_key_ring": "location",
    "google_logging_project_bucket_config": "location",
    "google_storage_bucket": "location",
}
# Types that hold no data of their own in a location: identities, grants, API
# switches, rules, routes and alert definitions; keys live in their key ring,
# objects in their bucket, secrets are checked by their replication (below).
NOT_LOCATED = {
    "google_compute_firewall",  # a rule of a network, no data
    "google_compute_network",  # VPC networks are global objects; their subnets are located
    "google_firebase_project",
    "google_firebaserules_release",
    "google_firebaserules_ruleset",
    "google_firestore_index",  # part of the (default) database, located with it
    "google_firestore_field",  # a field index of that database, located with it
    "google_identity_platform_config",  # global service: README, known limits (R17)
    "google_kms_crypto_key",
    "google_kms_crypto_key_iam_member",
    "google_logging_metric",
    "google_logging_project_exclusion",
    "google_logging_project_sink",
    "google_monitoring_alert_policy",
    "google_monitoring_notification_channel",
    "google_project_iam_audit_config",
    "google_project_iam_custom_role",  # a set of permissions, no data
    "google_project_iam_member",
    "google_project_service",
    "google_project_service_identity",
    "google_secret_manager_secret",
    "google_secret_manager_secret_iam_member",
    "google_service_account",
    "google_service_account_iam_member",
    "google_storage_bucket_iam_member",
    "google_storage_bucket_object",
}

# Functions that browsers call directly; each authenticates its caller itself.
PUBLIC_BY_DESIGN = {"signup", "profile", "simulate", "forms", "vault", "privacy", "sso"}
# Caregivers (R16) and client organisations (R3): browsers call them with ID tokens.
PUBLIC_BY_DESIGN |= {"mandates", "organisations"}
# Smart alerts: staff start runs and campaigns with ID tokens; anyone unsubscribes with a
# signed link (no sign-in, RFC 8058); SendGrid posts its signed events (R5, R10, R26).
PUBLIC_BY_DESIGN |= {"alerts"}
# Support messaging (R8) and anonymous demo requests (R4).
PUBLIC_BY_DESIGN.add("support")
# Functions only Cloud Tasks, Cloud Scheduler or Eventarc may call.
INTERNAL_BY_DESIGN = {
    "alerts_dispatch",
    "alerts_worker",
    "erasure_worker",
    "retention_sweep",
    "rules_check",
    "notices_worker",
    "vault_events",
}

FUNCTION_ATTRIBUTES = {
    "description",
    "invoker",
    "schedule",
    "event",
    "min_instances",
    "max_instances",
    "memory",
    "cpu",
    "timeout",
    "project_roles",
    "bucket_roles",
    "secrets",
    "enqueues",
    "signs_blobs",
    "clears_tasks",
}
# Project-wide grants are allowed only where the API has nothing finer (R18).
PROJECT_ROLES_ALLOWED = {
    "roles/datastore.user",  # Firestore IAM is project-wide
    "roles/firebaseauth.admin",  # Auth users are project-wide (erasure deletes them)
    "roles/logging.logWriter",  # build logs, and the malware scanner's instance logs
    "roles/eventarc.eventReceiver",  # events-invoker receives Eventarc events
    "roles/pubsub.publisher",  # the Cloud Storage agent publishes object events
    "roles/monitoring.metricWriter",  # the malware scanner's instances report their metrics
}
BUCKET_ROLES_ALLOWED = {
    "roles/storage.objectUser",
    "roles/storage.objectViewer",
    "roles/storage.objectCreator",
}
BASIC_ROLE = re.compile(r"roles/(owner|editor|viewer)\b")
PUBLIC_MEMBERS = {"allUsers", "allAuthenticatedUsers"}
NINETY_DAYS = 90 * 24 * 3600


# A function is deployed once its code exists: the same test as the packager's
# (infra/package_functions.py discover_functions), written as Terraform sees it.
DEPLOYED_FUNCTIONS = (
    "${{for name, fn in local.functions : name => fn"
    ' if fileexists("${path.module}/../functions/${name}/main.py")}}'
)
DEPLOYED_QUEUES = (
    "${{for name, queue in local.queues : name => queue"
    " if contains(keys(local.deployed_functions), queue.target)}}"
)
# The only places the raw map of declared functions may be read: the filter above,
# and the name map (names, no resource).
READS_ALL_FUNCTIONS = {"deployed_functions", "function_service_names"}
# for_each of the resources that are not per function (plus literal toset([...])).
NOT_PER_FUNCTION_FOR_EACH = {
    "${local.apis}",
    "${local.kms_keys}",
    "${local.secret_env_names}",
    "${local.deployed_queues}",  # one per deployed worker: checked on its own
    "${local.firestore_indexes}",  # the composite indexes of firestore.indexes.json
    "${local.firestore_field_overrides}",  # its collection-group field indexes
}
# References to one function's resource (only per-function resources hold them).
PER_FUNCTION_REFERENCE = re.compile(
    r"google_service_account\.fn\[|google_cloudfunctions2_function\.fn\["
    r"|google_storage_bucket_object\.source\[|local\.function_service_names\[each"
)
# The same, with a literal key: a reference to one named function or queue, which
# breaks the plan as long as that function is only planned.
LITERAL_KEY_REFERENCE = re.compile(
    r"(google_service_account\.fn|google_cloudfunctions2_function\.fn"
    r"|google_storage_bucket_object\.source|local\.function_urls"
    r"|google_cloud_tasks_queue\.queue|local\.deployed_functions|local\.deployed_queues"
    r"|local\.functions)\[\s*\""
)
# Locals that fan the deployed functions out into one entry per grant.
FUNCTION_GRANT_LOCALS = {
    "function_project_roles": "project_roles",
    "function_bucket_roles": "bucket_roles",
    "function_secrets": "secrets",
    "function_enqueues": "enqueues",
}
# Grants to every deployed queue, for the functions whose flag is set.
FUNCTION_FLAG_LOCALS = {"function_task_clearing": "clears_tasks"}


def _function_folders(root: Path = REPO_ROOT) -> set[str]:
    functions_dir = root / "functions"
    if not functions_dir.is_dir():
        return set()
    return {
        child.name
        for child in functions_dir.iterdir()
        if child.is_dir() and not child.name.startswith(("_", "."))
    }


def _undeclared_function_folders(root: Path, declared: set[str]) -> set[str]:
    return _function_folders(root) - declared


def _fileexists(path: str) -> bool:
    """Terraform's fileexists(): a file (a directory is an error, here False)."""
    return Path(path).is_file()


def _functions_where(condition: str) -> str:
    """The for_each expression that selects the deployed functions meeting ``condition``."""
    return "${{for name, fn in local.deployed_functions : name => fn if " + condition + "}}"


def _iterates_deployed_functions(terraform: Terraform, expression: Any) -> bool:
    """Whether a for_each yields only deployed functions (or grants of them)."""
    if not isinstance(expression, str):
        return False
    if expression == "${local.deployed_functions}":
        return True
    if re.fullmatch(
        r"\$\{\{for name, fn in local\.deployed_functions : name => fn if [^{}]+\}\}", expression
    ):
        return True
    if expression == "${toset([for pair in values(local.function_enqueues) : pair.function])}":
        return _iterates_deployed_functions(terraform, "${local.function_enqueues}")
    # The functions of several grant locals, joined (e.g. enqueuers and the task clearer).
    joined = re.fullmatch(r"\$\{toset\(concat\((.+)\)\)\}", expression)
    if joined:
        parts = re.findall(r"\[for pair in values\(local\.(\w+)\) : pair\.function\]", joined[1])
        whole = ", ".join(f"[for pair in values(local.{part}) : pair.function]" for part in parts)
        return (
            bool(parts)
            and joined[1] == whole  # nothing else joined in
            and all(_iterates_deployed_functions(terraform, f"${{local.{p}}}") for p in parts)
        )
    match = re.fullmatch(r"\$\{local\.(\w+)\}", expression)
    if match and match.group(1) in FUNCTION_GRANT_LOCALS | FUNCTION_FLAG_LOCALS:
        value = terraform.locals[match.group(1)]
        return isinstance(value, str) and value.startswith(
            "${{for pair in flatten([for name, fn in local.deployed_functions : [for "
        )
    return False


def _is_zone_of_the_region(value: Any) -> bool:
    return isinstance(value, str) and bool(
        re.fullmatch(rf"({re.escape(REGION)}|\$\{{var\.region\}})-[a-z]", value)
    )


def _resolve_local(terraform: Terraform, value: Any) -> Any:
    match = re.fullmatch(r"\$\{local\.(\w+)\}", value) if isinstance(value, str) else None
    return terraform.locals[match.group(1)] if match else value


def _seconds(duration: str) -> int:
    match = re.fullmatch(r"(\d+)s", duration)
    assert match, f"duration {duration!r} is not in seconds"
    return int(match.group(1))


def _mebibytes(memory: str) -> float:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(Mi|M|Gi|G)", memory)
    assert match, f"memory {memory!r} is not in M, Mi, G or Gi"
    amount, unit = float(match.group(1)), match.group(2)
    return amount * {"Mi": 1, "M": 1e6 / 2**20, "Gi": 1024, "G": 1e9 / 2**20}[unit]


def _delete_rules(bucket: Block) -> list[dict[str, Any]]:
    """Conditions of the bucket's lifecycle rules whose action is Delete."""
    conditions = []
    for rule in bucket.body.get("lifecycle_rule", []):
        if single(rule["action"], f"{bucket.address} action")["type"] == "Delete":
            conditions.append(single(rule["condition"], f"{bucket.address} condition"))
    return conditions


def _versioning_enabled(bucket: Block) -> bool:
    blocks = bucket.body.get("versioning", [])
    return bool(blocks) and single(blocks, f"{bucket.address} versioning")["enabled"] is True


# --- R17: location ------------------------------------------------------------------


def test_region_variable_only_accepts_europe_west3(terraform: Terraform) -> None:
    region = terraform.variables["region"]
    assert region["default"] == REGION
    condition = single(region["validation"], "region validation")["condition"]
    assert condition == f'${{var.region == "{REGION}"}}'


def test_providers_default_to_the_region(terraform: Terraform) -> None:
    for provider in terraform.providers:
        for name, body in provider.items():
            assert body.get("region") in REGION_EXPRESSIONS, f"provider {name} region"


def test_every_resource_type_is_classified_as_located_or_not(terraform: Terraform) -> None:
    unknown = (
        {block.type for block in terraform.resources} - LOCATION_ATTRIBUTE.keys() - NOT_LOCATED
    )
    assert not unknown, (
        f"new resource types {sorted(unknown)}: add each to LOCATION_ATTRIBUTE (and place "
        "it in europe-west3) or to NOT_LOCATED with the reason it holds no located data"
    )


def test_every_located_resource_is_in_europe_west3(terraform: Terraform) -> None:
    misplaced = []
    for block in terraform.resources:
        attribute = LOCATION_ATTRIBUTE.get(block.type)
        if attribute is None:
            continue
        value = block.body.get(attribute)
        allowed = REGION_EXPRESSIONS | (
            EU_MULTI_REGION if block.type in EU_MULTI_REGION_ALLOWED else set()
        )
        if value not in allowed:
            misplaced.append(f"{block.address}.{attribute} = {value!r}")
    assert not misplaced, "R17: not in europe-west3: " + ", ".join(misplaced)


def test_no_location_anywhere_points_outside_the_region(terraform: Terraform) -> None:
    # Catches nested placements too (secret replicas, data sources, dynamic blocks).
    misplaced = [
        f"{block.address}.{path} = {value!r}"
        for block in terraform.blocks()
        for path, name, value in walk_attributes(block.body)
        if (name in {"location", "region", "location_id"} and value not in REGION_EXPRESSIONS)
        or (name == "zone" and not _is_zone_of_the_region(value))
    ]
    assert not misplaced, "R17: " + ", ".join(misplaced)


def test_secrets_are_replicated_only_in_the_region_with_cmek(terraform: Terraform) -> None:
    secrets = terraform.of_type("google_secret_manager_secret")
    assert secrets
    for secret in secrets:
        replication = single(secret.body["replication"], f"{secret.address} replication")
        assert "auto" not in replication, f"{secret.address}: automatic replication leaves the EU"
        user_managed = single(replication["user_managed"], f"{secret.address} user_managed")
        replicas = user_managed["replicas"]
        assert replicas
        for replica in replicas:
            assert replica["location"] in REGION_EXPRESSIONS
            cmek = single(replica["customer_managed_encryption"], f"{secret.address} cmek")
            assert cmek["kms_key_name"].startswith("${google_kms_crypto_key.")


def test_logs_are_routed_to_a_regional_bucket_and_kept_out_of_the_global_one(
    terraform: Terraform,
) -> None:
    bucket = terraform.resource("google_logging_project_bucket_config", "regional")
    assert bucket.body["location"] in REGION_EXPRESSIONS
    assert 0 < bucket.body["retention_days"] <= 30  # R23
    sink = terraform.resource("google_logging_project_sink", "regional")
    assert "google_logging_project_bucket_config.regional.id" in sink.body["destination"]
    exclusion = terraform.resource("google_logging_project_exclusion", "default_bucket")
    assert exclusion.body["filter"] == sink.body["filter"]


# --- R17: encryption at rest ------------------------------------------------------------


def test_every_bucket_has_cmek_uniform_access_and_public_access_prevention(
    terraform: Terraform,
) -> None:
    buckets = terraform.of_type("google_storage_bucket")
    assert {bucket.name for bucket in buckets} >= {"vault", "exports", "sources"}
    for bucket in buckets:
        encryption = single(bucket.body.get("encryption"), f"{bucket.address} encryption")
        assert re.fullmatch(
            r"\$\{google_kms_crypto_key\.\w+(\[\"\w+\"\])?\.id\}",
            encryption["default_kms_key_name"],
        ), f"{bucket.address}: no CMEK"
        assert bucket.body.get("public_access_prevention") == "enforced", bucket.address
        assert bucket.body.get("uniform_bucket_level_access") is True, bucket.address


def test_other_data_stores_use_cmek(terraform: Terraform) -> None:
    firestore = terraform.resource("google_firestore_database", "main")
    cmek = single(firestore.body["cmek_config"], "firestore cmek_config")
    assert cmek["kms_key_name"].startswith("${google_kms_crypto_key.")
    repository = terraform.resource("google_artifact_registry_repository", "functions")
    assert repository.body["kms_key_name"].startswith("${google_kms_crypto_key.")
    logs = terraform.resource("google_logging_project_bucket_config", "regional")
    assert single(logs.body["cmek_settings"], "log cmek")["kms_key_name"].startswith(
        "${google_kms_crypto_key."
    )


def test_kms_keys_rotate_at_most_every_90_days_and_cannot_be_destroyed(
    terraform: Terraform,
) -> None:
    keys = terraform.of_type("google_kms_crypto_key")
    assert keys
    for key in keys:
        rotation = _resolve_local(terraform, key.body.get("rotation_period"))
        assert isinstance(rotation, str), f"{key.address}: no rotation_period"
        assert 0 < _seconds(rotation) <= NINETY_DAYS, f"{key.address}: rotation {rotation}"
        lifecycle = single(key.body.get("lifecycle"), f"{key.address} lifecycle")
        assert lifecycle.get("prevent_destroy") is True
        assert key.body["key_ring"].startswith("${google_kms_key_ring.")


# --- R19-R23: retention ----------------------------------------------------------------


def test_exports_are_deleted_after_7_days_and_leave_no_copy(terraform: Terraform) -> None:
    exports = terraform.resource("google_storage_bucket", "exports")
    ages = [rule["age"] for rule in _delete_rules(exports) if "age" in rule]
    assert ages and max(ages) <= 7, "R23: exports must be deleted after at most 7 days"
    assert not _versioning_enabled(exports), "a noncurrent version would outlive the 7 days"
    soft_delete = single(exports.body.get("soft_delete_policy"), "exports soft delete")
    assert soft_delete["retention_duration_seconds"] == 0


def test_vault_deletions_really_erase(terraform: Terraform) -> None:
    vault = terraform.resource("google_storage_bucket", "vault")
    if _versioning_enabled(vault):
        noncurrent = [
            rule["days_since_noncurrent_time"]
            for rule in _delete_rules(vault)
            if "days_since_noncurrent_time" in rule
        ]
        assert noncurrent and max(noncurrent) <= 30, "R21/R22: noncurrent versions kept > 30 d"
    soft_delete = single(vault.body.get("soft_delete_policy"), "vault soft delete")
    assert soft_delete["retention_duration_seconds"] == 0, "R21/R22: soft delete keeps copies"


def test_function_sources_are_cleaned_up_after_90_days(terraform: Terraform) -> None:
    sources = terraform.resource("google_storage_bucket", "sources")
    ages = [rule["age"] for rule in _delete_rules(sources) if "age" in rule]
    assert ages and max(ages) <= 90
    if _versioning_enabled(sources):
        assert any("days_since_noncurrent_time" in rule for rule in _delete_rules(sources))


def test_firestore_is_native_without_point_in_time_recovery(terraform: Terraform) -> None:
    database = terraform.resource("google_firestore_database", "main")
    assert database.body["type"] == "FIRESTORE_NATIVE"
    assert database.body["name"] == "(default)"
    # R21/R22: PITR would keep erased documents readable for 7 days.
    assert database.body["point_in_time_recovery_enablement"] == "POINT_IN_TIME_RECOVERY_DISABLED"


def test_the_repository_firestore_rules_are_deployed(terraform: Terraform) -> None:
    ruleset = terraform.resource("google_firebaserules_ruleset", "firestore")
    files = single(single(ruleset.body["source"], "ruleset source")["files"], "ruleset files")
    assert files["content"] == "${file(local.firestore_rules_path)}"
    assert terraform.locals["firestore_rules_path"] == "${path.module}/../firestore.rules"
    assert (REPO_ROOT / "firestore.rules").is_file()
    release = terraform.resource("google_firebaserules_release", "firestore")
    assert release.body["name"] == "cloud.firestore"
    assert "google_firebaserules_ruleset.firestore.name" in release.body["ruleset_name"]


# --- the functions ----------------------------------------------------------------------


def test_every_function_folder_has_a_terraform_definition(
    functions: dict[str, dict[str, Any]],
) -> None:
    # Since only declared functions are deployed, an undeclared folder would otherwise
    # be packaged and silently never deployed.
    missing = _undeclared_function_folders(REPO_ROOT, set(functions))
    assert not missing, (
        f"functions/{', functions/'.join(sorted(missing))} has no entry in local.functions "
        "(infra/functions.tf): declare its invoker, roles and secrets there"
    )


def test_an_undeclared_function_folder_is_caught(
    tmp_path: Path, functions: dict[str, dict[str, Any]]
) -> None:
    declared = set(functions)
    for name in ("signup", "erasure_worker", "newcomer"):
        (tmp_path / "functions" / name).mkdir(parents=True)
        (tmp_path / "functions" / name / "main.py").write_text("")
    (tmp_path / "functions" / "__pycache__").mkdir()
    assert _undeclared_function_folders(tmp_path, declared) == {"newcomer"}
    # A folder is caught as soon as it exists, before it even has a main.py.
    (tmp_path / "functions" / "draft").mkdir()
    assert _undeclared_function_folders(tmp_path, declared) == {"newcomer", "draft"}


# --- planned functions are declared, only those with code are deployed -------------------


def test_deployed_functions_are_the_declared_ones_whose_main_py_exists(
    terraform: Terraform, functions: dict[str, dict[str, Any]]
) -> None:
    expression = terraform.locals.get("deployed_functions")
    assert expression == DEPLOYED_FUNCTIONS, (
        "local.deployed_functions must be exactly the fileexists filter of local.functions"
    )
    # Evaluate the filter as Terraform would, path.module being infra/.
    template = re.search(r'fileexists\("([^"]+)"\)', expression)
    assert template is not None
    by_terraform = {
        name
        for name in functions
        if _fileexists(
            template.group(1).replace("${path.module}", str(INFRA_DIR)).replace("${name}", name)
        )
    }
    functions_dir = REPO_ROOT / "functions"
    expected = {name for name in functions if (functions_dir / name / "main.py").is_file()}
    assert by_terraform == expected
    assert expected, "no function would be deployed"
    # Terraform needs build/<name>.zip for exactly the functions the packager builds.
    packaged = set(package_functions.discover_functions(REPO_ROOT))
    assert packaged == expected, (
        f"packaged but not deployed: {sorted(packaged - expected)}; "
        f"deployed but not packaged: {sorted(expected - packaged)}"
    )


def test_only_the_filter_and_the_name_map_read_every_declared_function(
    terraform: Terraform,
) -> None:
    readers = sorted(
        name
        for name, value in terraform.locals.items()
        for _, leaf in walk(value)
        if isinstance(leaf, str) and re.search(r"local\.functions\b", leaf)
    )
    assert set(readers) == READS_ALL_FUNCTIONS, (
        f"locals reading local.functions: {readers}; iterate over local.deployed_functions"
    )
    direct = [
        f"{block.address}.{path}"
        for block in terraform.blocks()
        for path, leaf in walk(block.body)
        if isinstance(leaf, str) and re.search(r"local\.functions\b", leaf)
    ]
    assert not direct, f"resources reading local.functions: {direct}"


def test_every_per_function_resource_iterates_over_deployed_functions(
    terraform: Terraform,
) -> None:
    for_each = {
        block.address: block.body["for_each"]
        for block in terraform.blocks()
        if "for_each" in block.body
    }
    # Whatever does not iterate over a known non-function map is per function.
    per_function = {
        address: expression
        for address, expression in for_each.items()
        if not (
            expression in NOT_PER_FUNCTION_FOR_EACH
            or re.fullmatch(r'\$\{toset\(\["[^"\]]+"(, "[^"\]]+")*\]\)\}', expression)
        )
    }
    # Pinned, so that a new kind of per-function resource is looked at in review.
    assert set(per_function) == {
        "google_service_account.fn",
        "google_project_iam_member.fn",
        "google_storage_bucket_iam_member.fn",
        "google_secret_manager_secret_iam_member.fn",
        "google_cloud_tasks_queue_iam_member.fn",
        "google_cloud_tasks_queue_iam_member.fn_clears_tasks",
        "google_service_account_iam_member.fn_acts_as_tasks_invoker",
        "google_service_account_iam_member.fn_signs_as_itself",
        "google_storage_bucket_object.source",
        "google_cloudfunctions2_function.fn",
        "google_cloud_run_v2_service_iam_member.public_invoker",
        "google_cloud_run_v2_service_iam_member.internal_invoker",
        "google_cloud_scheduler_job.job",
        "google_compute_region_network_endpoint_group.fn",
        "google_compute_region_backend_service.fn",
    }, "per-function resources changed: review the new one, then list it here"
    not_filtered = {
        address: expression
        for address, expression in per_function.items()
        if not _iterates_deployed_functions(terraform, expression)
    }
    assert not not_filtered, f"iterate over local.deployed_functions: {not_filtered}"
    # A block that points at a function's resource is itself one of the above.
    stray = sorted(
        f"{block.address}.{path}"
        for block in terraform.blocks()
        if block.address not in per_function
        for path, leaf in walk(block.body)
        if isinstance(leaf, str)
        and PER_FUNCTION_REFERENCE.search(leaf)
        and not path.startswith("depends_on")
    )
    assert not stray, f"per-function references outside per-function resources: {stray}"
    for name, attribute in FUNCTION_GRANT_LOCALS.items():
        assert _iterates_deployed_functions(terraform, f"${{local.{name}}}"), name
        assert f"in fn.{attribute} :" in terraform.locals[name], name
    for name, flag in FUNCTION_FLAG_LOCALS.items():
        assert _iterates_deployed_functions(terraform, f"${{local.{name}}}"), name
        assert f"if fn.{flag}" in terraform.locals[name], name
    # A function may enqueue only into a queue that exists (its worker is deployed).
    enqueues = terraform.locals["function_enqueues"]
    assert "if contains(keys(local.deployed_queues), queue)" in enqueues
    queue = terraform.resource("google_cloud_tasks_queue", "queue").body
    assert queue["for_each"] == "${local.deployed_queues}"
    assert terraform.locals["deployed_queues"] == DEPLOYED_QUEUES


def test_nothing_refers_to_one_function_or_queue_by_name(terraform: Terraform) -> None:
    # A literal key (fn["erasure_worker"], queue["erasure"], function_urls["..."]) is
    # a reference that fails the plan as long as that function is only planned.
    found = [
        f"{where}.{path} = {leaf}"
        for where, body in [
            *((block.address, block.body) for block in terraform.blocks()),
            *((f"local.{name}", value) for name, value in terraform.locals.items()),
        ]
        for path, leaf in walk(body)
        if isinstance(leaf, str) and LITERAL_KEY_REFERENCE.search(leaf)
    ]
    assert not found, "refer through each.key or a filtered map: " + ", ".join(found)


def test_workers_are_announced_only_once_deployed(terraform: Terraform) -> None:
    assert terraform.locals["function_urls"].startswith(
        "${{for name, _ in local.deployed_functions : name => "
    )
    assert terraform.locals["queue_environment"] == (
        "${merge({}, [for name, queue in local.deployed_queues : "
        "{(queue.queue_env) = google_cloud_tasks_queue.queue[name].id, "
        "(queue.worker_url_env) = local.function_urls[queue.target]}] ...)}"
    )
    environment = terraform.locals["function_environment"]
    assert environment.startswith("${merge(local.queue_environment, {")
    # Queue ids and worker URLs come only from queue_environment.
    assert "google_cloud_tasks_queue" not in environment
    assert "function_urls" not in environment
    names = {
        (queue["queue_env"], queue["worker_url_env"])
        for queue in terraform.locals["queues"].values()
    }
    assert names == {
        ("SESAME_ERASURE_QUEUE", "SESAME_ERASURE_WORKER_URL"),
        ("SESAME_ALERTS_QUEUE", "SESAME_ALERTS_WORKER_URL"),
        ("SESAME_NOTICES_QUEUE", "SESAME_NOTICES_WORKER_URL"),
        ("SESAME_EXPORTS_QUEUE", "SESAME_EXPORTS_WORKER_URL"),
    }
    fn = terraform.resource("google_cloudfunctions2_function", "fn").body
    service = single(fn["service_config"], "service_config")
    # The scanning functions also get clamd's address (tests/infra/test_scanner.py).
    assert service["environment_variables"] == (
        "${merge(local.function_environment, {SESAME_FUNCTION = each.key}, "
        "contains(local.scanner_clients, each.key) ? "
        "{SESAME_CLAMD_ADDRESS = local.clamd_address} : {})}"
    )


def test_every_function_entry_is_complete(functions: dict[str, dict[str, Any]]) -> None:
    for name, fn in functions.items():
        assert set(fn) == FUNCTION_ATTRIBUTES, (
            f"{name}: attributes {sorted(set(fn) ^ FUNCTION_ATTRIBUTES)}"
        )
        assert re.fullmatch(r"[a-z][a-z0-9_]*", name), f"{name}: not a Python identifier"
        service = name.replace("_", "-")
        assert 6 <= len(f"fn-{service}") <= 30, f"{name}: service account id length"
        assert fn["invoker"] in {"public", "tasks", "scheduler", "events"}, name
        assert (fn["schedule"] is not None) == (fn["invoker"] == "scheduler"), name
        assert (fn["event"] is not None) == (fn["invoker"] == "events"), name
        assert 0 <= fn["min_instances"] <= fn["max_instances"], name
        assert 0 < fn["timeout"] <= 3600, name
        _mebibytes(fn["memory"])


def test_functions_are_gen2_python312_built_from_the_map(terraform: Terraform) -> None:
    assert not terraform.of_type("google_cloudfunctions_function"), "1st gen is not used"
    deployed = terraform.of_type("google_cloudfunctions2_function")
    assert [block.name for block in deployed] == ["fn"], "declare functions in local.functions"
    fn = deployed[0].body
    assert fn["for_each"] == "${local.deployed_functions}"
    assert fn["location"] in REGION_EXPRESSIONS
    build = single(fn["build_config"], "build_config")
    assert build["runtime"] == "python312"
    assert build["entry_point"] == "${each.key}"
    assert build["service_account"] == "${google_service_account.builder.id}"
    storage = single(single(build["source"], "source")["storage_source"], "storage_source")
    assert storage["object"] == "${google_storage_bucket_object.source[each.key].name}"


def test_function_sources_are_the_packaged_archives_named_by_hash(terraform: Terraform) -> None:
    source = terraform.resource("google_storage_bucket_object", "source")
    archive = "${path.module}/build/${each.key}.zip"
    assert source.body["for_each"] == "${local.deployed_functions}"
    assert source.body["source"] == archive
    assert source.body["name"] == f'${{each.key}}/${{filesha256("{archive}")}}.zip'


def test_each_function_runs_as_its_own_service_account(terraform: Terraform) -> None:
    identities = terraform.resource("google_service_account", "fn")
    assert identities.body["for_each"] == "${local.deployed_functions}"
    assert "each.key" in identities.body["account_id"]
    service = single(
        terraform.resource("google_cloudfunctions2_function", "fn").body["service_config"],
        "service_config",
    )
    assert service["service_account_email"] == "${google_service_account.fn[each.key].email}"
    # A function identity appears only as the grantee of a grant, as the function's
    # own runtime identity, or as the resource of its self-signing grant: nothing else
    # (a job, a task, another function) may run as it.
    allowed = {
        ("google_cloudfunctions2_function.fn", "service_config[0].service_account_email"),
        ("google_service_account_iam_member.fn_signs_as_itself", "service_account_id"),
    }
    for block in terraform.resources:
        for path, value in walk(block.body):
            if not (isinstance(value, str) and "google_service_account.fn[" in value):
                continue
            grantee = block.type.endswith("_iam_member") and path == "member"
            assert grantee or (block.address, path) in allowed, (
                f"{block.address}.{path} uses a function identity"
            )
    signs = terraform.resource("google_service_account_iam_member", "fn_signs_as_itself").body
    assert signs["service_account_id"] == "${google_service_account.fn[each.key].name}"
    assert signs["member"] == "${google_service_account.fn[each.key].member}"


def test_simulation_is_kept_warm_with_room_for_openfisca(
    functions: dict[str, dict[str, Any]],
) -> None:
    simulate = functions["simulate"]
    assert simulate["min_instances"] >= 1
    assert _mebibytes(simulate["memory"]) >= 1024


# --- R18: who may call what -----------------------------------------------------------


def test_only_the_public_functions_can_be_invoked_by_anyone(
    terraform: Terraform, functions: dict[str, dict[str, Any]]
) -> None:
    public = {name for name, fn in functions.items() if fn["invoker"] == "public"}
    assert public <= PUBLIC_BY_DESIGN, f"public by accident: {sorted(public - PUBLIC_BY_DESIGN)}"
    assert not public & INTERNAL_BY_DESIGN
    granted_to_everyone = {
        block.address
        for block in terraform.blocks()
        for _, value in walk(block.body)
        if isinstance(value, str) and any(member in value for member in PUBLIC_MEMBERS)
    }
    assert granted_to_everyone == {"google_cloud_run_v2_service_iam_member.public_invoker"}
    grant = terraform.resource("google_cloud_run_v2_service_iam_member", "public_invoker").body
    assert grant["for_each"] == _functions_where('fn.invoker == "public"')
    assert grant["role"] == "roles/run.invoker"
    assert grant["member"] == "allUsers"


def test_internal_functions_accept_only_internal_traffic_from_their_invoker(
    terraform: Terraform, functions: dict[str, dict[str, Any]]
) -> None:
    for name in INTERNAL_BY_DESIGN & functions.keys():
        assert functions[name]["invoker"] in {"tasks", "scheduler", "events"}, name
    fn = terraform.resource("google_cloudfunctions2_function", "fn").body
    service = single(fn["service_config"], "service_config")
    assert service["ingress_settings"] == (
        '${each.value.invoker == "public" ? "ALLOW_INTERNAL_AND_GCLB" : "ALLOW_INTERNAL_ONLY"}'
    )
    grant = terraform.resource("google_cloud_run_v2_service_iam_member", "internal_invoker").body
    assert grant["for_each"] == _functions_where('fn.invoker != "public"')
    assert grant["member"] == "${local.invoker_members[each.value.invoker]}"
    assert terraform.locals["invoker_members"] == {
        "tasks": "${google_service_account.tasks_invoker.member}",
        "scheduler": "${google_service_account.scheduler_invoker.member}",
        "events": "${google_service_account.events_invoker.member}",
    }


def test_no_basic_roles_anywhere(terraform: Terraform) -> None:
    found = [
        f"{where}.{path} = {value}"
        for where, body in [
            *((block.address, block.body) for block in terraform.blocks()),
            ("locals", terraform.locals),
        ]
        for path, value in walk(body)
        if isinstance(value, str) and BASIC_ROLE.search(value)
    ]
    assert not found, "R18: basic roles: " + ", ".join(found)


def test_no_authoritative_iam(terraform: Terraform) -> None:
    # *_iam_binding / *_iam_policy would silently remove grants made outside Terraform
    # or, worse, be widened by one edit; only additive members are used.
    authoritative = [
        block.address
        for block in terraform.resources
        if re.search(r"_iam_(binding|policy)$", block.type)
    ]
    assert not authoritative


def test_project_wide_grants_are_only_those_without_a_finer_resource(
    terraform: Terraform, functions: dict[str, dict[str, Any]]
) -> None:
    for block in terraform.of_type("google_project_iam_member"):
        role = block.body["role"]
        if role == "${each.value.role}":
            assert block.body["for_each"] == "${local.function_project_roles}", block.address
        else:
            assert role in PROJECT_ROLES_ALLOWED, f"{block.address}: {role} project-wide"
    for name, fn in functions.items():
        extra = set(fn["project_roles"]) - PROJECT_ROLES_ALLOWED
        assert not extra, f"{name}: project-wide {sorted(extra)}; bind it on the resource"


def test_function_grants_name_declared_resources(
    terraform: Terraform, functions: dict[str, dict[str, Any]]
) -> None:
    buckets = terraform.locals["buckets"].keys()
    secrets = terraform.locals["secret_env_names"].keys()
    queues = terraform.locals["queues"].keys()
    for name, fn in functions.items():
        for grant in fn["bucket_roles"]:
            assert grant["bucket"] in buckets, f"{name}: unknown bucket {grant['bucket']}"
            assert grant["role"] in BUCKET_ROLES_ALLOWED, f"{name}: {grant['role']}"
        assert set(fn["secrets"]) <= secrets, f"{name}: unknown secret"
        assert set(fn["enqueues"]) <= queues, f"{name}: unknown queue"
    # Secrets reach a function only through its own list.
    fn_block = terraform.resource("google_cloudfunctions2_function", "fn").body
    service = single(fn_block["service_config"], "service_config")
    dynamic = single(service["dynamic"], "dynamic")["secret_environment_variables"]
    assert dynamic["for_each"] == "${toset(each.value.secrets)}"
    assert "secret_environment_variables" not in service


def test_the_vault_and_exports_are_reachable_only_by_the_functions_that_need_them(
    functions: dict[str, dict[str, Any]],
) -> None:
    holders = {
        bucket: {
            name
            for name, fn in functions.items()
            for g in fn["bucket_roles"]
            if g["bucket"] == bucket
        }
        for bucket in ("vault", "exports")
    }
    # forms keeps each generated form in the person's vault (R7, R9); export_worker reads
    # the vault (objectViewer) to copy its files into the export (R27).
    assert holders["vault"] == {"vault", "forms", "erasure_worker", "vault_events", "export_worker"}
    assert holders["exports"] == {"privacy", "erasure_worker", "export_worker"}


# --- tasks and scheduler ---------------------------------------------------------------


def test_scheduler_jobs_call_their_function_with_oidc(
    terraform: Terraform, functions: dict[str, dict[str, Any]]
) -> None:
    job = terraform.resource("google_cloud_scheduler_job", "job").body
    assert job["for_each"] == _functions_where('fn.invoker == "scheduler"')
    assert job["schedule"] == "${each.value.schedule}"
    target = single(job["http_target"], "http_target")
    assert target["uri"] == "${google_cloudfunctions2_function.fn[each.key].service_config[0].uri}"
    oidc = single(target["oidc_token"], "oidc_token")
    assert oidc["service_account_email"] == "${google_service_account.scheduler_invoker.email}"
    assert oidc["audience"] == target["uri"]
    scheduled = {name for name, fn in functions.items() if fn["invoker"] == "scheduler"}
    assert {"alerts_dispatch", "retention_sweep"} <= scheduled
    for name in scheduled:
        assert len(functions[name]["schedule"].split()) == 5, f"{name}: cron needs 5 fields"


def test_task_queues_have_retry_and_rate_limits_and_one_target_each(
    terraform: Terraform, functions: dict[str, dict[str, Any]]
) -> None:
    queues = terraform.locals["queues"]
    targets = [queue["target"] for queue in queues.values()]
    task_functions = {name for name, fn in functions.items() if fn["invoker"] == "tasks"}
    assert sorted(targets) == sorted(task_functions), "one queue per task-invoked function"
    for name, queue in queues.items():
        assert queue["max_dispatches_per_second"] > 0, name
        assert queue["max_concurrent_dispatches"] > 0, name
        assert queue["max_attempts"] == -1 or queue["max_attempts"] > 1, name
        assert 0 < _seconds(queue["min_backoff"]) <= _seconds(queue["max_backoff"]), name
        assert _seconds(queue["max_retry_duration"]) > 0, name
    block = terraform.resource("google_cloud_tasks_queue", "queue").body
    assert block["for_each"] == "${local.deployed_queues}"
    assert terraform.locals["deployed_queues"] == DEPLOYED_QUEUES
    rate = single(block["rate_limits"], "rate_limits")
    retry = single(block["retry_config"], "retry_config")
    assert rate["max_dispatches_per_second"] == "${each.value.max_dispatches_per_second}"
    assert retry["max_attempts"] == "${each.value.max_attempts}"
    assert retry["min_backoff"] == "${each.value.min_backoff}"


def test_erasures_are_retried_long_enough_to_finish(terraform: Terraform) -> None:
    erasure = terraform.locals["queues"]["erasure"]
    assert erasure["target"] == "erasure_worker"
    assert erasure["max_attempts"] == -1  # R22/R30: keep trying until the retry window ends
    assert _seconds(erasure["max_retry_duration"]) >= 24 * 3600


def test_erasure_may_list_and_delete_the_tasks_of_every_deployed_queue(
    terraform: Terraform, functions: dict[str, dict[str, Any]]
) -> None:
    # R21, R22: pending tasks naming the person are found (payloads need the FULL view),
    # deleted, and a batch naming others too queued again without them, on every queue;
    # only the erasure worker may do so.
    clearers = {name for name, fn in functions.items() if fn["clears_tasks"]}
    assert clearers == {"erasure_worker"}
    role = terraform.resource("google_project_iam_custom_role", "task_clearer").body
    assert set(role["permissions"]) == {
        "cloudtasks.tasks.list",
        "cloudtasks.tasks.fullView",
        "cloudtasks.tasks.delete",
        "cloudtasks.tasks.create",
    }
    grant = terraform.resource("google_cloud_tasks_queue_iam_member", "fn_clears_tasks").body
    assert grant["for_each"] == "${local.function_task_clearing}"
    assert grant["role"] == "${google_project_iam_custom_role.task_clearer.id}"
    assert grant["name"] == "${google_cloud_tasks_queue.queue[each.value.queue].name}"
    assert (
        "for queue in keys(local.deployed_queues) :" in terraform.locals["function_task_clearing"]
    )


def test_only_enqueuers_may_act_as_the_tasks_invoker(
    terraform: Terraform, functions: dict[str, dict[str, Any]]
) -> None:
    acts_as = terraform.resource(
        "google_service_account_iam_member", "fn_acts_as_tasks_invoker"
    ).body
    for_each = acts_as["for_each"]
    assert "[for pair in values(local.function_enqueues) : pair.function]" in for_each
    # The task clearer re-creates batches that carry the invoker's token.
    assert "[for pair in values(local.function_task_clearing) : pair.function]" in for_each
    assert for_each.count("for pair in") == 2
    assert acts_as["service_account_id"] == "${google_service_account.tasks_invoker.name}"
    enqueuers = {name for name, fn in functions.items() if fn["enqueues"]}
    # alerts: a run or a campaign started by staff fans out like the daily dispatch.
    assert enqueuers <= {"privacy", "retention_sweep", "alerts_dispatch", "alerts"}


# --- alerting and versions ----------------------------------------------------------------


def test_error_rate_alert_is_built_on_a_log_based_metric(terraform: Terraform) -> None:
    metric = terraform.resource("google_logging_metric", "function_errors").body
    errors_filter = _resolve_local(terraform, metric["filter"])
    assert "severity>=ERROR" in errors_filter
    assert "cloud_run_revision" in errors_filter
    assert "local.function_service_names" in errors_filter
    policy = terraform.resource("google_monitoring_alert_policy", "function_error_rate").body
    condition = single(
        single(policy["conditions"], "conditions")["condition_threshold"], "threshold"
    )
    assert "google_logging_metric.function_errors.name" in condition["filter"]
    assert policy["notification_channels"]


def test_terraform_and_providers_are_pinned(terraform: Terraform) -> None:
    settings = single(terraform.settings, "terraform block")
    assert settings.get("required_version")
    providers = single(settings["required_providers"], "required_providers")
    versions = {name: providers[name]["version"] for name in ("google", "google-beta")}
    for name, version in versions.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} {version!r} is not an exact pin"
    assert versions["google"] == versions["google-beta"]
    assert "gcs" in single(settings["backend"], "backend"), "remote state in GCS"


@pytest.mark.parametrize("name", sorted(PUBLIC_BY_DESIGN | INTERNAL_BY_DESIGN))
def test_every_planned_function_is_declared(
    name: str, functions: dict[str, dict[str, Any]]
) -> None:
    assert name in functions
