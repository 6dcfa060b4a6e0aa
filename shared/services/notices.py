"""Notices the service owes a beneficiary by e-mail, sent by a task worker.

R25: a significant revision of the privacy policy is notified to users who
accepted an earlier version (before new processing applies to their data,
R13). One task per beneficiary; the worker makes each delivery count once.
"""

from __future__ import annotations

from shared.adapters import mail
from shared.domain.access import Access
from shared.domain.policy import PUBLISHED_VERSIONS, PolicyVersion, needs_reacceptance
from shared.domain.strict import StrictModel
from shared.errors import ApiError, PermanentFailure, TransientFailure, text
from shared.services.accounts import load_profile

SUBJECT = text(
    "Sésame : notre politique de confidentialité évolue",
    "Sésame: our privacy policy is changing",
)


class PolicyRevisionNotice(StrictModel):
    """Payload of the ``notify_policy_revision`` task."""

    uid: str
    policy_version: str


def _body(version: PolicyVersion, language: str) -> str:
    if language == "en":
        return (
            f"Our privacy policy was revised on {version.revised_on.isoformat()} "
            f"(version {version.version}).\n\n{version.summary_en}\n\n"
            "Sign in to read it and accept it: until then, no new processing applies "
            "to your data."
        )
    return (
        f"Notre politique de confidentialité a été révisée le "
        f"{version.revised_on.strftime('%d/%m/%Y')} (version {version.version}).\n\n"
        f"{version.summary_fr}\n\n"
        "Connectez-vous pour la lire et l'accepter : d'ici là, aucun nouveau traitement "
        "ne s'applique à vos données."
    )


def notify_policy_revision(access: Access, notice: PolicyRevisionNotice) -> str:
    """E-mail the subject about a significant policy revision they have not accepted yet."""
    version = next((v for v in PUBLISHED_VERSIONS if v.version == notice.policy_version), None)
    if version is None or not version.significant:
        raise PermanentFailure("unknown_policy_version")
    try:
        profile = load_profile(access)
    except ApiError as error:
        raise PermanentFailure(error.code) from None
    if not needs_reacceptance(profile.policy_version):
        return "already_accepted"
    try:
        mail.send(
            profile.email,
            SUBJECT.in_language(profile.language),
            _body(version, profile.language),
        )
    except mail.MailUnavailable:
        raise TransientFailure("mail_unavailable") from None
    except mail.MailRefused:
        raise PermanentFailure("mail_refused") from None
    return "sent"
