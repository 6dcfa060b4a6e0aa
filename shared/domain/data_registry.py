"""The one registry of where user data lives, and the rules that go with each place.

Export (R27), erasure (R21, R22, R28) and retention (R19, R23) all read this
list, and the document store refuses to write a Firestore path it does not
list, so a new collection cannot be forgotten by any of them. Every place
declares, as data:

* its **store kind**: a Firestore collection, a Cloud Storage prefix, the
  Firebase Auth record, the mail provider's contact or suppression data, or
  the payloads of tasks waiting in a queue;
* its **locator**: how one person's data is found there, either a segment of
  the path (``beneficiaries/{uid}``) or a field (a mandate's
  ``beneficiary_uid``, the journal's pseudonymous ``target_ref``);
* its **export rule**: what of it a portability export contains;
* its **retention**: how long, counted from which date, on which legal basis,
  from the privacy policy §5 (R19–R23).

Paths are built from these declarations (:meth:`DataLocation.path`), never
written by hand in a service. This module is pure: the stored model of each
Firestore location is bound in :mod:`shared.models.stored`, so nothing here
imports ``shared.models``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from shared.domain.data_categories import DataCategory
from shared.domain.purposes import LegalBasis


class StoreKind(StrEnum):
    FIRESTORE = "firestore_collection"
    STORAGE = "storage_prefix"
    AUTH = "firebase_auth_record"
    MAIL_PROVIDER = "mail_provider"
    TASK_PAYLOADS = "task_payloads"


class LocatorKind(StrEnum):
    # The person's uid is a segment of the path (``{uid}`` in the pattern).
    PATH_SEGMENT = "path_segment"
    # The person is named by a field of each record (a query finds them).
    FIELD = "field"
    # The records name no person (operational bookkeeping).
    NO_PERSON = "no_person"


@dataclass(frozen=True)
class Locator:
    """How one person's data is found in a location."""

    kind: LocatorKind
    name: str = ""  # the path segment or the field holding the person's reference
    pseudonymised: bool = False  # the field holds the keyed hash of the uid, not the uid

    def __post_init__(self) -> None:
        if (self.kind is LocatorKind.NO_PERSON) != (not self.name):
            raise ValueError("a locator names its segment or field, unless it finds no person")


class ExportKind(StrEnum):
    ALL = "all"  # every field or object goes into the export
    FIELDS = "fields"  # only the listed fields
    NOTHING = "nothing"  # not exported; ``reason`` says why


@dataclass(frozen=True)
class ExportRule:
    """What of a location goes into a portability export (R27)."""

    kind: ExportKind
    fields: tuple[str, ...] = ()
    reason: str = ""

    def __post_init__(self) -> None:
        if (self.kind is ExportKind.FIELDS) != bool(self.fields):
            raise ValueError("an export of some fields lists them, and only then")
        if self.kind is ExportKind.NOTHING and not self.reason:
            raise ValueError("a location left out of exports says why")


class CountedFrom(StrEnum):
    """The date a retention period starts from."""

    LAST_ACTIVITY = "last_activity"  # R19: 3 years of inactivity
    CREATED = "created"
    CONSENT_WITHDRAWN = "consent_withdrawn"  # R9: withdrawal empties the vault
    OBJECTION = "objection"
    DELIVERY = "delivery"  # a task payload lives until it is delivered
    CONTRACT_END = "contract_end"  # R20: client data counts from the end of the contract
    LAST_CONTACT = "last_contact"  # R4: a prospect's data counts from their last contact


class OnErasure(StrEnum):
    DELETE = "delete"
    # Kept because it holds no personal data in clear (keyed hashes only) and
    # proves past accesses (R14); the hashes become unlinkable when the
    # profile is gone.
    KEEP_PSEUDONYMOUS = "keep_pseudonymous"


@dataclass(frozen=True)
class Retention:
    """How long data is kept: ``days`` after ``counted_from``, on ``legal_basis``.

    Deletion of the account or an erasure request deletes earlier (R21, R22)
    whatever the period.
    """

    days: int
    counted_from: CountedFrom
    legal_basis: LegalBasis
    source: str  # where the period comes from: policy section and requirement ids

    def __post_init__(self) -> None:
        if self.days < 0 or not self.source:
            raise ValueError("a retention has a non-negative period and cites its source")


THREE_YEARS = 3 * 365

# Policy §5, R19: contact, identification, preferences and requests data, kept
# for the life of the service, deleted after 3 years of inactivity.
ACCOUNT_LIFETIME = Retention(
    THREE_YEARS, CountedFrom.LAST_ACTIVITY, LegalBasis.CONTRACT, "policy §5; R19, R21"
)


@dataclass(frozen=True)
class DataLocation:
    """One place holding user data, with everything export, erasure and retention need."""

    key: str
    store: StoreKind
    pattern: str  # Firestore path pattern, object prefix, or the provider's record name
    locator: Locator
    export: ExportRule
    retention: Retention
    on_erasure: OnErasure
    description: str
    bucket: str = ""  # Storage only: the Settings attribute naming the bucket
    category: DataCategory | None = None  # non-Firestore stores: the one category held
    segments: tuple[str, ...] = field(init=False, default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "segments", tuple(re.findall(r"\{([a-z_]+)\}", self.pattern)))
        if self.locator.kind is LocatorKind.PATH_SEGMENT and self.locator.name not in self.segments:
            raise ValueError(f"{self.key}: locator segment {self.locator.name!r} not in pattern")
        if (self.store is StoreKind.STORAGE) != bool(self.bucket):
            raise ValueError(f"{self.key}: a Storage prefix names its bucket, and only it")
        if self.store is not StoreKind.FIRESTORE and self.category is None:
            raise ValueError(f"{self.key}: declare the data category held outside Firestore")

    def path(self, **ids: str) -> str:
        """The concrete path (or prefix) with every ``{segment}`` filled in."""
        missing = set(self.segments) - set(ids)
        if missing or set(ids) - set(self.segments):
            raise KeyError(f"{self.key} needs exactly {self.segments}, got {sorted(ids)}")
        return _fill(self.pattern, ids)

    def collection(self, **ids: str) -> str:
        """Firestore only: the collection holding the documents, e.g. to list or add."""
        parent, _, last = self.pattern.rpartition("/")
        if self.store is not StoreKind.FIRESTORE or not last.startswith("{"):
            raise ValueError(f"{self.key} is not a Firestore collection of documents")
        return _fill(parent, ids)

    @property
    def collection_pattern(self) -> str:
        return self.pattern.rsplit("/", 1)[0]

    @property
    def collection_group(self) -> str:
        """The last collection name of the pattern: what a collection-group query names."""
        return self.collection_pattern.rsplit("/", 1)[-1]

    @property
    def nested(self) -> bool:
        """Whether the documents sit under a parent document (found by collection group)."""
        return "{" in self.collection_pattern

    def matches(self, document_path: str) -> bool:
        regex = "^" + re.sub(r"\\\{[a-z_]+\\\}", r"[^/]+", re.escape(self.pattern)) + "$"
        return re.match(regex, document_path) is not None

    def subject_of(self, path: str) -> str | None:
        """The person a path of this location belongs to, read at the locator's segment.

        A Storage prefix matches the start of an object name (and needs something
        after it); other stores match the whole path. ``None`` when the path is
        not of this location or the locator is not a path segment.
        """
        if self.locator.kind is not LocatorKind.PATH_SEGMENT:
            return None
        regex = re.sub(r"\\\{([a-z_]+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.pattern))
        tail = ".+" if self.store is StoreKind.STORAGE else ""
        found = re.fullmatch(regex + tail, path)
        return found.group(self.locator.name) if found else None


def _fill(pattern: str, ids: dict[str, str]) -> str:
    for name, value in ids.items():
        if not value or "/" in value:
            raise ValueError(f"{name} must be a non-empty path segment")
        pattern = pattern.replace("{" + name + "}", value)
    if "{" in pattern:
        raise KeyError(f"unfilled segment in {pattern!r}")
    return pattern


UID = Locator(LocatorKind.PATH_SEGMENT, "uid")

# ------------------------------------------------------------------ Firestore


def account_data(key: str, pattern: str, description: str) -> DataLocation:
    """Firestore data of one beneficiary's account, under ``beneficiaries/{uid}``.

    Found by the uid segment, exported whole (R27), kept for the life of the
    account and deleted with it (R19, R21).
    """
    return DataLocation(
        key=key,
        store=StoreKind.FIRESTORE,
        pattern=pattern,
        locator=UID,
        export=ExportRule(ExportKind.ALL),
        retention=ACCOUNT_LIFETIME,
        on_erasure=OnErasure.DELETE,
        description=description,
    )


BENEFICIARY = account_data(
    "beneficiary",
    "beneficiaries/{uid}",
    "Beneficiary account: contact, preferences, consents, policy acceptance.",
)
CONSENT_EVENTS = account_data(
    "consent_events",
    "beneficiaries/{uid}/consent_events/{event_id}",
    "History of consent grants and withdrawals (proof of consent, R9, R10).",
)
SIMULATIONS = account_data(
    "simulations",
    "beneficiaries/{uid}/simulations/{simulation_id}",
    "Questionnaire answers and result snapshots, kept to follow aids (R6).",
)
AID_OUTCOMES = account_data(
    "aid_outcomes",
    "beneficiaries/{uid}/aid_outcomes/{aid_id}",
    "What the beneficiary reported per aid: applied, granted and amount, refused.",
)
MANDATES = DataLocation(
    key="mandates",
    store=StoreKind.FIRESTORE,
    pattern="mandates/{mandate_id}",
    locator=Locator(LocatorKind.FIELD, "beneficiary_uid"),
    export=ExportRule(ExportKind.ALL),
    # R16: the mandate is the beneficiary's prior consent to an aidant's access;
    # it lives with the beneficiary's account.
    retention=Retention(
        THREE_YEARS, CountedFrom.LAST_ACTIVITY, LegalBasis.CONSENT, "policy §3, §5; R16, R19"
    ),
    on_erasure=OnErasure.DELETE,
    description="A beneficiary's mandate letting one aidant act on their data, with its scopes.",
)
AUDIT_JOURNAL = DataLocation(
    key="audit_journal",
    store=StoreKind.FIRESTORE,
    pattern="audit_journal/{entry_id}",
    locator=Locator(LocatorKind.FIELD, "target_ref", pseudonymised=True),
    export=ExportRule(ExportKind.FIELDS, fields=("actor_role", "action", "reason", "at")),
    # R14: proof of staff and aidant accesses; CNIL recommends 6 months to 1
    # year for access logs (délibération 2021-122, recommandation journalisation).
    retention=Retention(
        365, CountedFrom.CREATED, LegalBasis.LEGITIMATE_INTEREST, "policy §4; R14, R23"
    ),
    on_erasure=OnErasure.KEEP_PSEUDONYMOUS,
    description="Append-only journal of accesses where the actor is not the subject (R14).",
)
WORKER_RECEIPTS = DataLocation(
    key="worker_receipts",
    store=StoreKind.FIRESTORE,
    pattern="worker_receipts/{receipt_id}",
    locator=Locator(LocatorKind.NO_PERSON),
    export=ExportRule(ExportKind.NOTHING, reason="names no person: task and job names only"),
    # Long enough to absorb Cloud Tasks' longest retry window (31 days).
    retention=Retention(
        31, CountedFrom.CREATED, LegalBasis.LEGITIMATE_INTEREST, "operational; R23"
    ),
    on_erasure=OnErasure.KEEP_PSEUDONYMOUS,
    description="Idempotency receipts of task and event deliveries (at-least-once queues).",
)

# Vault and pre-filled forms (R7, R9): the record of each file kept in the vault,
# uploaded or generated (a pre-filled form is a vault document of kind
# ``application_form``). Consent-based like the files themselves: withdrawing the
# vault consent deletes the records with the objects (shared/services/vault.py).
VAULT_CONSENT = Retention(0, CountedFrom.CONSENT_WITHDRAWN, LegalBasis.CONSENT, "policy §2.2.7; R9")
VAULT_DOCUMENTS = DataLocation(
    key="vault_documents",
    store=StoreKind.FIRESTORE,
    pattern="beneficiaries/{uid}/vault_documents/{document_id}",
    locator=UID,
    export=ExportRule(ExportKind.ALL),
    retention=VAULT_CONSENT,
    on_erasure=OnErasure.DELETE,
    description="One record per vault file, uploaded or a generated form: kind, aids, "
    "sanitised name, checks (R7, R9).",
)

# ------------------------------------------------------------------ client organisations

# R20 (policy §5): client data kept 5 years after the contract ends, client
# payment data 10 years (accounting records: Code de commerce, art. L123-22).
CLIENT_DATA = Retention(
    5 * 365, CountedFrom.CONTRACT_END, LegalBasis.LEGAL_OBLIGATION, "policy §5; R11, R20"
)
CLIENT_PAYMENT_DATA = Retention(
    10 * 365,
    CountedFrom.CONTRACT_END,
    LegalBasis.LEGAL_OBLIGATION,
    "policy §5; R20; Code de commerce L123-22",
)
ORGANISATIONS = DataLocation(
    key="organisations",
    store=StoreKind.FIRESTORE,
    pattern="organisations/{org_id}",
    locator=Locator(LocatorKind.NO_PERSON),
    export=ExportRule(ExportKind.NOTHING, reason="client data of an organisation (R11)"),
    retention=CLIENT_DATA,
    on_erasure=OnErasure.KEEP_PSEUDONYMOUS,
    description="A client organisation: contract dates and billing contact (R11, R20).",
)
CLIENT_ADMINS = DataLocation(
    key="client_admins",
    store=StoreKind.FIRESTORE,
    pattern="client_admins/{member_id}",
    locator=Locator(LocatorKind.FIELD, "uid"),
    export=ExportRule(ExportKind.FIELDS, fields=("org_id", "added_at")),
    retention=CLIENT_DATA,
    on_erasure=OnErasure.DELETE,
    description="Who administers which organisation (client_admin role, R3).",
)
CLIENT_INVITATIONS = DataLocation(
    key="client_invitations",
    store=StoreKind.FIRESTORE,
    pattern="client_invitations/{invitation_id}",
    locator=Locator(LocatorKind.FIELD, "email"),
    export=ExportRule(ExportKind.FIELDS, fields=("org_id", "email", "invited_at")),
    retention=CLIENT_DATA,
    on_erasure=OnErasure.DELETE,
    description="Professional addresses an organisation invited; all it learns back (R3).",
)
CLIENT_PAYMENTS = DataLocation(
    key="client_payments",
    store=StoreKind.FIRESTORE,
    pattern="client_payments/{payment_id}",
    locator=Locator(LocatorKind.NO_PERSON),
    export=ExportRule(ExportKind.NOTHING, reason="payments of an organisation, not of a person"),
    retention=CLIENT_PAYMENT_DATA,
    on_erasure=OnErasure.KEEP_PSEUDONYMOUS,
    description="Payments by client organisations (R11, R20).",
)

SSO_PARTNERS = DataLocation(
    key="sso_partners",
    store=StoreKind.FIRESTORE,
    pattern="sso_partners/{org_id}",
    locator=Locator(LocatorKind.NO_PERSON),
    export=ExportRule(ExportKind.NOTHING, reason="an organisation's sign-on settings (R2)"),
    retention=CLIENT_DATA,
    on_erasure=OnErasure.KEEP_PSEUDONYMOUS,
    description="How an organisation's intranet signs its hand-offs: issuer, JWKS, algorithm.",
)
SSO_USED_ASSERTIONS = DataLocation(
    key="sso_used_assertions",
    store=StoreKind.FIRESTORE,
    pattern="sso_used_assertions/{assertion_id}",
    locator=Locator(LocatorKind.NO_PERSON),
    export=ExportRule(ExportKind.NOTHING, reason="keyed hashes of assertion ids, no person"),
    # Needed only until the assertion expires (5 minutes at most); a day covers clock skew.
    retention=Retention(1, CountedFrom.CREATED, LegalBasis.LEGITIMATE_INTEREST, "R2, R23"),
    on_erasure=OnErasure.KEEP_PSEUDONYMOUS,
    description="Assertion ids already used, so that a hand-off works once (R2).",
)

# ------------------------------------------------------------------ support and prospects


# R8: a beneficiary's conversations with support are requests data (policy §2.1,
# §2.2.6), kept like the rest of the account (§5, R19) and deleted with it. Stored
# outside ``beneficiaries/{uid}`` so that an agent's queue is one query; each
# record names its beneficiary.
def support_data(key: str, pattern: str, fields: tuple[str, ...], description: str) -> DataLocation:
    """Requests data of one beneficiary's support conversations, naming them in a field."""
    return DataLocation(
        key=key,
        store=StoreKind.FIRESTORE,
        pattern=pattern,
        locator=Locator(LocatorKind.FIELD, "beneficiary_uid"),
        export=ExportRule(ExportKind.FIELDS, fields=fields),
        # The account's 3 years of inactivity (§5), on support's own basis (§2.2.6).
        retention=Retention(
            THREE_YEARS,
            CountedFrom.LAST_ACTIVITY,
            LegalBasis.LEGITIMATE_INTEREST,
            "policy §2.2.6, §5; R8, R19",
        ),
        on_erasure=OnErasure.DELETE,
        description=description,
    )


SUPPORT_THREADS = support_data(
    "support_threads",
    "support_threads/{thread_id}",
    ("queue", "subject", "opened_at", "last_message_at"),
    "A beneficiary's conversation with support: topic queue, subject, dates (R8).",
)
# The agent's keyed hash stays out of the export: it says nothing to the beneficiary.
SUPPORT_MESSAGES = support_data(
    "support_messages",
    "support_messages/{message_id}",
    ("thread_id", "author", "body", "sent_at"),
    "One message of a support conversation, by the beneficiary or support (R8).",
)
# R4 (policy §2.2.1): a prospect's contact data, kept 3 years from their last
# contact (CNIL, référentiel « gestion des activités commerciales », délibération
# n° 2021-131), on the legitimate interest of answering the request.
DEMO_REQUESTS = DataLocation(
    key="demo_requests",
    store=StoreKind.FIRESTORE,
    pattern="demo_requests/{request_id}",
    locator=Locator(LocatorKind.FIELD, "email"),
    export=ExportRule(
        ExportKind.FIELDS,
        fields=("company", "given_name", "family_name", "email", "phone", "received_at"),
    ),
    retention=Retention(
        THREE_YEARS,
        CountedFrom.LAST_CONTACT,
        LegalBasis.LEGITIMATE_INTEREST,
        "policy §2.2.1; R4, R23; CNIL délibération 2021-131 (prospects: 3 ans)",
    ),
    on_erasure=OnErasure.DELETE,
    description="A prospect's demo request: company, contact person and message (R4).",
)
DEMO_REQUEST_LIMITS = DataLocation(
    key="demo_request_limits",
    store=StoreKind.FIRESTORE,
    pattern="demo_request_limits/{window_id}",
    locator=Locator(LocatorKind.NO_PERSON),
    export=ExportRule(ExportKind.NOTHING, reason="keyed hashes of client addresses, no person"),
    # A counter matters only during its window (an hour); a day covers clock skew.
    retention=Retention(1, CountedFrom.CREATED, LegalBasis.LEGITIMATE_INTEREST, "R4, R23"),
    on_erasure=OnErasure.KEEP_PSEUDONYMOUS,
    description="Demo requests counted per hashed client address and hour (abuse limit, R4).",
)

# ------------------------------------------------------------------ other stores

VAULT_OBJECTS = DataLocation(
    key="vault_objects",
    store=StoreKind.STORAGE,
    bucket="vault_bucket",
    pattern="{uid}/",
    locator=UID,
    export=ExportRule(ExportKind.ALL),
    # R9: the vault rests on consent; withdrawing it empties the vault.
    retention=VAULT_CONSENT,
    on_erasure=OnErasure.DELETE,
    category=DataCategory.DIAGNOSTIC,
    description="Supporting documents the beneficiary keeps in the vault (R9).",
)
EXPORT_OBJECTS = DataLocation(
    key="export_objects",
    store=StoreKind.STORAGE,
    bucket="exports_bucket",
    pattern="{uid}/",
    locator=UID,
    export=ExportRule(ExportKind.NOTHING, reason="an export is itself a copy of the data"),
    # R27: a copy handed to the user, not kept (bucket lifecycle, infra/storage.tf).
    retention=Retention(7, CountedFrom.CREATED, LegalBasis.LEGAL_OBLIGATION, "policy §8; R27"),
    on_erasure=OnErasure.DELETE,
    category=DataCategory.DIAGNOSTIC,
    description="Portability exports waiting to be downloaded (R27).",
)
AUTH_RECORD = DataLocation(
    key="auth_record",
    store=StoreKind.AUTH,
    pattern="users/{uid}",
    locator=UID,
    export=ExportRule(
        ExportKind.FIELDS, fields=("email", "email_verified", "created_at", "last_sign_in_at")
    ),
    retention=ACCOUNT_LIFETIME,
    on_erasure=OnErasure.DELETE,
    category=DataCategory.IDENTIFICATION,
    description="Firebase Auth account: e-mail, password hash, sign-in dates, role claim.",
)
MAIL_CONTACTS = DataLocation(
    key="mail_contacts",
    store=StoreKind.MAIL_PROVIDER,
    pattern="marketing/contacts",
    locator=Locator(LocatorKind.FIELD, "email"),
    export=ExportRule(ExportKind.FIELDS, fields=("email", "first_name", "last_name")),
    retention=ACCOUNT_LIFETIME,
    on_erasure=OnErasure.DELETE,
    category=DataCategory.CONTACT,
    description="Contacts held by the mail provider (SendGrid) for news and alerts (R5, R10).",
)
MAIL_SUPPRESSIONS = DataLocation(
    key="mail_suppressions",
    store=StoreKind.MAIL_PROVIDER,
    pattern="suppression/unsubscribes",
    locator=Locator(LocatorKind.FIELD, "email"),
    export=ExportRule(ExportKind.FIELDS, fields=("email", "created")),
    # Kept so that an objection keeps being honoured (R26); same 3-year period
    # as contact data (§5), counted from the objection.
    retention=Retention(
        THREE_YEARS, CountedFrom.OBJECTION, LegalBasis.LEGAL_OBLIGATION, "policy §5, §8; R26"
    ),
    on_erasure=OnErasure.DELETE,
    category=DataCategory.PREFERENCES,
    description="Addresses that unsubscribed or bounced, so that no mail reaches them again.",
)
TASK_PAYLOADS = DataLocation(
    key="task_payloads",
    store=StoreKind.TASK_PAYLOADS,
    pattern="queues/{queue}",
    locator=Locator(LocatorKind.FIELD, "uid"),
    export=ExportRule(ExportKind.NOTHING, reason="transient: consumed when delivered"),
    # Cloud Tasks keeps an undelivered task at most 31 days.
    retention=Retention(31, CountedFrom.DELIVERY, LegalBasis.CONTRACT, "operational; R23"),
    on_erasure=OnErasure.DELETE,
    category=DataCategory.IDENTIFICATION,
    description=(
        "Payloads of tasks waiting in a Cloud Tasks queue: the uid of one person, or a list "
        "of people, in the fields each task kind declares (TASK_KINDS)."
    ),
)


@dataclass(frozen=True)
class TaskKind:
    """One kind of queued task, named by the worker job its URL ends with.

    It declares which payload fields name people, so that erasure (R21, R22)
    reaches every pending task about a person without knowing any feature:

    * ``person_fields`` hold the uid of the one person the task is about: the
      task is deleted;
    * ``people_fields`` hold a list of uids (a batch): the task is queued again
      without the erased person, so that the others are still served.

    A kind naming no person says why in ``reason``. The task queue refuses to
    enqueue a kind declared nowhere here.
    """

    job: str
    person_fields: tuple[str, ...] = ()
    people_fields: tuple[str, ...] = ()
    reason: str = ""

    def __post_init__(self) -> None:
        if not (self.person_fields or self.people_fields) and not self.reason:
            raise ValueError(f"{self.job}: a task kind naming no person says why")


TASK_KINDS = (
    TaskKind("build_export", person_fields=("uid",)),
    TaskKind("evaluate_batch", people_fields=("uids",)),
    TaskKind("send_campaign", people_fields=("uids",)),
    TaskKind("erase", reason="the job id only: the keyed hash of the uid"),
)


class UnregisteredTaskKind(LookupError):
    """A task aimed at a worker job that :data:`TASK_KINDS` does not declare."""


def task_kind(url: str) -> TaskKind:
    """The declared kind of a task posting to ``url`` (its last path segment is the job)."""
    job = url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    for kind in TASK_KINDS:
        if kind.job == job:
            return kind
    raise UnregisteredTaskKind(f"no task kind declared for job {job!r}")


# ------------------------------------------------------------------ privacy rights (R21-R30)

# Proof that a right was answered (GDPR art. 5.2 accountability, art. 12): kept
# for the civil limitation period, 5 years (code civil art. 2224), with no
# personal data in clear once the job ends.
FIVE_YEARS = 5 * 365

ERASURE_JOBS = DataLocation(
    key="erasure_jobs",
    store=StoreKind.FIRESTORE,
    pattern="erasure_jobs/{job_id}",
    locator=Locator(LocatorKind.FIELD, "subject_ref", pseudonymised=True),
    export=ExportRule(ExportKind.FIELDS, fields=("status", "requested_at", "confirmed_at")),
    retention=Retention(
        FIVE_YEARS,
        CountedFrom.CREATED,
        LegalBasis.LEGAL_OBLIGATION,
        "RGPD art. 5.2, 12; code civil art. 2224; R21, R28, R30",
    ),
    on_erasure=OnErasure.KEEP_PSEUDONYMOUS,
    description=(
        "One erasure: status per store, final scan and receipt; the uid and e-mail it"
        " needs while running are cleared when it ends (R21, R22, R28)."
    ),
)
EXPORTS = DataLocation(
    key="exports",
    store=StoreKind.FIRESTORE,
    pattern="beneficiaries/{uid}/exports/{export_id}",
    locator=UID,
    export=ExportRule(ExportKind.NOTHING, reason="describes an export, itself a copy of the data"),
    # R27: the archive it describes expires after 7 days (bucket lifecycle).
    retention=Retention(7, CountedFrom.CREATED, LegalBasis.LEGAL_OBLIGATION, "policy §8; R27"),
    on_erasure=OnErasure.DELETE,
    description="One portability export: progress per location, archive name, recipient (R27).",
)
INACTIVITY_WARNINGS = DataLocation(
    key="inactivity_warnings",
    store=StoreKind.FIRESTORE,
    pattern="beneficiaries/{uid}/inactivity_warnings/{warning_id}",
    locator=UID,
    export=ExportRule(ExportKind.ALL),
    retention=ACCOUNT_LIFETIME,
    on_erasure=OnErasure.DELETE,
    description="The e-mail warning sent 30 days before erasure for inactivity (R19).",
)
RETENTION_RUNS = DataLocation(
    key="retention_runs",
    store=StoreKind.FIRESTORE,
    pattern="retention_runs/{run_id}",
    locator=Locator(LocatorKind.NO_PERSON),
    export=ExportRule(ExportKind.NOTHING, reason="names no person: counts per location only"),
    retention=Retention(
        FIVE_YEARS, CountedFrom.CREATED, LegalBasis.LEGAL_OBLIGATION, "RGPD art. 5.2; R23"
    ),
    on_erasure=OnErasure.KEEP_PSEUDONYMOUS,
    description="What each daily retention sweep did, as counts per location (R19, R23).",
)
# ------------------------------------------------------------------ smart alerts (R5)


def mailing_counts(
    key: str, pattern: str, reason: str, description: str, source: str
) -> DataLocation:
    """Counts of a mailing (an alert run, a campaign, or one of their batches): no person.

    Kept a year: what changed and what each mailing sent is how operators answer
    "why did (not) I get this mail" within the yearly review of processing.
    """
    return DataLocation(
        key=key,
        store=StoreKind.FIRESTORE,
        pattern=pattern,
        locator=Locator(LocatorKind.NO_PERSON),
        export=ExportRule(ExportKind.NOTHING, reason=reason),
        retention=Retention(365, CountedFrom.CREATED, LegalBasis.LEGITIMATE_INTEREST, source),
        on_erasure=OnErasure.KEEP_PSEUDONYMOUS,
        description=description,
    )


ALERT_RUNS = mailing_counts(
    "alert_runs",
    "alert_runs/{run_id}",
    "names no person: aid ids, versions, counts",
    "One smart-alert run: what changed since the last, counts of who was told (R5).",
    "operational; R5, R23",
)
ALERT_BATCHES = mailing_counts(
    "alert_batches",
    "alert_runs/{run_id}/batches/{batch_id}",
    "names no person: counts of one batch",
    "What one batch of a smart-alert run did, as counts (R5).",
    "operational; R5, R23",
)
ALERT_DELIVERIES = account_data(
    "alert_deliveries",
    "beneficiaries/{uid}/alert_deliveries/{run_id}",
    "The alert mail of one run to the beneficiary: aids and amounts told, status (R5).",
)
SUPPRESSED_ADDRESSES = DataLocation(
    key="suppressed_addresses",
    store=StoreKind.FIRESTORE,
    pattern="suppressed_addresses/{address_key}",
    locator=Locator(LocatorKind.FIELD, "email"),
    export=ExportRule(ExportKind.FIELDS, fields=("email", "reason", "created_at")),
    # Same period as the provider's suppression list: long enough that an
    # address reported as spam is never mailed again while contact data is kept.
    retention=Retention(
        THREE_YEARS, CountedFrom.CREATED, LegalBasis.LEGITIMATE_INTEREST, "policy §5, §8; R26"
    ),
    on_erasure=OnErasure.DELETE,
    description="Addresses that bounced or reported a mail as spam: no mail reaches them again.",
)
# Promotion (R10): the campaigns' texts and counts name no person; what each
# person was sent lives with their account.
CAMPAIGNS = mailing_counts(
    "campaigns",
    "campaigns/{campaign_id}",
    "names no person: a newsletter's text, counts",
    "One newsletter or survey sent to holders of the promotion consent (R10).",
    "operational; R10, R23",
)
CAMPAIGN_BATCHES = mailing_counts(
    "campaign_batches",
    "campaigns/{campaign_id}/batches/{batch_id}",
    "names no person: counts of one batch",
    "What one batch of a campaign sent, as counts (R10).",
    "operational; R10, R23",
)
CAMPAIGN_DELIVERIES = DataLocation(
    key="campaign_deliveries",
    store=StoreKind.FIRESTORE,
    pattern="beneficiaries/{uid}/campaign_deliveries/{campaign_id}",
    locator=UID,
    export=ExportRule(ExportKind.ALL),
    # Proof that a promotion mail went only under a consent held at send time (R10).
    retention=Retention(
        THREE_YEARS, CountedFrom.CREATED, LegalBasis.CONSENT, "policy §2.2.8, §5; R10, R19"
    ),
    on_erasure=OnErasure.DELETE,
    description="The mail of one campaign to the beneficiary: status, provider id (R10).",
)
ALERT_LOCATIONS: tuple[DataLocation, ...] = (
    ALERT_RUNS,
    ALERT_BATCHES,
    ALERT_DELIVERIES,
    SUPPRESSED_ADDRESSES,
    CAMPAIGNS,
    CAMPAIGN_BATCHES,
    CAMPAIGN_DELIVERIES,
)

POST_MORTEM_DIRECTIVES = account_data(
    "post_mortem_directives",
    "beneficiaries/{uid}/directives/{directive_id}",
    "What the person wants done with their data after death — keep, erase or communicate"
    " — and the trusted contact who receives it (R29).",
)
# Proof that a rights duty was met (R29, R30), kept like an erasure job: 5 years,
# named by the keyed hash of the person only.
PROOF_OF_ANSWER = Retention(
    FIVE_YEARS,
    CountedFrom.CREATED,
    LegalBasis.LEGAL_OBLIGATION,
    "RGPD art. 5.2, 12; code civil art. 2224; R29, R30",
)
DIRECTIVE_EXECUTIONS = DataLocation(
    key="directive_executions",
    store=StoreKind.FIRESTORE,
    pattern="directive_executions/{execution_id}",
    locator=Locator(LocatorKind.FIELD, "subject_ref", pseudonymised=True),
    export=ExportRule(ExportKind.FIELDS, fields=("choice", "death_notice_verified_on", "at")),
    retention=PROOF_OF_ANSWER,
    on_erasure=OnErasure.KEEP_PSEUDONYMOUS,
    description=(
        "A post-mortem directive carried out by a privacy officer on a verified death"
        " notice: choice, evidence kind, dates, the state of each step, the export or"
        " erasure it started (R29); the trusted contact's name and address only until"
        " the steps end."
    ),
)
RIGHTS_REQUESTS = DataLocation(
    key="rights_requests",
    store=StoreKind.FIRESTORE,
    pattern="rights_requests/{request_id}",
    locator=Locator(LocatorKind.FIELD, "subject_ref", pseudonymised=True),
    export=ExportRule(
        ExportKind.FIELDS, fields=("kind", "channel", "received_on", "due_on", "answered_on")
    ),
    retention=PROOF_OF_ANSWER,
    on_erasure=OnErasure.KEEP_PSEUDONYMOUS,
    description=(
        "A rights request received by post or e-mail: kind, identity check, dates, extension"
        " and each step; the reply address is cleared once answered (R30)."
    ),
)
RULES_CHECKS = DataLocation(
    key="rules_checks",
    store=StoreKind.FIRESTORE,
    pattern="rules_checks/{check_id}",
    locator=Locator(LocatorKind.NO_PERSON),
    export=ExportRule(ExportKind.NOTHING, reason="names no person: aids and legal parameters"),
    retention=Retention(FIVE_YEARS, CountedFrom.CREATED, LegalBasis.LEGITIMATE_INTEREST, "R6, R23"),
    on_erasure=OnErasure.KEEP_PSEUDONYMOUS,
    description=(
        "What each daily check of the engine's rules found: the catalogue aids whose "
        "OpenFisca parameters are past their last known value (R6)."
    ),
)
PRIVACY_LOCATIONS: tuple[DataLocation, ...] = (
    ERASURE_JOBS,
    EXPORTS,
    INACTIVITY_WARNINGS,
    RETENTION_RUNS,
    POST_MORTEM_DIRECTIVES,
    DIRECTIVE_EXECUTIONS,
    RIGHTS_REQUESTS,
)

USER_DATA_LOCATIONS: tuple[DataLocation, ...] = (
    BENEFICIARY,
    CONSENT_EVENTS,
    SIMULATIONS,
    AID_OUTCOMES,
    MANDATES,
    AUDIT_JOURNAL,
    WORKER_RECEIPTS,
    ORGANISATIONS,
    CLIENT_ADMINS,
    CLIENT_INVITATIONS,
    CLIENT_PAYMENTS,
    SSO_PARTNERS,
    SSO_USED_ASSERTIONS,
    VAULT_OBJECTS,
    EXPORT_OBJECTS,
    AUTH_RECORD,
    MAIL_CONTACTS,
    MAIL_SUPPRESSIONS,
    TASK_PAYLOADS,
    VAULT_DOCUMENTS,
    SUPPORT_THREADS,
    SUPPORT_MESSAGES,
    DEMO_REQUESTS,
    DEMO_REQUEST_LIMITS,
    *PRIVACY_LOCATIONS,
    *ALERT_LOCATIONS,
    RULES_CHECKS,
)

FIRESTORE_LOCATIONS = tuple(x for x in USER_DATA_LOCATIONS if x.store is StoreKind.FIRESTORE)
STORAGE_LOCATIONS = tuple(x for x in USER_DATA_LOCATIONS if x.store is StoreKind.STORAGE)


@dataclass(frozen=True)
class PersonalData:
    """Where one person's data is in one location: a path or prefix, or a field to query."""

    location: DataLocation
    path: str = ""  # PATH_SEGMENT locators: the document path, collection or prefix
    field: str = ""  # FIELD locators: the field to compare…
    value: str = ""  # …with this value (the uid, its keyed hash, or the e-mail)


def personal_data_of(uid: str, *, uid_ref: str, email: str) -> list[PersonalData]:
    """Every place one person's data may be, from the registry alone.

    What export (R27), erasure (R21, R22, R28) and retention (R19, R23) walk:
    a location added to the registry is walked too. ``uid_ref`` is the keyed
    hash of ``uid`` (pseudonymised locators), ``email`` the address the mail
    provider knows. Locations that name no person are skipped.
    """
    found: list[PersonalData] = []
    for location in USER_DATA_LOCATIONS:
        locator = location.locator
        if locator.kind is LocatorKind.PATH_SEGMENT:
            ids = {locator.name: uid}
            # One document per item under the person's segment: their collection holds all.
            whole = location.segments == (locator.name,)
            path = location.path(**ids) if whole else location.collection(**ids)
            found.append(PersonalData(location, path=path))
        elif locator.kind is LocatorKind.FIELD:
            if locator.pseudonymised:
                value = uid_ref
            elif locator.name == "email":
                value = email
            else:
                value = uid
            found.append(PersonalData(location, field=locator.name, value=value))
    return found


class UnregisteredLocation(LookupError):
    """A write aimed at a path the registry does not list."""


def location_of(document_path: str) -> DataLocation:
    """The registered Firestore location of ``document_path``, or :class:`UnregisteredLocation`."""
    for location in FIRESTORE_LOCATIONS:
        if location.matches(document_path):
            return location
    raise UnregisteredLocation(f"no data location registered for {document_path!r}")


def collection_patterns() -> set[str]:
    return {location.collection_pattern for location in FIRESTORE_LOCATIONS}
