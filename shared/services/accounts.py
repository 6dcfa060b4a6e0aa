"""Beneficiary accounts: sign-up, profile, consents, objections, restriction.

R1 (sign-up creates the profile), R9/R10 (consents with history), R13/R25
(accepted policy version recorded), R26 (access, rectification, restriction,
objection), R30 (the user is told when a choice limits the service).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from shared.adapters import document_store
from shared.adapters.document_store import Writes
from shared.adapters.identity import Principal, set_role
from shared.domain.policy import CURRENT_POLICY, needs_reacceptance
from shared.domain.purposes import CONSENT_PURPOSES, OBJECTABLE_PURPOSES, Purpose
from shared.errors import ApiError, FieldError
from shared.models.account import (
    BeneficiaryProfile,
    ConsentChange,
    ConsentEvent,
    ConsentEventOut,
    ConsentHistoryResponse,
    ConsentState,
    ObjectionChange,
    PolicyStatus,
    ProfilePatch,
    ProfileResponse,
    RestrictionChange,
    SignupRequest,
)

# How often reading the profile refreshes ``last_active_at`` (R19 counts
# inactivity in years; a daily resolution avoids a write per request).
ACTIVITY_RESOLUTION = timedelta(days=1)

NOTICES = {
    "alerts": "Vous ne recevrez plus d'alertes sur les nouvelles aides. / You will no longer "
    "receive alerts about new aids.",
    "simulation": "Vos simulations ne seront plus enregistrées ni suivies. / Your simulations "
    "will no longer be saved or followed.",
    "promotion": "Vous ne recevrez plus d'informations ni d'enquêtes. / You will no longer "
    "receive news or surveys.",
    "restricted": "Vos données sont conservées mais plus traitées : simulations, alertes et "
    "formulaires sont suspendus. / Your data is kept but no longer processed: simulations, "
    "alerts and forms are paused.",
}


def profile_path(uid: str) -> str:
    return f"beneficiaries/{uid}"


def _now() -> datetime:
    return datetime.now(UTC)


def _require_current_policy(version: str, field: str) -> None:
    if version != CURRENT_POLICY.version:
        raise ApiError(
            "policy_not_accepted",
            f"Policy version {version!r} is not the current one ({CURRENT_POLICY.version}).",
            [FieldError(field, "not_current", f"must be {CURRENT_POLICY.version}")],
            {"current_policy_version": CURRENT_POLICY.version},
        )


def to_response(profile: BeneficiaryProfile) -> ProfileResponse:
    notices = [NOTICES[p] for p in profile.objections if p in NOTICES]
    if profile.restricted:
        notices.append(NOTICES["restricted"])
    return ProfileResponse(
        uid=profile.uid,
        email=profile.email,
        email_verified=profile.email_verified,
        given_name=profile.given_name,
        family_name=profile.family_name,
        phone=profile.phone,
        language=profile.language,
        alerts_by_email=profile.alerts_by_email,
        policy=PolicyStatus(
            accepted_version=profile.policy_version,
            accepted_at=profile.policy_accepted_at,
            current_version=CURRENT_POLICY.version,
            current_revised_on=CURRENT_POLICY.revised_on.isoformat(),
            reacceptance_needed=needs_reacceptance(profile.policy_version),
        ),
        consents=profile.consents,
        objections=profile.objections,
        restricted=profile.restricted,
        created_at=profile.created_at,
        notices=notices,
    )


def register_beneficiary(
    principal: Principal, request: SignupRequest
) -> tuple[ProfileResponse, int]:
    """Create the profile of the caller; a retry returns the existing one (200)."""
    if principal.role != "beneficiary":
        raise ApiError("forbidden", "Only beneficiary accounts sign up here.")
    if not principal.email:
        raise ApiError(
            "validation_failed",
            "The account has no e-mail address.",
            [FieldError("token.email", "missing", "the ID token carries no e-mail")],
        )
    _require_current_policy(request.accept_policy_version, "accept_policy_version")
    if request.consents.promotion and not principal.email_verified:
        raise ApiError("email_not_verified", "Verify your e-mail before subscribing to news.")

    now = _now()
    path = profile_path(principal.uid)

    def create(writes: Writes) -> tuple[BeneficiaryProfile, bool]:
        existing = writes.get(path, BeneficiaryProfile)
        if existing is not None:
            return existing, False
        consents = {
            purpose: ConsentState(
                granted=getattr(request.consents, purpose),
                policy_version=CURRENT_POLICY.version,
                changed_at=now,
            )
            for purpose in sorted(p.value for p in CONSENT_PURPOSES)
        }
        profile = BeneficiaryProfile(
            uid=principal.uid,
            email=principal.email or "",
            email_verified=principal.email_verified,
            given_name=request.given_name,
            family_name=request.family_name,
            phone=request.phone,
            language=request.language,
            alerts_by_email=request.alerts_by_email,
            policy_version=CURRENT_POLICY.version,
            policy_accepted_at=now,
            consents=consents,
            created_at=now,
            updated_at=now,
            last_active_at=now,
        )
        writes.create(path, profile)
        for purpose, state in consents.items():
            # Deterministic ids: a retried transaction cannot record twice.
            writes.create(
                f"{path}/consent_events/signup-{purpose}",
                ConsentEvent(
                    purpose=purpose,
                    granted=state.granted,
                    policy_version=state.policy_version,
                    at=now,
                    source="signup",
                ),
            )
        return profile, True

    profile, created = document_store.run_in_transaction(create)
    set_role(principal.uid, "beneficiary")
    return to_response(profile), 201 if created else 200


def _load(principal: Principal) -> BeneficiaryProfile:
    profile = document_store.get(profile_path(principal.uid), BeneficiaryProfile)
    if profile is None:
        raise ApiError("not_registered", "No profile yet: call POST /signup first.")
    return profile


def _update(
    principal: Principal, change: Callable[[BeneficiaryProfile, Writes], BeneficiaryProfile]
) -> BeneficiaryProfile:
    """Apply ``change(profile, writes)`` in a transaction and return the result."""

    def work(writes: Writes) -> BeneficiaryProfile:
        profile = writes.get(profile_path(principal.uid), BeneficiaryProfile)
        if profile is None:
            raise ApiError("not_registered", "No profile yet: call POST /signup first.")
        updated = change(profile, writes)
        updated = _synced_with_token(updated, principal)
        updated.updated_at = _now()
        updated.last_active_at = updated.updated_at
        writes.set(profile_path(principal.uid), updated)
        return updated

    return document_store.run_in_transaction(work)


def _synced_with_token(profile: BeneficiaryProfile, principal: Principal) -> BeneficiaryProfile:
    """The ID token is authoritative for the e-mail and its verification state."""
    if principal.email and principal.email != profile.email:
        profile = profile.model_copy(update={"email": principal.email})
    if principal.email_verified != profile.email_verified:
        profile = profile.model_copy(update={"email_verified": principal.email_verified})
    return profile


def get_profile(principal: Principal) -> ProfileResponse:
    """Access (R26): the caller's own profile."""
    profile = _load(principal)
    stale = _synced_with_token(profile, principal) != profile
    if stale or _now() - profile.last_active_at > ACTIVITY_RESOLUTION:
        profile = _update(principal, lambda current, _writes: current)
    return to_response(profile)


def rectify_profile(principal: Principal, patch: ProfilePatch) -> ProfileResponse:
    """Rectification (R26): only the fields sent change; ``null`` clears an optional one."""
    if not patch.model_fields_set:
        raise ApiError("validation_failed", "Send at least one field to change.")
    changes = {name: getattr(patch, name) for name in patch.model_fields_set}

    def apply(profile: BeneficiaryProfile, _writes: Writes) -> BeneficiaryProfile:
        return profile.model_copy(update=changes)

    return to_response(_update(principal, apply))


def set_consent(principal: Principal, change: ConsentChange, purpose: str) -> ProfileResponse:
    """Grant or withdraw a consent-based purpose, keeping the history (R9, R10)."""
    if purpose not in {p.value for p in CONSENT_PURPOSES}:
        raise ApiError(
            "validation_failed",
            f"{purpose!r} does not rest on consent.",
            [FieldError("purpose", "not_consent_based", "must be one of: promotion, vault")],
        )
    _require_current_policy(change.policy_version, "policy_version")
    if purpose == Purpose.PROMOTION and change.granted and not principal.email_verified:
        raise ApiError("email_not_verified", "Verify your e-mail before subscribing to news.")
    now = _now()
    event_id = uuid.uuid4().hex

    def apply(profile: BeneficiaryProfile, writes: Writes) -> BeneficiaryProfile:
        consents = dict(profile.consents)
        consents[purpose] = ConsentState(
            granted=change.granted, policy_version=change.policy_version, changed_at=now
        )
        writes.create(
            f"{profile_path(profile.uid)}/consent_events/{event_id}",
            ConsentEvent(
                purpose=purpose,
                granted=change.granted,
                policy_version=change.policy_version,
                at=now,
                source="self_service",
            ),
        )
        return profile.model_copy(update={"consents": consents})

    return to_response(_update(principal, apply))


def consent_history(principal: Principal) -> ConsentHistoryResponse:
    _load(principal)
    events = document_store.list_collection(
        f"{profile_path(principal.uid)}/consent_events", ConsentEvent, order_by="at"
    )
    return ConsentHistoryResponse(
        events=[ConsentEventOut(**event.model_dump()) for _, event in events]
    )


def set_objection(principal: Principal, change: ObjectionChange, purpose: str) -> ProfileResponse:
    """Objection to one purpose (R26); the response tells what it limits (R30)."""
    if purpose not in {p.value for p in OBJECTABLE_PURPOSES}:
        raise ApiError(
            "validation_failed",
            f"One cannot object to {purpose!r}.",
            [
                FieldError(
                    "purpose", "not_objectable", "must be one of: alerts, promotion, simulation"
                )
            ],
        )

    def apply(profile: BeneficiaryProfile, _writes: Writes) -> BeneficiaryProfile:
        objections = set(profile.objections)
        if change.objected:
            objections.add(purpose)
        else:
            objections.discard(purpose)
        return profile.model_copy(update={"objections": sorted(objections)})

    return to_response(_update(principal, apply))


def set_restriction(principal: Principal, change: RestrictionChange) -> ProfileResponse:
    """Restriction of processing (R26): data kept, processing paused."""

    def apply(profile: BeneficiaryProfile, _writes: Writes) -> BeneficiaryProfile:
        return profile.model_copy(update={"restricted": change.restricted})

    return to_response(_update(principal, apply))
