"""Post-mortem directives (R29; loi Informatique et Libertés, art. 85).

A beneficiary records what should happen to their data after their death —
*keep* it (until its normal retention ends), *erase* it, or *communicate* it —
and the trusted contact who receives what the directive allows. A privacy
officer, whose role is checked on the Auth record on every request and whose
access is journaled before anything runs (:func:`shared.services.access.open_access`),
carries the directive out once a death notice is verified:

* **keep**: nothing is deleted; the contact is told the data stays until its
  retention period ends;
* **communicate**: a portability export is built for the contact (the export
  machinery, already confirmed by the directive); the contact gets a link that
  works as long as the export lives (7 days), then expires;
* **erase**: the erasure job runs (the same one as a self-service erasure);
  the contact gets the link of its receipt, which holds no personal data.

The execution is recorded once per person (``directive_executions/<keyed
hash>``), without personal data in clear, as proof; a repeated call returns it.
"""

from __future__ import annotations

from datetime import datetime

from shared.adapters import document_store, mail
from shared.adapters.document_store import Writes
from shared.config import settings
from shared.domain.access import Access, Scope
from shared.domain.data_registry import DIRECTIVE_EXECUTIONS, POST_MORTEM_DIRECTIVES
from shared.domain.purposes import Purpose
from shared.errors import ApiError, text
from shared.models.privacy import (
    DeathNotice,
    DirectiveExecution,
    DirectiveExecutionOut,
    DirectiveOut,
    DirectiveRequest,
    PostMortemDirective,
)
from shared.services import erasure, export
from shared.services.access import open_access, require_privacy_officer_now
from shared.services.audit import actor_ref, pseudonym
from shared.services.erasure import Clock, utc_now

DIRECTIVE_ID = "post_mortem"  # one directive per person: recording again replaces it

NO_DIRECTIVE = text(
    "Aucune directive post-mortem n'est enregistrée.", "No post-mortem directive is recorded."
)


def _path(uid: str) -> str:
    return POST_MORTEM_DIRECTIVES.path(uid=uid, directive_id=DIRECTIVE_ID)


def _out(directive: PostMortemDirective) -> DirectiveOut:
    return DirectiveOut(**directive.model_dump())


def record_directive(
    access: Access, request: DirectiveRequest, *, now: Clock = utc_now
) -> DirectiveOut:
    """The person records (or replaces) their directive and trusted contact."""
    directive = PostMortemDirective(**request.model_dump(), recorded_at=now())
    path = _path(access.subject_uid)
    document_store.run_in_transaction(lambda writes: writes.set(path, directive))
    return _out(directive)


def get_directive(access: Access) -> DirectiveOut:
    """The person's recorded directive, or ``not_found``."""
    directive = document_store.get(_path(access.subject_uid), PostMortemDirective)
    if directive is None:
        raise ApiError("not_found", NO_DIRECTIVE)
    return _out(directive)


def _execution_out(execution: DirectiveExecution) -> DirectiveExecutionOut:
    receipt = execution.erasure_receipt_id
    return DirectiveExecutionOut(
        choice=execution.choice,
        death_notice_verified_on=execution.death_notice_verified_on,
        at=execution.at,
        export_id=execution.export_id,
        erasure_receipt_url=erasure.receipt_url(receipt) if receipt else None,
        # *communicate*: the contact is mailed by the export job when the archive is ready.
        contact_notified=execution.contact_notified_at is not None,
    )


def _tell_contact(directive: PostMortemDirective, receipt_id: str | None) -> None:
    """The contact's mail for *keep* and *erase* (*communicate* mails when the export is ready)."""
    if receipt_id is not None:
        link = settings().public_api_base.rstrip("/") + erasure.receipt_url(receipt_id)
        body = (
            f"Bonjour {directive.trusted_contact_name},\n\n"
            "Une personne utilisant Sésame vous a désigné comme personne de confiance. "
            "Conformément à ses directives, toutes ses données sont en cours d'effacement. "
            f"Le reçu d'effacement, sans donnée personnelle, est ici :\n\n{link}\n\n"
            "Someone using Sésame named you as their trusted contact. As they asked, all "
            "their data is being erased; the erasure receipt is at the link above."
        )
    else:
        body = (
            f"Bonjour {directive.trusted_contact_name},\n\n"
            "Une personne utilisant Sésame vous a désigné comme personne de confiance. "
            "Conformément à ses directives, ses données sont conservées jusqu'à la fin de "
            "leur durée de conservation (3 ans sans activité), puis supprimées. Vous pouvez "
            "nous écrire pour exercer les droits que ses directives vous confient.\n\n"
            "Someone using Sésame named you as their trusted contact. As they asked, their "
            "data is kept until its retention period ends (3 years without activity), then "
            "deleted."
        )
    mail.send(directive.trusted_contact_email, "Sésame : directives d'une personne décédée", body)


def execute_directive(
    access: Access, notice: DeathNotice, *, now: Clock = utc_now
) -> tuple[DirectiveExecutionOut, int]:
    """A privacy officer carries out the subject's directive on a verified death notice.

    The role is checked on the Auth record, then the officer's access to the
    deceased's data is opened like any access for someone else — checked again
    and journaled before anything runs (action ``executePostMortemDirective``).
    Answers 201 the first time, 200 with the same record afterwards.
    """
    require_privacy_officer_now(access)
    uid = open_access(
        access.actor,
        notice.subject_uid,
        Scope.PRIVACY_ERASE,
        action="executePostMortemDirective",
        reason=Purpose.ACCOUNT.value,
        language=access.language,
    ).subject_uid
    execution_path = DIRECTIVE_EXECUTIONS.path(execution_id=pseudonym(uid))
    done = document_store.get(execution_path, DirectiveExecution)
    if done is not None:
        return _execution_out(done), 200
    directive = document_store.get(_path(uid), PostMortemDirective)
    if directive is None:
        raise ApiError("not_found", NO_DIRECTIVE)
    at = now()
    execution = DirectiveExecution(
        subject_ref=pseudonym(uid),
        choice=directive.choice,
        evidence=notice.evidence,
        death_notice_verified_on=notice.verified_on,
        officer_ref=actor_ref(access),
        at=at,
    )

    def claim(writes: Writes) -> DirectiveExecution | None:
        existing = writes.get(execution_path, DirectiveExecution)
        if existing is not None:
            return existing
        writes.create(execution_path, execution)
        return None

    raced = document_store.run_in_transaction(claim)
    if raced is not None:
        return _execution_out(raced), 200
    execution = _carry_out(uid, directive, execution, at)
    document_store.run_in_transaction(lambda writes: writes.set(execution_path, execution))
    return _execution_out(execution), 201


def _carry_out(
    uid: str, directive: PostMortemDirective, execution: DirectiveExecution, at: datetime
) -> DirectiveExecution:
    if directive.choice == "communicate":
        export_id = export.start_export(
            uid, recipient=directive.trusted_contact_email, reason="post_mortem", at=at
        )
        return execution.model_copy(update={"export_id": export_id})
    receipt_id = None
    if directive.choice == "erase":
        # The directive (and the contact's address) is read already: the job may delete it.
        receipt_id = erasure.start_erasure(uid, now=lambda: at).receipt_id
    try:
        _tell_contact(directive, receipt_id)
        notified: datetime | None = at
    except (mail.MailRefused, mail.MailUnavailable):
        notified = None  # recorded as not notified: the officer writes by post
    return execution.model_copy(
        update={"erasure_receipt_id": receipt_id, "contact_notified_at": notified}
    )
