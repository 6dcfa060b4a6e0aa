"""Caregiver mandates: grant, accept, list, revoke; and the journal a beneficiary reads (R14, R16).

A beneficiary invites a caregiver by e-mail with chosen grants and a
duration; the person who signs in with that (verified) address accepts and
becomes the mandate's aidant; from then on the aidant reaches the
beneficiary's data through ``?subject=`` on delegated endpoints, each request
checked against the mandate as stored *now* (:mod:`shared.services.access`)
and journaled. Revocation and expiry therefore stop the next request. The
beneficiary reads every access by someone else, in plain words.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.adapters import document_store, identity, mail
from shared.adapters.document_store import Writes
from shared.domain.access import Access, ActorKind
from shared.domain.data_registry import AUDIT_JOURNAL, BENEFICIARY, MANDATES
from shared.domain.mandates import (
    ACTOR_WORDS,
    MandateGrant,
    MandateStatus,
    journal_sentence,
    scopes_of,
    short_name,
    spoken_date,
)
from shared.errors import ApiError, FieldError, text
from shared.models.access import Mandate
from shared.models.account import BeneficiaryProfile
from shared.models.audit import AuditEntry
from shared.models.mandates import (
    JournalLine,
    JournalResponse,
    MandateList,
    MandateOut,
    MandateRequest,
    ReceivedMandate,
    ReceivedMandateList,
)
from shared.services.audit import pseudonym

NOT_FOUND = text("Ce mandat n'existe pas.", "No such mandate.")
NOT_REGISTERED = text(
    "Pas encore de profil : appelez d'abord POST /signup.",
    "No profile yet: call POST /signup first.",
)


def _now() -> datetime:
    return datetime.now(UTC)


def _profile(uid: str) -> BeneficiaryProfile:
    profile = document_store.get(BENEFICIARY.path(uid=uid), BeneficiaryProfile)
    if profile is None:
        raise ApiError("not_registered", NOT_REGISTERED)
    return profile


def _out(mandate_id: str, mandate: Mandate, now: datetime) -> MandateOut:
    return MandateOut(
        id=mandate_id,
        aidant_email=mandate.aidant_email,
        aidant_name=mandate.aidant_name,
        grants=[MandateGrant(g) for g in mandate.grants],
        status=mandate.status(now),
        granted_at=mandate.granted_at,
        expires_at=mandate.expires_at,
        accepted_at=mandate.accepted_at,
        revoked_at=mandate.revoked_at,
    )


def _of_beneficiary(uid: str) -> list[tuple[str, Mandate]]:
    return list(
        document_store.find_by_fields(MANDATES.collection(), Mandate, {MANDATES.locator.name: uid})
    )


def _grant_words(grants: list[str]) -> str:
    words = {
        MandateGrant.READ_ANSWERS_AND_RESULTS: "consulter ses réponses et ses résultats",
        MandateGrant.EDIT_ANSWERS: "modifier ses réponses",
        MandateGrant.READ_VAULT: "consulter son coffre-fort",
        MandateGrant.UPLOAD_TO_VAULT: "déposer des documents dans son coffre-fort",
        MandateGrant.GENERATE_FORMS: "préparer ses formulaires",
    }
    return ", ".join(words[MandateGrant(g)] for g in grants)


def _mark(mandate_id: str, change: dict[str, object]) -> Mandate:
    path = MANDATES.path(mandate_id=mandate_id)

    def work(writes: Writes) -> Mandate:
        current = writes.get(path, Mandate)
        if current is None:
            raise ApiError("not_found", NOT_FOUND)
        updated = current.model_copy(update=change)
        writes.set(path, updated)
        return updated

    return document_store.run_in_transaction(work)


def _send_invitation(mandate_id: str, mandate: Mandate, inviter: BeneficiaryProfile) -> Mandate:
    """E-mail the invitation once; a refused address cancels it (nothing can be accepted)."""
    if mandate.invitation_sent_at is not None or mandate.aidant_email is None:
        return mandate
    who = " ".join(n for n in (inviter.given_name, inviter.family_name) if n) or inviter.email
    body = (
        f"Bonjour {mandate.aidant_name},\n\n"
        f"{who} vous propose de l'aider sur Sésame : {_grant_words(mandate.grants)}, "
        f"jusqu'au {spoken_date(mandate.expires_at.date(), 'fr')}.\n"
        f"Pour accepter, connectez-vous avec cette adresse et acceptez le mandat {mandate_id}.\n\n"
        f"(English: {who} invites you to help them on Sésame; sign in with this address "
        f"and accept mandate {mandate_id}.)"
    )
    try:
        mail.send(mandate.aidant_email, "Une demande d'aide sur Sésame", body)
    except mail.MailRefused:
        _mark(mandate_id, {"revoked_at": _now()})
        raise ApiError(
            "validation_failed",
            text("Cette adresse ne peut pas recevoir d'e-mail.", "This address cannot get mail."),
            [
                FieldError(
                    "aidant_email",
                    "address_refused",
                    text(
                        "adresse refusée par la messagerie", "address refused by the mail service"
                    ),
                )
            ],
        ) from None
    return _mark(mandate_id, {"invitation_sent_at": _now()})


def grant_mandate(access: Access, request: MandateRequest) -> tuple[MandateOut, int]:
    """Invite a caregiver with ``request.grants`` for ``request.days`` (R16).

    Idempotent: the same invitation (same address and grants) still waiting
    for acceptance is returned (200) and its e-mail sent if it was not yet.
    """
    now = _now()
    profile = _profile(access.subject_uid)
    if request.aidant_email == profile.email.lower():
        raise ApiError(
            "validation_failed",
            text("Vous ne pouvez pas vous désigner vous-même.", "You cannot name yourself."),
            [
                FieldError(
                    "aidant_email",
                    "is_self",
                    text("c'est votre propre adresse", "this is your own address"),
                )
            ],
        )
    grants = sorted({grant.value for grant in request.grants})
    for mandate_id, mandate in _of_beneficiary(access.subject_uid):
        if (
            mandate.status(now) is MandateStatus.INVITED
            and mandate.aidant_email == request.aidant_email
            and mandate.grants == grants
        ):
            sent = _send_invitation(mandate_id, mandate, profile)
            return _out(mandate_id, sent, now), 200
    mandate = Mandate(
        beneficiary_uid=access.subject_uid,
        aidant_uid=None,
        scopes=scopes_of([MandateGrant(g) for g in grants]),
        grants=grants,
        granted_at=now,
        expires_at=now + timedelta(days=request.days),
        aidant_email=request.aidant_email,
        aidant_name=request.aidant_name,
    )
    mandate_id = document_store.add(MANDATES.collection(), mandate)
    sent = _send_invitation(mandate_id, mandate, profile)
    return _out(mandate_id, sent, now), 201


def list_mandates(access: Access) -> MandateList:
    """Every mandate the beneficiary gave, newest first, with its status now."""
    now = _now()
    found = sorted(_of_beneficiary(access.subject_uid), key=lambda p: p[1].granted_at, reverse=True)
    return MandateList(mandates=[_out(i, m, now) for i, m in found])


def revoke_mandate(access: Access, mandate_id: str) -> MandateOut:
    """Revoke at once: the aidant's next request is refused. Revoking twice changes nothing."""
    now = _now()
    path = MANDATES.path(mandate_id=mandate_id)

    def work(writes: Writes) -> Mandate:
        current = writes.get(path, Mandate)
        if current is None or current.beneficiary_uid != access.subject_uid:
            raise ApiError("not_found", NOT_FOUND)
        if current.revoked_at is not None:
            return current
        revoked = current.model_copy(update={"revoked_at": now})
        writes.set(path, revoked)
        return revoked

    return _out(mandate_id, document_store.run_in_transaction(work), now)


def accept_mandate(access: Access, mandate_id: str) -> ReceivedMandate:
    """The invited person accepts: their verified address must be the invited one.

    Their account becomes an aidant account (a beneficiary or staff account
    cannot also be one: roles are exclusive), and the beneficiary is told by
    e-mail that the mandate is now active.
    """
    now = _now()
    actor = access.actor
    if not actor.email_verified or not actor.email:
        raise ApiError(
            "email_not_verified",
            text(
                "Vérifiez votre adresse e-mail avant d'accepter un mandat.",
                "Verify your e-mail address before accepting a mandate.",
            ),
        )
    role = identity.current_role(access.subject_uid)
    if role not in (None, ActorKind.AIDANT.value):
        raise ApiError(
            "conflict",
            text(
                "Ce compte a déjà un autre usage : acceptez avec un compte d'aidant distinct.",
                "This account already has another use: accept with a separate caregiver account.",
            ),
        )
    path = MANDATES.path(mandate_id=mandate_id)

    def work(writes: Writes) -> Mandate:
        current = writes.get(path, Mandate)
        if current is None or current.aidant_email != actor.email.lower():  # type: ignore[union-attr]
            raise ApiError("not_found", NOT_FOUND)
        if current.aidant_uid == access.subject_uid and current.accepted_at is not None:
            return current  # a retried acceptance
        if current.status(now) is not MandateStatus.INVITED:
            raise ApiError(
                "conflict",
                text(
                    "Ce mandat a été révoqué ou a expiré.", "This mandate was revoked or expired."
                ),
            )
        accepted = current.model_copy(update={"aidant_uid": access.subject_uid, "accepted_at": now})
        writes.set(path, accepted)
        return accepted

    mandate = document_store.run_in_transaction(work)
    if role is None:
        identity.set_role(access.subject_uid, ActorKind.AIDANT.value)
    _confirm_to_beneficiary(mandate_id, mandate)
    return _received(mandate_id, mandate, now)


def _confirm_to_beneficiary(mandate_id: str, mandate: Mandate) -> None:
    """Tell the beneficiary their mandate is now active (once)."""
    if mandate.confirmation_sent_at is not None:
        return
    profile = _profile(mandate.beneficiary_uid)
    until = spoken_date(mandate.expires_at.date(), "fr")
    body = (
        f"{mandate.aidant_name} a accepté votre mandat : {_grant_words(mandate.grants)}, "
        f"jusqu'au {until}.\nVous pouvez le révoquer à tout moment dans Sésame, et voir "
        f"chaque accès dans votre journal.\n\n(English: {mandate.aidant_name} accepted your "
        "mandate; revoke it any time and see every access in your journal.)"
    )
    try:
        mail.send(profile.email, "Votre mandat d'aidant est actif", body)
    except mail.MailRefused:
        return  # the mandate stands; the beneficiary sees it in their list
    _mark(mandate_id, {"confirmation_sent_at": _now()})


def _received(mandate_id: str, mandate: Mandate, now: datetime) -> ReceivedMandate:
    return ReceivedMandate(
        id=mandate_id,
        beneficiary_uid=mandate.beneficiary_uid,
        grants=[MandateGrant(g) for g in mandate.grants],
        status=mandate.status(now),
        expires_at=mandate.expires_at,
    )


def received_mandates(access: Access) -> ReceivedMandateList:
    """The mandates this aidant accepted, with their status now."""
    now = _now()
    found = document_store.find_by_fields(
        MANDATES.collection(), Mandate, {"aidant_uid": access.subject_uid}
    )
    return ReceivedMandateList(mandates=[_received(i, m, now) for i, m in found])


def read_journal(access: Access) -> JournalResponse:
    """Every access to the beneficiary's data by someone else, newest first, in plain words.

    The journal holds keyed hashes only; the beneficiary's own mandates say
    which caregiver a hash stands for, so only they can read the name.
    """
    language = access.language
    names = {
        pseudonym(m.aidant_uid): short_name(m.aidant_name)
        for _, m in _of_beneficiary(access.subject_uid)
        if m.aidant_uid and m.aidant_name
    }
    found = document_store.find_by_fields(
        AUDIT_JOURNAL.collection(), AuditEntry, {"target_ref": pseudonym(access.subject_uid)}
    )
    lines = []
    for _, entry in sorted(found, key=lambda p: p[1].at, reverse=True):
        role_words = ACTOR_WORDS.get(entry.actor_role, ACTOR_WORDS[ActorKind.SERVICE_ACCOUNT.value])
        who = names.get(entry.actor_ref) or role_words.in_language(language)
        lines.append(
            JournalLine(
                sentence=journal_sentence(who, entry.action, entry.at, language),
                who=who,
                action=entry.action,
                reason=entry.reason,
                at=entry.at,
            )
        )
    return JournalResponse(entries=lines)
