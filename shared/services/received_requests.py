"""Rights requests received by post or e-mail (R30; RGPD art. 12.3).

A privacy officer registers each one — kind, channel, identity-verification
status, date received — and the answer is due one month after receipt
(:mod:`shared.domain.rights_requests`). An extension of up to two more
months needs a reason and a notice to the person before the first due date:
a request with a reply address gets the notice by e-mail here, at once;
otherwise the officer gives the day the letter was posted. Overdue requests
are listed. Every step is written in the request (``steps``: what, when,
which officer by keyed hash) and in the audit journal; the officer's role is
checked on the Auth record on every call. The reply address is cleared once
the request is answered, so what stays as proof names no one in clear.
"""

from __future__ import annotations

from datetime import date

from shared.adapters import document_store, mail
from shared.adapters.document_store import Writes
from shared.domain import rights_requests as rules
from shared.domain.access import Access
from shared.domain.data_registry import RIGHTS_REQUESTS
from shared.errors import ApiError, TransientFailure, text
from shared.models.privacy import (
    AnswerRecord,
    ExtensionRequest,
    IdentityUpdate,
    RequestStep,
    RightsRequest,
    RightsRequestIn,
    RightsRequestList,
    RightsRequestOut,
)
from shared.services import audit
from shared.services.access import require_privacy_officer_now
from shared.services.audit import pseudonym
from shared.services.erasure import Clock, utc_now

NO_SUCH_REQUEST = text("Aucune demande à ce numéro.", "No request by that id.")
ALREADY_EXTENDED = text(
    "Le délai de cette demande a déjà été prolongé.", "This request was extended already."
)
ALREADY_ANSWERED = text(
    "Cette demande a déjà reçu sa réponse.", "This request was answered already."
)
NOTICE_DATE_NEEDED = text(
    "Sans adresse e-mail de réponse, indiquez la date d'envoi du courrier de prolongation.",
    "Without a reply address, give the day the extension letter was posted.",
)
REFUSALS = {
    "extension_reason_required": text(
        "Indiquez pourquoi le délai est prolongé.", "Say why the deadline is extended."
    ),
    "extension_notice_too_late": text(
        "La personne doit être prévenue avant la première échéance ; il est trop tard pour "
        "prolonger.",
        "The person must be told before the first due date; it is too late to extend.",
    ),
}


def _out(request_id: str, request: RightsRequest, today: date) -> RightsRequestOut:
    return RightsRequestOut(
        id=request_id,
        kind=request.kind,
        channel=request.channel,
        received_on=request.received_on,
        identity=request.identity,
        due_on=request.due_on,
        extended=request.extension_notice_sent_on is not None,
        extension_reason=request.extension_reason,
        answered_on=request.answered_on,
        overdue=rules.is_overdue(request.due_on, request.answered_on, today),
        steps=request.steps,
    )


def _journal(access: Access, action: str, target_ref: str | None) -> None:
    """Each step in the audit journal too: the officer, the action, the person by keyed hash."""
    audit.record_about(access, action, target_ref, "rights_request")


def _step(access: Access, action: str, clock: Clock) -> RequestStep:
    return RequestStep(action=action, at=clock(), officer_ref=audit.actor_ref(access))


def register_request(
    access: Access, incoming: RightsRequestIn, *, now: Clock = utc_now
) -> tuple[RightsRequestOut, int]:
    """Register a request received by post or e-mail; it is due one month after receipt."""
    require_privacy_officer_now(access)
    request = RightsRequest(
        kind=incoming.kind,
        channel=incoming.channel,
        received_on=incoming.received_on,
        identity=incoming.identity,
        subject_ref=pseudonym(incoming.subject_uid) if incoming.subject_uid else None,
        reply_email=incoming.reply_email,
        due_on=rules.first_due_date(incoming.received_on),
        steps=[_step(access, "registered", now)],
    )
    request_id = document_store.add(RIGHTS_REQUESTS.collection(), request)
    _journal(access, "registerRightsRequest", request.subject_ref)
    return _out(request_id, request, now().date()), 201


def _change(
    access: Access, request_id: str, action: str, change: dict[str, object], clock: Clock
) -> RightsRequest:
    path = RIGHTS_REQUESTS.path(request_id=request_id)

    def work(writes: Writes) -> RightsRequest:
        current = writes.get(path, RightsRequest)
        if current is None:
            raise ApiError("not_found", NO_SUCH_REQUEST)
        steps = [*current.steps, _step(access, action, clock)]
        changed = current.model_copy(update={**change, "steps": steps})
        writes.set(path, changed)
        return changed

    changed = document_store.run_in_transaction(work)
    _journal(access, action, changed.subject_ref)
    return changed


def _load(request_id: str) -> RightsRequest:
    found = document_store.get(RIGHTS_REQUESTS.path(request_id=request_id), RightsRequest)
    if found is None:
        raise ApiError("not_found", NO_SUCH_REQUEST)
    return found


def update_identity(
    access: Access, update: IdentityUpdate, request_id: str, *, now: Clock = utc_now
) -> RightsRequestOut:
    """Record the outcome of the identity check (verified, or failed)."""
    require_privacy_officer_now(access)
    action = f"identity_{update.identity}"
    changed = _change(access, request_id, action, {"identity": update.identity}, now)
    return _out(request_id, changed, now().date())


def _extension_notice(request: RightsRequest, reason: str, new_due: date) -> str:
    return (
        "Bonjour,\n\nNous avons bien reçu votre demande relative à vos données personnelles "
        f"le {request.received_on.strftime('%d/%m/%Y')}. Pour la raison suivante, nous avons "
        f"besoin de plus de temps pour y répondre : {reason}\n\nVous recevrez notre réponse "
        f"au plus tard le {new_due.strftime('%d/%m/%Y')} (RGPD, article 12.3).\n\n"
        "We received your request about your personal data; for the reason above we need "
        f"more time and will answer by {new_due.isoformat()} (GDPR art. 12.3)."
    )


def extend_request(
    access: Access, extension: ExtensionRequest, request_id: str, *, now: Clock = utc_now
) -> RightsRequestOut:
    """Extend the deadline by two months, with a reason, the person told before the first due date.

    With a reply address the notice is e-mailed now (and only if now is in
    time); without one, the officer gives the day the letter was posted.
    """
    require_privacy_officer_now(access)
    request = _load(request_id)
    if request.answered_on is not None:
        raise ApiError("conflict", ALREADY_ANSWERED)
    if request.extension_notice_sent_on is not None:
        raise ApiError("conflict", ALREADY_EXTENDED)
    today = now().date()
    if request.reply_email is None and extension.notice_posted_on is None:
        raise ApiError("validation_failed", NOTICE_DATE_NEEDED)
    notice_on = today if request.reply_email is not None else extension.notice_posted_on
    decision = rules.extend(request.received_on, extension.reason, notice_on)
    if not decision.allowed:
        raise ApiError(decision.refusal, REFUSALS[decision.refusal])
    if request.reply_email is not None:
        try:
            mail.send(
                request.reply_email,
                "Sésame : délai de réponse à votre demande prolongé",
                _extension_notice(request, extension.reason, decision.due_on),
            )
        except mail.MailUnavailable:
            raise TransientFailure("mail_unavailable") from None
    changed = _change(
        access,
        request_id,
        "extended",
        {
            "due_on": decision.due_on,
            "extension_reason": extension.reason,
            "extension_notice_sent_on": notice_on,
        },
        now,
    )
    return _out(request_id, changed, today)


def answer_request(
    access: Access, answer: AnswerRecord, request_id: str, *, now: Clock = utc_now
) -> RightsRequestOut:
    """Record the day the answer was sent; the reply address is no longer needed."""
    require_privacy_officer_now(access)
    if _load(request_id).answered_on is not None:
        raise ApiError("conflict", ALREADY_ANSWERED)
    changed = _change(
        access,
        request_id,
        "answered",
        {"answered_on": answer.answered_on, "reply_email": None},
        now,
    )
    return _out(request_id, changed, now().date())


def overdue_requests(access: Access, *, now: Clock = utc_now) -> RightsRequestList:
    """Unanswered requests past their due date, the most overdue first."""
    require_privacy_officer_now(access)
    today = now().date()
    # Due dates are stored as ISO text, so text order is date order.
    found = document_store.find_before(
        RIGHTS_REQUESTS.collection(), RightsRequest, "due_on", today.isoformat()
    )
    late = [
        _out(request_id, request, today)
        for request_id, request in found
        if rules.is_overdue(request.due_on, request.answered_on, today)
    ]
    _journal(access, "listOverdueRightsRequests", None)
    return RightsRequestList(requests=sorted(late, key=lambda r: (r.due_on, r.id)))
