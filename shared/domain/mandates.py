"""Caregiver mandates as rules: what a beneficiary can grant, for how long (R14, R16).

A beneficiary grants a caregiver (aidant) a mandate made of *grants* they
understand ("read my answers and results", "upload to my vault"…); each
grant opens a fixed set of access scopes (:class:`~shared.domain.access.Scope`)
which the server checks on every request of the aidant. A mandate works only
once the aidant has accepted it, until it expires (1 day to 1 year) or the
beneficiary revokes it — whichever comes first, checked on the next request.

The journal a beneficiary reads ("who did what") is told in plain words from
the journal's action names, here too. Pure: no storage, no clock reading.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from shared.domain.access import ActorKind, Scope
from shared.domain.strict import BilingualText, Language

MIN_DAYS = 1
MAX_DAYS = 365
"""A mandate lasts from one day to one year; the beneficiary renews it if still needed."""


class MandateGrant(StrEnum):
    """What a beneficiary may grant a caregiver, in words they choose from."""

    READ_ANSWERS_AND_RESULTS = "read_answers_and_results"
    EDIT_ANSWERS = "edit_answers"
    READ_VAULT = "read_vault"
    UPLOAD_TO_VAULT = "upload_to_vault"
    GENERATE_FORMS = "generate_forms"


GRANT_SCOPES: dict[MandateGrant, frozenset[Scope]] = {
    MandateGrant.READ_ANSWERS_AND_RESULTS: frozenset(
        {Scope.PROFILE_READ, Scope.CONSENTS_READ, Scope.SIMULATIONS_READ}
    ),
    MandateGrant.EDIT_ANSWERS: frozenset({Scope.SIMULATION, Scope.OUTCOMES_WRITE}),
    MandateGrant.READ_VAULT: frozenset({Scope.VAULT_READ}),
    MandateGrant.UPLOAD_TO_VAULT: frozenset({Scope.VAULT_WRITE}),
    MandateGrant.GENERATE_FORMS: frozenset({Scope.FORMS}),
}
"""The access scopes each grant opens; a scope no grant lists is never open to an aidant."""


def scopes_of(grants: list[MandateGrant]) -> list[str]:
    """The access scopes a mandate with ``grants`` opens, sorted (what the server checks)."""
    return sorted({scope.value for grant in grants for scope in GRANT_SCOPES[grant]})


class MandateStatus(StrEnum):
    INVITED = "invited"  # waiting for the aidant to accept
    ACTIVE = "active"
    REVOKED = "revoked"
    EXPIRED = "expired"


def mandate_status(
    *,
    accepted_at: datetime | None,
    revoked_at: datetime | None,
    expires_at: datetime,
    now: datetime,
) -> MandateStatus:
    """Where a mandate stands at ``now``: revocation and expiry win over acceptance."""
    if revoked_at is not None:
        return MandateStatus.REVOKED
    if now >= expires_at:
        return MandateStatus.EXPIRED
    return MandateStatus.ACTIVE if accepted_at is not None else MandateStatus.INVITED


# ------------------------------------------------------------ the journal in plain words

MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# Journal action (a route's operation id or a job name) -> what was done, as a verb phrase.
ACTION_WORDS: dict[str, BilingualText] = {
    "getProfile": BilingualText(fr="a consulté votre profil", en="read your profile"),
    "listConsentEvents": BilingualText(
        fr="a consulté l'historique de vos consentements", en="read your consent history"
    ),
    "simulationHistory": BilingualText(fr="a consulté vos simulations", en="read your simulations"),
    "listOutcomes": BilingualText(
        fr="a consulté le suivi de vos aides", en="read the follow-up of your aids"
    ),
    "notify_policy_revision": BilingualText(
        fr="vous a écrit au sujet de la politique de confidentialité",
        en="wrote to you about the privacy policy",
    ),
    "readSupportThread": BilingualText(
        fr="a lu votre conversation avec le support", en="read your conversation with support"
    ),
    "answerSupportThread": BilingualText(
        fr="a répondu à votre conversation avec le support",
        en="answered your conversation with support",
    ),
    "listDocuments": BilingualText(
        fr="a consulté la liste de vos documents", en="read the list of your documents"
    ),
    "downloadDocument": BilingualText(fr="a téléchargé un document", en="downloaded a document"),
    "documentChecklist": BilingualText(
        fr="a consulté vos pièces justificatives à fournir",
        en="read the supporting documents you need",
    ),
    "requestUploadSlot": BilingualText(
        fr="a déposé un document dans votre coffre-fort", en="put a document in your vault"
    ),
    "finaliseUpload": BilingualText(
        fr="a fait vérifier un document déposé", en="had a document put in your vault checked"
    ),
    "listForms": BilingualText(
        fr="a consulté les formulaires pré-remplis", en="read the pre-filled forms"
    ),
    "proposeForm": BilingualText(
        fr="a consulté un formulaire pré-rempli", en="read a pre-filled form"
    ),
    "generateForm": BilingualText(
        fr="a rempli un formulaire pour vous", en="filled in a form for you"
    ),
    "google.cloud.storage.object.v1.finalized": BilingualText(
        fr="a vérifié un document déposé dans votre coffre-fort",
        en="checked a document put in your vault",
    ),
}
SOME_ACCESS = BilingualText(fr="a accédé à vos données", en="accessed your data")

# Who, when the actor is not a caregiver the beneficiary named.
ACTOR_WORDS: dict[str, BilingualText] = {
    ActorKind.STAFF.value: BilingualText(fr="Le support Sésame", en="Sésame support"),
    ActorKind.SUPPORT_AGENT.value: BilingualText(
        fr="Un conseiller du support Sésame", en="A Sésame support adviser"
    ),
    ActorKind.PRIVACY_OFFICER.value: BilingualText(
        fr="Le délégué à la protection des données", en="The data protection officer"
    ),
    ActorKind.SERVICE_ACCOUNT.value: BilingualText(
        fr="Un traitement automatique de Sésame", en="An automatic Sésame process"
    ),
    ActorKind.AIDANT.value: BilingualText(fr="Un aidant", en="A caregiver"),
    ActorKind.CLIENT_ADMIN.value: BilingualText(
        fr="Un administrateur de votre organisation", en="An administrator of your organisation"
    ),
}


def short_name(full_name: str) -> str:
    """``Marie Dupont`` → ``Marie D.``: enough for the beneficiary to recognise their aidant."""
    parts = full_name.split()
    if len(parts) < 2:
        return full_name
    return f"{parts[0]} {parts[-1][0]}."


def spoken_date(day: date, language: Language) -> str:
    """``3 mars 2026`` / ``3 March 2026``."""
    months = MONTHS_EN if language == "en" else MONTHS_FR
    return f"{day.day} {months[day.month - 1]} {day.year}"


def journal_sentence(who: str, action: str, at: datetime, language: Language) -> str:
    """``Marie D. a consulté votre profil le 3 mars 2026.`` (or in English)."""
    what = ACTION_WORDS.get(action, SOME_ACCESS).in_language(language)
    when = spoken_date(at.date(), language)
    return f"{who} {what} on {when}." if language == "en" else f"{who} {what} le {when}."
