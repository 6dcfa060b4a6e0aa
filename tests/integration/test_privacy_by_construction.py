"""Privacy by construction, checked on a real flow against the emulators.

- every document written lives at a registered location (export, erasure and
  retention read the same registry);
- log lines carry none of the personal data that went through the API;
- the audit journal stores keyed hashes, never a uid in clear (R14).
"""

from __future__ import annotations

import io

from shared.adapters import document_store
from shared.domain.access import Access, Actor, ActorKind, Scope
from shared.domain.data_registry import location_of
from shared.domain.policy import CURRENT_POLICY
from shared.models.audit import AuditEntry
from shared.services import audit
from shared.structured_log import set_stream
from tests.support import emulators


def full_account_flow(function_client, person):
    function_client("signup").post(
        "/",
        json={
            "accept_policy_version": CURRENT_POLICY.version,
            "given_name": "Zoé",
            "family_name": "Quatremare",
            "phone": "06 11 22 33 44",
            "consents": {"vault": True},
        },
        headers=person.headers,
    )
    profile = function_client("profile")
    profile.patch("/", json={"family_name": "Quintal"}, headers=person.headers)
    profile.put(
        "/consents/promotion",
        json={"granted": True, "policy_version": CURRENT_POLICY.version},
        headers=person.headers,
    )
    profile.put("/objections/alerts", json={"objected": True}, headers=person.headers)
    profile.get("/consents", headers=person.headers)
    return profile.get("/", headers=person.headers).get_json()


def test_every_written_document_is_at_a_registered_location(function_client, user):
    full_account_flow(function_client, user)
    staff = Actor("agent-1", ActorKind.STAFF, None, True)
    audit.record(Access(staff, user.uid, Scope.PROFILE_READ, "support"), "read_profile")

    paths = emulators.all_document_paths()
    assert len(paths) >= 5
    for path in paths:
        location_of(path)  # raises UnregisteredLocation


def test_every_document_of_a_person_is_found_from_the_registry_alone(function_client, user):
    """Export and erasure will walk ``personal_data_of``: nothing written may escape it."""
    from shared.domain.data_registry import StoreKind, personal_data_of

    full_account_flow(function_client, user)
    places = personal_data_of(user.uid, uid_ref=audit.pseudonym(user.uid), email=user.email)
    roots = [p.path for p in places if p.location.store is StoreKind.FIRESTORE and p.path]

    mine = [path for path in emulators.all_document_paths() if user.uid in path]
    assert len(mine) >= 4  # the profile and its consent events
    for path in mine:
        assert any(path == root or path.startswith(root + "/") for root in roots), path


def test_logs_carry_no_personal_data(function_client, user):
    buffer = io.StringIO()
    set_stream(buffer)
    try:
        profile = full_account_flow(function_client, user)
    finally:
        set_stream(None)
    logs = buffer.getvalue()
    assert profile["family_name"] == "Quintal"
    assert logs.count('"message": "request"') >= 5
    for secret in (user.email, user.uid, "Zoé", "Quatremare", "Quintal", "06 11 22 33 44"):
        assert secret not in logs


def test_audit_journal_holds_keyed_hashes_only():
    agent = Actor(
        uid="agent-uid-123",
        kind=ActorKind.STAFF,
        email="agent@sesame.example",
        email_verified=True,
    )
    access = Access(agent, "beneficiary-uid-456", Scope.PROFILE_READ, "support")
    entry_id = audit.record(access, "read_profile")

    entry = document_store.get(f"audit_journal/{entry_id}", AuditEntry)
    assert entry is not None
    assert entry.actor_role == "staff" and entry.action == "read_profile"
    assert entry.actor_ref == audit.pseudonym("agent-uid-123")
    assert "agent-uid-123" not in entry.model_dump_json()
    assert "beneficiary-uid-456" not in entry.model_dump_json()


def test_audit_service_only_ever_appends():
    """The journal module's only store operation is ``add`` (new id, create-only)."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(audit))
    store_calls = {
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "document_store"
    }
    assert store_calls == {"add"}


def test_no_response_sets_a_cookie(function_client, user):
    """R24: the API authenticates with bearer tokens and sets no cookie at all."""
    responses = [
        function_client("signup").post(
            "/", json={"accept_policy_version": CURRENT_POLICY.version}, headers=user.headers
        ),
        function_client("profile").get("/", headers=user.headers),
        function_client("profile").patch("/", json={"language": "en"}, headers=user.headers),
        function_client("profile").get("/nothing", headers=user.headers),
    ]
    assert [r.status_code for r in responses] == [201, 200, 200, 404]
    assert not [r for r in responses if "Set-Cookie" in r.headers]
