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
hash>``) before anything runs, with the steps the choice needs and the state
of each (:data:`STEPS`). A call after a crash finishes the missing steps and
repeats none: the export and the erasure are started under ids fixed in the
record (starting them again finds them), and the contact's mail is claimed
before it is sent, so the contact gets one mail at most. Once every step has
ended, the contact's address held for them is cleared and what stays as proof
holds no personal data in clear; a repeated call returns the record.
"""

from __future__ import annotations

from collections.abc import Callable

from shared.adapters import document_store, mail
from shared.adapters.document_store import Writes
from shared.config import settings
from shared.domain.access import Access, Scope
from shared.domain.data_registry import DIRECTIVE_EXECUTIONS, POST_MORTEM_DIRECTIVES
from shared.domain.purposes import Purpose
from shared.errors import ApiError, PermanentFailure, text
from shared.models.privacy import (
    DeathNotice,
    DirectiveExecution,
    DirectiveExecutionOut,
    DirectiveOut,
    DirectiveRequest,
    DirectiveStep,
    PostMortemDirective,
    StepState,
)
from shared.services import erasure, export
from shared.services.access import open_access, require_privacy_officer_now
from shared.services.audit import actor_ref, pseudonym
from shared.services.erasure import Clock, utc_now

DIRECTIVE_ID = "post_mortem"  # one directive per person: recording again replaces it

# The steps of each choice, in order. *communicate* has no mail step here: the
# export job mails the contact, once, when the archive is ready.
STEPS: dict[str, tuple[DirectiveStep, ...]] = {
    "keep": ("contact_mail",),
    "erase": ("erasure", "contact_mail"),
    "communicate": ("export",),
}
ENDED: frozenset[StepState] = frozenset({"done", "failed", "uncertain"})

Fault = Callable[[DirectiveStep], None]


def _no_fault(step: DirectiveStep) -> None:
    return None


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
        steps=execution.steps,
        completed=_completed(execution),
    )


def _completed(execution: DirectiveExecution) -> bool:
    # A record without steps predates their recording: it was carried out whole.
    return execution.completed_at is not None or not execution.steps


def _tell_contact(name: str, email: str, receipt_id: str | None) -> None:
    """The contact's mail for *keep* and *erase* (*communicate* mails when the export is ready)."""
    if receipt_id is not None:
        link = settings().public_api_base.rstrip("/") + erasure.receipt_url(receipt_id)
        body = (
            f"Bonjour {name},\n\n"
            "Une personne utilisant Sésame vous a désigné comme personne de confiance. "
            "Conformément à ses directives, toutes ses données sont en cours d'effacement. "
            f"Le reçu d'effacement, sans donnée personnelle, est ici :\n\n{link}\n\n"
            "Someone using Sésame named you as their trusted contact. As they asked, all "
            "their data is being erased; the erasure receipt is at the link above."
        )
    else:
        body = (
            f"Bonjour {name},\n\n"
            "Une personne utilisant Sésame vous a désigné comme personne de confiance. "
            "Conformément à ses directives, ses données sont conservées jusqu'à la fin de "
            "leur durée de conservation (3 ans sans activité), puis supprimées. Vous pouvez "
            "nous écrire pour exercer les droits que ses directives vous confient.\n\n"
            "Someone using Sésame named you as their trusted contact. As they asked, their "
            "data is kept until its retention period ends (3 years without activity), then "
            "deleted."
        )
    mail.send(email, "Sésame : directives d'une personne décédée", body)


def execute_directive(
    access: Access, notice: DeathNotice, *, now: Clock = utc_now, fault: Fault = _no_fault
) -> tuple[DirectiveExecutionOut, int]:
    """A privacy officer carries out the subject's directive on a verified death notice.

    The role is checked on the Auth record, then the officer's access to the
    deceased's data is opened like any access for someone else — checked again
    and journaled before anything runs (action ``executePostMortemDirective``).
    Answers 201 the first time, 200 with the same record afterwards; a call
    finding steps left unfinished (the process died) finishes them first.
    ``fault`` is called before each step: tests make the process fail there.
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
    path = DIRECTIVE_EXECUTIONS.path(execution_id=pseudonym(uid))
    execution, created = _record(uid, path, access, notice, now)
    if not _completed(execution):
        execution = _carry_out(uid, path, execution, now, fault)
    return _execution_out(execution), 201 if created else 200


def _record(
    uid: str, path: str, access: Access, notice: DeathNotice, now: Clock
) -> tuple[DirectiveExecution, bool]:
    """The execution record, made once with every step pending; ``True`` when made now."""
    found = document_store.get(path, DirectiveExecution)
    if found is not None:
        return found, False
    directive = document_store.get(_path(uid), PostMortemDirective)
    if directive is None:
        raise ApiError("not_found", NO_DIRECTIVE)
    planned = DirectiveExecution(
        subject_ref=pseudonym(uid),
        choice=directive.choice,
        evidence=notice.evidence,
        death_notice_verified_on=notice.verified_on,
        officer_ref=actor_ref(access),
        at=now(),
        # Fixed before the export starts, so starting it again finds the same one.
        export_id=export.new_export_id() if directive.choice == "communicate" else None,
        steps=dict.fromkeys(STEPS[directive.choice], "pending"),
        working_contact_name=directive.trusted_contact_name,
        working_contact_email=directive.trusted_contact_email,
    )

    def claim(writes: Writes) -> tuple[DirectiveExecution, bool]:
        existing = writes.get(path, DirectiveExecution)
        if existing is not None:
            return existing, False
        writes.create(path, planned)
        return planned, True

    return document_store.run_in_transaction(claim)


def _step(
    path: str,
    step: DirectiveStep,
    state: StepState,
    changes: dict[str, object] | None = None,
    *,
    unless: frozenset[str] = frozenset(),
) -> tuple[DirectiveExecution, StepState]:
    """Record ``step`` as ``state`` (and ``changes``), unless it already is in ``unless``.

    Returns the record and the step's state found before, read in the transaction.
    """

    def work(writes: Writes) -> tuple[DirectiveExecution, StepState]:
        current = writes.get(path, DirectiveExecution)
        if current is None:
            raise PermanentFailure("not_found")
        before = current.steps.get(step, "pending")
        if before in unless:
            return current, before
        changed = current.model_copy(
            update={"steps": {**current.steps, step: state}, **(changes or {})}
        )
        writes.set(path, changed)
        return changed, before

    return document_store.run_in_transaction(work)


def _carry_out(
    uid: str, path: str, execution: DirectiveExecution, now: Clock, fault: Fault
) -> DirectiveExecution:
    """Run every step not yet ended, in order, recording each one's state."""
    for step in STEPS[execution.choice]:
        if execution.steps.get(step, "pending") in ENDED:
            continue
        fault(step)
        if step == "contact_mail":
            execution = _mail_contact(path, now)
            continue
        # Starting the export or the erasure again finds the one already started.
        execution, _ = _step(path, step, "started")
        execution, _ = _step(path, step, "done", _start(uid, step, execution))
    finished = execution.model_copy(
        update={
            "completed_at": now(),
            "working_contact_name": None,
            "working_contact_email": None,
        }
    )
    document_store.run_in_transaction(lambda writes: writes.set(path, finished))
    return finished


def _start(uid: str, step: DirectiveStep, execution: DirectiveExecution) -> dict[str, object]:
    """Start the export (*communicate*) or the erasure (*erase*); what to record of it."""
    if step == "export":
        export.start_export(
            uid,
            recipient=execution.working_contact_email,
            reason="post_mortem",
            at=execution.at,
            export_id=execution.export_id,
        )
        return {}
    # The directive (and the contact's address) is held in the record: the job may delete it.
    job = erasure.start_erasure(uid, now=lambda: execution.at)
    return {"erasure_receipt_id": job.receipt_id}


def _mail_contact(path: str, now: Clock) -> DirectiveExecution:
    """The contact's mail (*keep*, *erase*), sent at most once.

    The step is claimed (``started``) in a transaction before sending: a call
    finding it ``started`` cannot know whether the mail left before the process
    died, so it records ``uncertain`` and the officer writes by post.
    """
    execution, before = _step(path, "contact_mail", "started", unless=ENDED | {"started"})
    if before == "started":
        execution, _ = _step(path, "contact_mail", "uncertain", unless=ENDED)
        return execution
    if before != "pending":
        return execution
    try:
        _tell_contact(
            execution.working_contact_name or "",
            execution.working_contact_email or "",
            execution.erasure_receipt_id,
        )
    except (mail.MailRefused, mail.MailUnavailable):
        execution, _ = _step(path, "contact_mail", "failed")  # the officer writes by post
        return execution
    execution, _ = _step(path, "contact_mail", "done", {"contact_notified_at": now()})
    return execution
