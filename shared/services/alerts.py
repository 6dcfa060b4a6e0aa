"""Smart alerts (R5): re-evaluate everyone when aids change, e-mail only who is concerned.

A **run** (daily from Cloud Scheduler, or started by an operator after a
catalogue change or an OpenFisca upgrade) works out what changed since the
previous run (:func:`shared.domain.alerts.changes_since`), selects the
beneficiaries whose alert e-mails are on and whose data may be processed for
alerts (not restricted, not objecting: R26), and enqueues one Cloud Task per
batch, named from the run and the batch, so dispatching a run again enqueues
nothing new.

A **batch** (the ``alerts_worker``) re-reads each person's choices, loads their
stored answers, evaluates the changed aids for the whole batch in one
vectorised OpenFisca simulation, and e-mails those who became eligible or
whose amount rose notably since they were last told. The delivery record is
created in a transaction *before* the mail is sent: a redelivered task, or one
that crashed after sending, finds it and sends nothing again. SendGrid
unavailable (429, 5xx) makes the task retry; a refused message is recorded as
failed and not retried. Every count is recorded on the run (staff read it
through the API) and logged as structured fields — never who.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from shared.adapters import document_store, mail, task_queue
from shared.adapters.clients import firestore_client
from shared.config import settings
from shared.domain import alerts as rules
from shared.domain.access import Access, ActorKind
from shared.domain.aids.catalogue import Aid, Catalogue, OpenFiscaComputation, load_catalogue
from shared.domain.aids.explanations import euros
from shared.domain.data_registry import (
    ALERT_BATCHES,
    ALERT_DELIVERIES,
    ALERT_RUNS,
    BENEFICIARY,
    CONSENT_EVENTS,
    SIMULATIONS,
)
from shared.domain.months import current_month
from shared.domain.purposes import Purpose
from shared.errors import ApiError, PermanentFailure, TransientFailure, text
from shared.models.account import BeneficiaryProfile, ConsentEvent, ConsentState
from shared.models.alerts import (
    AlertBatch,
    AlertBatchResult,
    AlertDelivery,
    AlertRun,
    DispatchOrder,
    RunOut,
    RunRequest,
)
from shared.models.simulation_history import StoredSimulation
from shared.services import mail_suppressions
from shared.structured_log import log_event

QUEUE = "alerts"
WORKER = "alerts_worker"
BATCH_JOB = "evaluate_batch"
DISPATCH_JOB = ""  # Cloud Scheduler posts to the dispatcher's root
SUBJECT = "alerts_run"  # a run acts on no one person; its journal entry says so
# Mails of one batch in flight at once: each waits on Firestore and SendGrid, not on
# the CPU (a batch where everyone is concerned: 10,000 mails).
MAIL_THREADS = 8

ENGINE_DISTRIBUTIONS = ("openfisca-core", "openfisca-france", "openfisca-paris")

SUBJECT_LINE = text(
    "Sésame : de nouvelles aides peuvent vous concerner",
    "Sésame: new aids may concern you",
)


# ------------------------------------------------------------------ what changed


def engine_version() -> str:
    """The engine the alerts worker evaluates with, as ``name==version`` pairs.

    Deployed, the configuration says it (the worker's pins, infra/functions.tf):
    the dispatcher never installs OpenFisca. Locally, the installed distributions.
    """
    configured = settings().engine_version
    if configured:
        return configured.lower()
    found = []
    for name in ENGINE_DISTRIBUTIONS:
        try:
            found.append(f"{name}=={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            continue
    return " ".join(found)


def fingerprints(catalogue: Catalogue) -> dict[str, str]:
    """A short hash of each aid's whole entry: a corrected rule or amount changes it."""
    return {
        aid.id: hashlib.sha256(aid.model_dump_json().encode()).hexdigest()[:12]
        for aid in catalogue.aids
    }


def _engine_aids(catalogue: Catalogue) -> list[str]:
    return [aid.id for aid in catalogue.aids if isinstance(aid.computation, OpenFiscaComputation)]


def _previous_run(before: str) -> AlertRun | None:
    for run_id, run in document_store.list_collection(
        ALERT_RUNS.collection(), AlertRun, "created_at", descending=True, limit=5
    ):
        if run_id != before and run.status == "dispatched":
            return run
    return None


def _new_run(run_id: str, trigger: str, now: datetime) -> AlertRun:
    catalogue = load_catalogue()
    prints = fingerprints(catalogue)
    version = engine_version()
    month = current_month(now.date())
    previous = _previous_run(run_id)
    changes = rules.changes_since(
        prints,
        version,
        month,
        previous_fingerprints=previous.fingerprints if previous else None,
        previous_engine_version=previous.engine_version if previous else None,
        previous_month=previous.month if previous else None,
        engine_aids=_engine_aids(catalogue),
    )
    return AlertRun(
        trigger=trigger,
        status="dispatching",
        month=month,
        engine_version=version,
        catalogue_version=catalogue.version,
        fingerprints=prints,
        reason=changes.reason,
        aids=list(changes.aids),
        new_aids=list(changes.new_aids),
        changed_aids=list(changes.changed_aids),
        created_at=now,
    )


def open_run(run_id: str, trigger: str, now: datetime) -> AlertRun:
    """The run ``run_id``, created once: a second call (a repeated delivery) returns it."""
    path = ALERT_RUNS.path(run_id=run_id)
    existing = document_store.get(path, AlertRun)
    if existing is not None:
        return existing
    fresh = _new_run(run_id, trigger, now)

    def work(writes: Any) -> AlertRun:
        found = writes.get(path, AlertRun)
        if found is not None:
            return found
        writes.create(path, fresh)
        return fresh

    return document_store.run_in_transaction(work)


# ------------------------------------------------------------------ selection and fan-out


def profiles_where(field: str) -> Iterator[tuple[str, BeneficiaryProfile]]:
    """Profiles whose boolean ``field`` is true, page by page in uid order (no offset scans)."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    collection = firestore_client().collection(BENEFICIARY.collection())
    last = None
    while True:
        query: Any = collection.where(filter=FieldFilter(field, "==", True))
        query = query.order_by("__name__").limit(rules.BATCH_SIZE)
        if last is not None:
            query = query.start_after(last)
        page = list(query.stream())
        for snapshot in page:
            yield str(snapshot.id), BeneficiaryProfile.model_validate(snapshot.to_dict())
        if len(page) < rules.BATCH_SIZE:
            return
        last = page[-1]


def skip_reason(profile: BeneficiaryProfile, purpose: Purpose = Purpose.ALERTS) -> str | None:
    """Why this person gets no mail of ``purpose`` now, or ``None``: alerts turned off,
    restriction or objection (R26), no consent (promotion, R10), unverified address."""
    if purpose is Purpose.ALERTS and not profile.alerts_by_email:
        return "alerts_off"
    decision = profile.processing_decision(purpose)
    if not decision.allowed:
        return decision.code
    if not profile.email_verified:
        return "email_unverified"
    return None


def _enqueue_batch(run_id: str, batch: int, uids: list[str]) -> None:
    from google.api_core.exceptions import AlreadyExists

    url = settings().worker_url(QUEUE, WORKER) + "/" + BATCH_JOB
    payload = AlertBatch(run_id=run_id, batch=batch, uids=uids).model_dump()
    # Dispatched before: the queue refuses a name it has seen, nothing new is added.
    with contextlib.suppress(AlreadyExists):
        task_queue.enqueue(QUEUE, url, payload, name=rules.batch_task_name(run_id, batch))


def dispatch(run_id: str, trigger: str, *, now: datetime | None = None) -> AlertRun:
    """Open the run and enqueue its batches (each once, whatever the number of calls)."""
    run = open_run(run_id, trigger, now or datetime.now(UTC))
    selected, batch, skipped = 0, 0, dict[str, int]()
    if run.aids:

        def selection() -> Iterator[str]:
            nonlocal selected
            for uid, profile in profiles_where("alerts_by_email"):
                reason = skip_reason(profile)
                if reason is not None:
                    skipped[reason] = skipped.get(reason, 0) + 1
                    continue
                selected += 1
                yield uid

        for uids in rules.batched(selection()):
            _enqueue_batch(run_id, batch, uids)
            batch += 1
    done = run.model_copy(
        update={
            "status": "dispatched",
            "selected": selected,
            "batches": batch,
            "skipped": skipped,
            "dispatched_at": datetime.now(UTC),
        }
    )
    document_store.put(ALERT_RUNS.path(run_id=run_id), done)
    log_event(
        "alert run dispatched",
        run=run_id,
        reason=run.reason,
        aid_count=len(run.aids),
        selected=selected,
        batches=batch,
        skipped=skipped,
    )
    return done


def scheduled_dispatch(access: Access, order: DispatchOrder) -> str:
    """The daily run (Cloud Scheduler): one run per day, whatever the retries."""
    now = datetime.now(UTC)
    run = dispatch(f"daily-{now:%Y-%m-%d}", "scheduler", now=now)
    return f"dispatched {run.batches} batches"


# ------------------------------------------------------------------ one batch


def _seen_amounts(stored: StoredSimulation) -> dict[str, float]:
    """Monthly amounts the person saw in their last result (eligibility as 1.0)."""
    seen: dict[str, float] = {}
    for result in stored.results:
        if result.get("status") != "eligible":
            continue
        monthly, yearly = result.get("monthly_amount"), result.get("yearly_amount")
        if isinstance(monthly, int | float):
            seen[result["aid_id"]] = float(monthly)
        elif isinstance(yearly, int | float):
            seen[result["aid_id"]] = float(yearly) / 12
        else:
            seen[result["aid_id"]] = 1.0
    return seen


def _told_before(deliveries: list[tuple[str, AlertDelivery]], run_id: str) -> dict[str, float]:
    """What the person was told in their latest alert of an earlier run (``deliveries``:
    their newest delivery records)."""
    for found_run, delivery in deliveries:
        if found_run != run_id and delivery.status == "sent":
            return dict(delivery.aids)
    return {}


def _amount_line(aid: Aid, amount: float, language: str) -> str:
    label = aid.label.en if language == "en" else aid.label.fr
    computation = aid.computation
    if isinstance(computation, OpenFiscaComputation) and computation.output in (
        "eligibility",
        "monthly_contribution",
    ):
        return f"- {label}"
    if aid.periodicity == "monthly":
        shown = euros(amount, "month")
    else:
        shown = euros(round(amount * 12, 2), "year" if aid.periodicity == "yearly" else "")
    about = "about" if language == "en" else "environ"
    return f"- {label} : {about} {shown.in_language(language)}"  # type: ignore[arg-type]


def unsubscribe_url(mail_list: rules.MailList, uid: str) -> str:
    """The one-click unsubscribe link of ``mail_list`` for ``uid`` (signed, no sign-in)."""
    key = settings().mail_token_key
    if not key:
        raise PermanentFailure("mail_token_key_missing")
    token = rules.unsubscribe_token(key, mail_list, uid)
    return f"{settings().public_api_base}/alerts/unsubscribe/{token}"


def alert_mail(
    catalogue: Catalogue, told: dict[str, float], language: str, unsubscribe: str
) -> tuple[str, str, dict[str, str]]:
    """Subject, body and headers of one alert: the aids, estimated amounts, links."""
    lines = [_amount_line(catalogue.get(aid_id), told[aid_id], language) for aid_id in told]
    results = f"{settings().web_base}/resultats"
    if language == "en":
        body = (
            "Hello,\n\nAfter a change in the aids or in the rules, your last answers show "
            "that these aids may concern you (estimates, to be confirmed by the paying "
            "body):\n\n" + "\n".join(lines) + f"\n\nSee your results and how to apply: {results}"
            f"\n\nStop these e-mails: {unsubscribe}\n"
        )
    else:
        body = (
            "Bonjour,\n\nÀ la suite d'un changement des aides ou des règles, vos dernières "
            "réponses montrent que ces aides peuvent vous concerner (estimations, à confirmer "
            "par l'organisme qui les verse) :\n\n"
            + "\n".join(lines)
            + f"\n\nVoir vos résultats et comment les demander : {results}"
            f"\n\nNe plus recevoir ces e-mails : {unsubscribe}\n"
        )
    headers = {
        # RFC 8058: a POST to this URL unsubscribes in one click, without signing in.
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return SUBJECT_LINE.in_language(language), body, headers  # type: ignore[arg-type]


def claim_delivery(path: str, fresh: Any) -> bool:
    """Create the delivery record at ``path`` before sending; ``False`` when one exists that
    is sent, failed, or possibly sent (a crash after sending must not send twice).

    A record left as ``retry`` (the provider was unavailable) is claimed again.
    """
    model = type(fresh)

    def work(writes: Any) -> bool:
        existing = writes.get(path, model)
        if existing is None:
            writes.create(path, fresh)
            return True
        if existing.status == "retry":
            writes.set(path, fresh.model_copy(update={"created_at": existing.created_at}))
            return True
        return False

    return bool(document_store.run_in_transaction(work))


def send_recorded(
    path: str, fresh: Any, to: str, mail_parts: tuple[str, str, dict[str, str]]
) -> str:
    """Send one mail under its delivery record: ``sent``, ``failed`` or ``already_handled``.

    SendGrid unavailable (429, 5xx): the record is left to ``retry`` and the
    task retried (:class:`TransientFailure`); refused: recorded ``failed``.
    """
    if not claim_delivery(path, fresh):
        return "already_handled"
    model = type(fresh)

    def settle(**change: Any) -> None:
        current = document_store.get(path, model)
        if current is not None:
            document_store.put(
                path, current.model_copy(update={**change, "updated_at": datetime.now(UTC)})
            )

    subject, body, headers = mail_parts
    try:
        message_id = mail.send(to, subject, body, headers)
    except mail.MailUnavailable:
        settle(status="retry")
        raise TransientFailure("mail_unavailable") from None
    except mail.MailRefused:
        settle(status="failed", error_code="mail_refused")
        return "failed"
    settle(status="sent", message_id=message_id)
    return "sent"


def _send_one(
    catalogue: Catalogue, uid: str, profile: BeneficiaryProfile, run_id: str, told: dict[str, float]
) -> str:
    """Send the one alert of this run to this person; returns sent, failed or a skip reason."""
    now = datetime.now(UTC)
    fresh = AlertDelivery(
        run_id=run_id, aids=told, status="sending", created_at=now, updated_at=now
    )
    parts = alert_mail(catalogue, told, profile.language, unsubscribe_url("alerts", uid))
    return send_recorded(ALERT_DELIVERIES.path(uid=uid, run_id=run_id), fresh, profile.email, parts)


def _households(
    batch: AlertBatch,
) -> tuple[list[Any], list[tuple[str, BeneficiaryProfile, dict[str, float]]], dict[str, int]]:
    """The batch's households to evaluate, who they are, and why the others are skipped.

    Read in bulk: the profiles and the suppressed addresses in one batched read
    each, then every person's latest simulation and latest alerts by queries run
    side by side (no one query answers "the newest of each person's").
    """
    from pydantic import ValidationError

    from shared.domain.questionnaire import Household

    households: list[Any] = []
    people: list[tuple[str, BeneficiaryProfile, dict[str, float]]] = []
    skipped: dict[str, int] = {}

    def skip(reason: str) -> None:
        skipped[reason] = skipped.get(reason, 0) + 1

    found = document_store.get_many(
        [BENEFICIARY.path(uid=uid) for uid in batch.uids], BeneficiaryProfile
    )
    # Choices are read again now: a restriction, objection or unsubscription
    # made since the dispatch is honoured (R26).
    allowed: list[tuple[str, BeneficiaryProfile]] = []
    for uid, profile in zip(batch.uids, found, strict=True):
        reason = "not_registered" if profile is None else skip_reason(profile)
        if reason is not None:
            skip(reason)
        else:
            assert profile is not None
            allowed.append((uid, profile))
    suppressed = mail_suppressions.suppressed_among([profile.email for _, profile in allowed])
    if suppressed:
        for _, profile in allowed:
            if profile.email in suppressed:
                skip("address_suppressed")
        allowed = [(uid, profile) for uid, profile in allowed if profile.email not in suppressed]
    latest = document_store.newest_in_each(
        [SIMULATIONS.collection(uid=uid) for uid, _ in allowed], StoredSimulation, "created_at", 1
    )
    told = document_store.newest_in_each(
        [ALERT_DELIVERIES.collection(uid=uid) for uid, _ in allowed],
        AlertDelivery,
        "created_at",
        3,
    )
    for (uid, profile), simulations, deliveries in zip(allowed, latest, told, strict=True):
        if not simulations:
            skip("no_simulation")
            continue
        stored = simulations[0][1]
        try:
            household = Household.model_validate(stored.answers)
        except ValidationError:
            skip("answers_outdated")  # stored under an older questionnaire
            continue
        households.append(household)
        seen = _seen_amounts(stored)
        seen.update(_told_before(deliveries, batch.run_id))
        people.append((uid, profile, seen))
    return households, people, skipped


def _send_all(
    catalogue: Catalogue,
    run_id: str,
    concerned: list[tuple[str, BeneficiaryProfile, dict[str, float]]],
) -> list[str]:
    """Send the alerts of a batch, ``MAIL_THREADS`` at a time; each person's outcome.

    Each mail waits on the network (its delivery record's transaction, SendGrid,
    the record settled): sent one after the other, a batch whose people are all
    concerned would wait minutes. Every mail is tried before the task is failed
    when SendGrid was unavailable for some: those left to ``retry`` are sent by
    the task's next attempt, the others are never sent again.
    """
    from concurrent.futures import ThreadPoolExecutor

    def one(person: tuple[str, BeneficiaryProfile, dict[str, float]]) -> str:
        uid, profile, told = person
        try:
            return _send_one(catalogue, uid, profile, run_id, told)
        except TransientFailure:
            return "retry"

    firestore_client()  # made once, before the threads share it
    with ThreadPoolExecutor(max_workers=MAIL_THREADS) as pool:
        return list(pool.map(one, concerned))


def evaluate_batch(access: Access, batch: AlertBatch) -> str:
    """One batch task: re-evaluate the run's changed aids and e-mail who is concerned."""
    from shared.adapters.openfisca import collector_paused
    from shared.services import eligibility

    run = document_store.get(ALERT_RUNS.path(run_id=batch.run_id), AlertRun)
    if run is None:
        raise PermanentFailure("unknown_run")
    catalogue = load_catalogue()
    with collector_paused():
        households, people, skipped = _households(batch)
        # Only the aids the run's change concerns (all of them after an engine upgrade).
        rows = eligibility.evaluate_batch(households, run.month, run.aids) if households else []
    concerned: list[tuple[str, BeneficiaryProfile, dict[str, float]]] = []
    for (uid, profile, seen), row in zip(people, rows, strict=True):
        now_amounts = {aid: row[aid] for aid in run.aids if aid in row}
        told = rules.worth_telling(seen, now_amounts)
        if told:
            concerned.append((uid, profile, told))
    sent = failed = retry = 0
    for outcome in _send_all(catalogue, batch.run_id, concerned):
        if outcome == "sent":
            sent += 1
        elif outcome == "failed":
            failed += 1
        elif outcome == "retry":
            retry += 1
        else:
            skipped[outcome] = skipped.get(outcome, 0) + 1
    if retry:  # the task is retried: its next attempt sends those left and records the batch
        raise TransientFailure("mail_unavailable")
    path = ALERT_BATCHES.path(run_id=batch.run_id, batch_id=f"{batch.batch:05d}")
    record_batch(path, len(rows), len(concerned), sent, failed, skipped)
    log_event(
        "alert batch",
        run=batch.run_id,
        batch=batch.batch,
        evaluated=len(rows),
        newly_eligible=len(concerned),
        sent=sent,
        failed=failed,
        skipped=skipped,
    )
    return f"sent {sent}"


def record_batch(
    path: str,
    evaluated: int,
    concerned: int,
    sent: int,
    failed: int,
    skipped: dict[str, int],
) -> None:
    """Add one execution of a batch to its counts.

    A batch runs again only after a crash or under another task name; its
    mails are never sent twice (delivery records), so sends and failures add
    up exactly, while who was evaluated and skipped is the first execution's.
    """
    skipped = {k: v for k, v in skipped.items() if k != "already_handled"}

    def work(writes: Any) -> None:
        before = writes.get(path, AlertBatchResult)
        result = AlertBatchResult(
            evaluated=max(evaluated, before.evaluated if before else 0),
            newly_eligible=max(concerned, before.newly_eligible if before else 0),
            sent=sent + (before.sent if before else 0),
            failed=failed + (before.failed if before else 0),
            skipped=before.skipped if before else skipped,
            updated_at=datetime.now(UTC),
        )
        writes.set(path, result)

    document_store.run_in_transaction(work)


# ------------------------------------------------------------------ staff and people

RUN_NOT_FOUND = text("Aucune campagne d'alertes de ce nom.", "No alert run of that name.")


def batch_totals(collection: str, skipped_before: dict[str, int]) -> dict[str, Any]:
    """The counts of every batch recorded under ``collection``, summed, with the
    dispatch's own skips added to the batches' (staff read runs and campaigns so)."""
    done = [result for _, result in document_store.list_collection(collection, AlertBatchResult)]
    skipped = dict(skipped_before)
    for result in done:
        for reason, count in result.skipped.items():
            skipped[reason] = skipped.get(reason, 0) + count
    return {
        "batches_done": len(done),
        "evaluated": sum(b.evaluated for b in done),
        "newly_eligible": sum(b.newly_eligible for b in done),
        "sent": sum(b.sent for b in done),
        "failed": sum(b.failed for b in done),
        "skipped": skipped,
    }


def run_out(run_id: str) -> RunOut:
    """A run with the counts of every batch done so far."""
    run = document_store.get(ALERT_RUNS.path(run_id=run_id), AlertRun)
    if run is None:
        raise ApiError("not_found", RUN_NOT_FOUND)
    totals = batch_totals(ALERT_BATCHES.collection(run_id=run_id), run.skipped)
    return RunOut(
        id=run_id,
        **run.model_dump(
            include={
                "trigger",
                "status",
                "month",
                "engine_version",
                "catalogue_version",
                "reason",
                "aids",
                "new_aids",
                "changed_aids",
                "selected",
                "batches",
                "created_at",
            }
        ),
        **totals,
    )


STAFF_ONLY = text("Réservé au personnel.", "Staff only.")


def require_staff(access: Access) -> None:
    """The staff role must still be on the Auth record: a revoked role stops at once (R18)."""
    from shared.adapters import identity

    if identity.current_role(access.subject_uid) != ActorKind.STAFF.value:
        raise ApiError("forbidden", STAFF_ONLY)


def start_run(access: Access, request: RunRequest) -> tuple[RunOut, int]:
    """Staff: start a run now (after publishing a catalogue change or upgrading OpenFisca)."""
    require_staff(access)
    now = datetime.now(UTC)
    # Dates split by dashes: the logs mask long digit runs as identifier-like. Two
    # staff starting a run in the same second share it (the run is the same).
    run_id = f"op-{now:%Y-%m-%d-%H-%M-%S}"
    dispatch(run_id, "operator", now=now)
    log_event("alert run started by operator", run=run_id)
    return run_out(run_id), 201


def read_run(access: Access, run_id: str) -> RunOut:
    """Staff: what a run changed and did, as counts."""
    require_staff(access)
    return run_out(run_id)


UNSUBSCRIBE_REFUSED = text(
    "Ce lien de désabonnement n'est pas valide.",
    "This unsubscribe link is not valid.",
)


def unsubscribe(access: Access | None, token: str) -> Any:
    """One-click unsubscribe (RFC 8058), without signing in: the signed token names who."""
    from shared.models.alerts import UnsubscribeOut

    key = settings().mail_token_key
    found = rules.read_unsubscribe_token(key, token) if key else None
    if found is None:
        raise ApiError("link_invalid", UNSUBSCRIBE_REFUSED)
    mail_list, uid = found
    path = BENEFICIARY.path(uid=uid)

    def work(writes: Any) -> None:
        profile = writes.get(path, BeneficiaryProfile)
        if profile is None:
            return  # account gone: nothing is mailed to it anyway
        now = datetime.now(UTC)
        if mail_list == "alerts":
            writes.set(
                path, profile.model_copy(update={"alerts_by_email": False, "updated_at": now})
            )
            return
        # Promotion rests on consent (R10): leaving the list withdraws it, with its proof.
        state = profile.consents.get("promotion")
        if state is None or not state.granted:
            return
        withdrawn = ConsentState(granted=False, policy_version=state.policy_version, changed_at=now)
        consents = {**profile.consents, "promotion": withdrawn}
        writes.set(path, profile.model_copy(update={"consents": consents, "updated_at": now}))
        event_id = f"unsubscribe-promotion-{now:%Y-%m-%d-%H-%M-%S-%f}"
        writes.create(
            CONSENT_EVENTS.path(uid=uid, event_id=event_id),
            ConsentEvent(
                purpose="promotion",
                granted=False,
                policy_version=state.policy_version,
                at=now,
                source="unsubscribe_link",
            ),
        )

    document_store.run_in_transaction(work)
    log_event("unsubscribed", mail_list=mail_list)
    return UnsubscribeOut(unsubscribed_from=mail_list)
