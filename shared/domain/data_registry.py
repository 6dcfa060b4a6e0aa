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
    description="Payloads of tasks waiting in a Cloud Tasks queue (they carry the subject's uid).",
)

USER_DATA_LOCATIONS: tuple[DataLocation, ...] = (
    BENEFICIARY,
    CONSENT_EVENTS,
    SIMULATIONS,
    AID_OUTCOMES,
    MANDATES,
    AUDIT_JOURNAL,
    WORKER_RECEIPTS,
    VAULT_OBJECTS,
    EXPORT_OBJECTS,
    AUTH_RECORD,
    MAIL_CONTACTS,
    MAIL_SUPPRESSIONS,
    TASK_PAYLOADS,
    VAULT_DOCUMENTS,
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
