"""The access object's rules, and services that act on the subject, not on the caller's uid."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from shared.api.endpoints import ROUTES
from shared.api.openapi import build_document
from shared.domain.access import (
    DELEGATION_CHECKS,
    TOKEN_ROLES,
    Access,
    Actor,
    ActorKind,
    Scope,
    mandate_grants,
)

ROOT = Path(__file__).resolve().parents[2]
# The modules whose job is the actor itself: opening accesses and journaling them.
ACTOR_MODULES = {"access.py", "audit.py"}


def test_no_service_reads_the_callers_uid():
    """Use cases work on ``access.subject_uid``; only the access checks and the journal
    read the actor's uid."""
    offenders = []
    for source in sorted((ROOT / "shared" / "services").glob("*.py")):
        if source.name in ACTOR_MODULES:
            continue
        for node in ast.walk(ast.parse(source.read_text())):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "uid"
                and isinstance(node.value, ast.Attribute)
                and node.value.attr == "actor"
            ):
                offenders.append(f"{source.name}:{node.lineno}")
            if isinstance(node, ast.Name) and node.id == "principal":
                offenders.append(f"{source.name}:{node.lineno} (principal)")
    assert offenders == []


def test_a_beneficiary_acts_for_nobody_else_and_every_other_kind_has_a_check():
    assert ActorKind.BENEFICIARY not in DELEGATION_CHECKS
    assert set(DELEGATION_CHECKS) == set(ActorKind) - {ActorKind.BENEFICIARY}


def test_no_token_can_claim_to_be_a_service_account():
    assert ActorKind.SERVICE_ACCOUNT.value not in TOKEN_ROLES


@pytest.mark.parametrize(
    "scopes, scope, revoked, granted",
    [
        (["profile:read"], Scope.PROFILE_READ, False, True),
        (["profile:read"], Scope.PROFILE_READ, True, False),
        (["consents:read"], Scope.PROFILE_READ, False, False),
        ([], Scope.PROFILE_READ, False, False),
    ],
)
def test_a_mandate_grants_its_scopes_until_revoked(scopes, scope, revoked, granted):
    assert mandate_grants(scopes, scope, revoked) is granted


def test_an_access_is_on_behalf_exactly_when_actor_and_subject_differ():
    actor = Actor("a1", ActorKind.STAFF)
    assert Access(actor, "b1", Scope.PROFILE_READ, "support").on_behalf
    assert not Access(actor, "a1", Scope.PROFILE_READ, "support").on_behalf


@pytest.mark.parametrize("route", [r for r in ROUTES if r.delegates], ids=lambda r: r.operation_id)
def test_routes_open_to_delegates_document_the_subject_parameter(route):
    operation = build_document()["paths"][route.public_path][route.method.lower()]
    subject = [p for p in operation["parameters"] if p["name"] == "subject"]
    assert subject and subject[0]["in"] == "query"
    assert ActorKind.BENEFICIARY not in route.delegates
    assert route.delegates <= route.roles


@pytest.mark.parametrize(
    "route", [r for r in ROUTES if ActorKind.AIDANT in r.delegates], ids=lambda r: r.operation_id
)
def test_a_beneficiary_reads_in_plain_words_what_their_aidant_did(route):
    from datetime import UTC, datetime

    from shared.domain.mandates import SOME_ACCESS, journal_sentence

    at = datetime(2026, 3, 3, tzinfo=UTC)
    vague = {language: SOME_ACCESS.in_language(language) for language in ("fr", "en")}

    for language in ("fr", "en"):
        sentence = journal_sentence("Marie D.", route.operation_id, at, language)
        assert vague[language] not in sentence
        assert sentence.startswith("Marie D. ") and "2026" in sentence
