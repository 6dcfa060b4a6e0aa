"""Beneficiary accounts: sign-up, profile, consents, objections, restriction.

R1 (sign-up creates the profile), R9/R10 (consents with history), R13/R25
(accepted policy version recorded), R26 (access, rectification, restriction,
objection), R30 (the user is told when a choice limits the service).

Every use case takes an :class:`~shared.domain.access.Access`: the subject's
data is read and written, whoever the actor is (reading is open to those the
dispatcher let act for the subject; changes are the beneficiary's own).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from shared.adapters import document_store
from shared.adapters.document_store import Writes
from shared.adapters.identity import set_role
from shared.domain.access import Access, ActorKind
from shared.domain.data_registry import BENEFICIARY, CONSENT_EVENTS
from shared.domain.policy import CURRENT_POLICY, needs_reacceptance
from shared.domain.purposes import CONSENT_PURPOSES, OBJECTABLE_PURPOSES, Purpose
from shared.domain.strict import DEFAULT_LANGUAGE, BilingualText, Language
from shared.errors import ApiError, FieldError, text
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

# What a choice limits, told to the user (R30).
NOTICES: dict[str, BilingualText] = {
    "alerts": text(
        "Vous ne recevrez plus d'alertes sur les nouvelles aides.",
        "You will no longer receive alerts about new aids.",
    ),
    "simulation": text(
        "Vos simulations ne seront plus enregistrées ni suivies.",
        "Your simulations will no longer be saved or followed.",
    ),
    "promotion": text(
        "Vous ne recevrez plus d'informations ni d'enquêtes.",
        "You will no longer receive news or surveys.",
    ),
    "restricted": text(
        "Vos données sont conservées mais plus traitées : simulations, alertes et "
        "formulaires sont suspendus.",
        "Your data is kept but no longer processed: simulations, alerts and forms are paused.",
    ),
}

NOT_REGISTERED = text(
    "Pas encore de profil : appelez d'abord POST /signup.",
    "No profile yet: call POST /signup first.",
)


def _now() -> datetime:
    return datetime.now(UTC)


def _require_current_policy(version: str, field: str) -> None:
    if version != CURRENT_POLICY.version:
        current = CURRENT_POLICY.version
        raise ApiError(
            "policy_not_accepted",
            text(
                f"La version {version!r} de la politique n'est pas celle en vigueur ({current}).",
                f"Policy version {version!r} is not the current one ({current}).",
            ),
            [
                FieldError(
                    field, "not_current", text(f"doit valoir {current}", f"must be {current}")
                )
            ],
            {"current_policy_version": current},
        )


def _email_not_verified() -> ApiError:
    return ApiError(
        "email_not_verified",
        text(
            "Vérifiez votre adresse e-mail avant de vous abonner aux informations.",
            "Verify your e-mail before subscribing to news.",
        ),
    )


def to_response(
    profile: BeneficiaryProfile, language: Language = DEFAULT_LANGUAGE
) -> ProfileResponse:
    notices = [NOTICES[p].in_language(language) for p in profile.objections if p in NOTICES]
    if profile.restricted:
        notices.append(NOTICES["restricted"].in_language(language))
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


def register_beneficiary(access: Access, request: SignupRequest) -> tuple[ProfileResponse, int]:
    """Create the profile of the caller; a retry returns the existing one (200)."""
    actor = access.actor
    if actor.kind is not ActorKind.BENEFICIARY or access.on_behalf:
        raise ApiError(
            "forbidden",
            text(
                "Seuls les comptes bénéficiaires s'inscrivent ici.",
                "Only beneficiary accounts sign up here.",
            ),
        )
    if not actor.email:
        raise ApiError(
            "validation_failed",
            text("Le compte n'a pas d'adresse e-mail.", "The account has no e-mail address."),
            [
                FieldError(
                    "token.email",
                    "missing",
                    text(
                        "le jeton d'identification ne porte pas d'e-mail",
                        "the ID token carries no e-mail",
                    ),
                )
            ],
        )
    _require_current_policy(request.accept_policy_version, "accept_policy_version")
    if request.consents.promotion and not actor.email_verified:
        raise _email_not_verified()

    now = _now()
    path = BENEFICIARY.path(uid=access.subject_uid)

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
            uid=access.subject_uid,
            email=actor.email or "",
            email_verified=actor.email_verified,
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
                CONSENT_EVENTS.path(uid=access.subject_uid, event_id=f"signup-{purpose}"),
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
    set_role(access.subject_uid, ActorKind.BENEFICIARY.value)
    return to_response(profile, access.language), 201 if created else 200


def load_profile(access: Access) -> BeneficiaryProfile:
    """The subject's profile, or ``not_registered``."""
    profile = document_store.get(BENEFICIARY.path(uid=access.subject_uid), BeneficiaryProfile)
    if profile is None:
        raise ApiError("not_registered", NOT_REGISTERED)
    return profile


def _update(
    access: Access, change: Callable[[BeneficiaryProfile, Writes], BeneficiaryProfile]
) -> BeneficiaryProfile:
    """Apply ``change(profile, writes)`` in a transaction and return the result."""
    path = BENEFICIARY.path(uid=access.subject_uid)

    def work(writes: Writes) -> BeneficiaryProfile:
        profile = writes.get(path, BeneficiaryProfile)
        if profile is None:
            raise ApiError("not_registered", NOT_REGISTERED)
        updated = change(profile, writes)
        updated = _synced_with_token(updated, access)
        updated.updated_at = _now()
        updated.last_active_at = updated.updated_at
        writes.set(path, updated)
        return updated

    return document_store.run_in_transaction(work)


def _synced_with_token(profile: BeneficiaryProfile, access: Access) -> BeneficiaryProfile:
    """The subject's own ID token is authoritative for the e-mail and its verification state.

    Someone acting for the subject carries their own token: it says nothing
    of the subject's e-mail.
    """
    if access.on_behalf:
        return profile
    actor = access.actor
    if actor.email and actor.email != profile.email:
        profile = profile.model_copy(update={"email": actor.email})
    if actor.email_verified != profile.email_verified:
        profile = profile.model_copy(update={"email_verified": actor.email_verified})
    return profile


def get_profile(access: Access) -> ProfileResponse:
    """Access (R26): the subject's profile; the beneficiary's own use counts as activity (R19)."""
    profile = load_profile(access)
    if not access.on_behalf:
        stale = _synced_with_token(profile, access) != profile
        if stale or _now() - profile.last_active_at > ACTIVITY_RESOLUTION:
            profile = _update(access, lambda current, _writes: current)
    return to_response(profile, access.language)


def rectify_profile(access: Access, patch: ProfilePatch) -> ProfileResponse:
    """Rectification (R26): only the fields sent change; ``null`` clears an optional one."""
    if not patch.model_fields_set:
        raise ApiError(
            "validation_failed",
            text("Envoyez au moins un champ à modifier.", "Send at least one field to change."),
        )
    changes = {name: getattr(patch, name) for name in patch.model_fields_set}

    def apply(profile: BeneficiaryProfile, _writes: Writes) -> BeneficiaryProfile:
        return profile.model_copy(update=changes)

    return to_response(_update(access, apply), access.language)


def set_consent(access: Access, change: ConsentChange, purpose: str) -> ProfileResponse:
    """Grant or withdraw a consent-based purpose, keeping the history (R9, R10).

    Withdrawing the vault consent empties the vault (R9), so it is done only by
    ``POST /vault/consent-withdrawal`` with an explicit confirmation, never here.
    """
    if purpose == Purpose.VAULT and not change.granted:
        raise ApiError(
            "vault_withdrawal_needs_confirmation",
            text(
                "Ce retrait supprimerait tous les documents de votre coffre-fort : faites-le "
                "depuis le coffre-fort, qui vous demande de le confirmer.",
                "This withdrawal would delete every document of your vault: do it from the "
                "vault, which asks you to confirm it.",
            ),
        )
    return record_consent(access, change, purpose)


def record_consent(access: Access, change: ConsentChange, purpose: str) -> ProfileResponse:
    """Record a consent grant or withdrawal and its history event (R9, R10)."""
    if purpose not in {p.value for p in CONSENT_PURPOSES}:
        raise ApiError(
            "validation_failed",
            text(
                f"{purpose!r} ne repose pas sur le consentement.",
                f"{purpose!r} does not rest on consent.",
            ),
            [
                FieldError(
                    "purpose",
                    "not_consent_based",
                    text("doit valoir : promotion, vault", "must be one of: promotion, vault"),
                )
            ],
        )
    _require_current_policy(change.policy_version, "policy_version")
    if purpose == Purpose.PROMOTION and change.granted and not access.actor.email_verified:
        raise _email_not_verified()
    now = _now()
    event_id = uuid.uuid4().hex

    def apply(profile: BeneficiaryProfile, writes: Writes) -> BeneficiaryProfile:
        consents = dict(profile.consents)
        consents[purpose] = ConsentState(
            granted=change.granted, policy_version=change.policy_version, changed_at=now
        )
        writes.create(
            CONSENT_EVENTS.path(uid=profile.uid, event_id=event_id),
            ConsentEvent(
                purpose=purpose,
                granted=change.granted,
                policy_version=change.policy_version,
                at=now,
                source="self_service",
            ),
        )
        return profile.model_copy(update={"consents": consents})

    return to_response(_update(access, apply), access.language)


def consent_history(access: Access) -> ConsentHistoryResponse:
    """The subject's consent grants and withdrawals, oldest first (R9, R10)."""
    load_profile(access)
    events = document_store.list_collection(
        CONSENT_EVENTS.collection(uid=access.subject_uid), ConsentEvent, order_by="at"
    )
    return ConsentHistoryResponse(
        events=[ConsentEventOut(**event.model_dump()) for _, event in events]
    )


def set_objection(access: Access, change: ObjectionChange, purpose: str) -> ProfileResponse:
    """Objection to one purpose (R26); the response tells what it limits (R30)."""
    if purpose not in {p.value for p in OBJECTABLE_PURPOSES}:
        raise ApiError(
            "validation_failed",
            text(f"On ne peut pas s'opposer à {purpose!r}.", f"One cannot object to {purpose!r}."),
            [
                FieldError(
                    "purpose",
                    "not_objectable",
                    text(
                        "doit valoir : alerts, promotion, simulation",
                        "must be one of: alerts, promotion, simulation",
                    ),
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

    return to_response(_update(access, apply), access.language)


def set_restriction(access: Access, change: RestrictionChange) -> ProfileResponse:
    """Restriction of processing (R26): data kept, processing paused."""

    def apply(profile: BeneficiaryProfile, _writes: Writes) -> BeneficiaryProfile:
        return profile.model_copy(update={"restricted": change.restricted})

    return to_response(_update(access, apply), access.language)
