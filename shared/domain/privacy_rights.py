"""Pure rules of the privacy rights: erasure order, what is kept by law, notices (R21–R30).

Everything here reads the data registry at call time
(:data:`shared.domain.data_registry.USER_DATA_LOCATIONS`), so a location a
later capability registers is walked, erased and named on the receipt with
no change to this module.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from shared.domain import data_registry as registry
from shared.domain.data_registry import DataLocation, OnErasure, StoreKind
from shared.domain.strict import BilingualText, Language

# When backups holding erased data are gone: Firestore runs without point-in-time
# recovery and keeps at most one hour of versions (infra/firestore.tf); buckets
# keep no soft-deleted copy and no noncurrent version beyond a day
# (infra/storage.tf). So one day after an erasure completes, no copy remains.
BACKUP_EXPIRY = timedelta(days=1)

# Stores are erased in this order: first what would act on the person again
# (pending tasks), then files, the mail provider, documents (deepest first, so
# each sub-collection is counted under its own location), the Auth account last
# so the person can follow the job until it has done everything else.
_STORE_ORDER = {
    StoreKind.TASK_PAYLOADS: 0,
    StoreKind.STORAGE: 1,
    StoreKind.MAIL_PROVIDER: 2,
    StoreKind.FIRESTORE: 3,
    StoreKind.AUTH: 4,
}


def erasure_order(locations: tuple[DataLocation, ...] | None = None) -> list[DataLocation]:
    """The registered locations holding a person's data, in the order erasure walks them."""
    found = [
        location
        for location in (registry.USER_DATA_LOCATIONS if locations is None else locations)
        if location.locator.kind is not registry.LocatorKind.NO_PERSON
    ]
    return sorted(found, key=lambda x: (_STORE_ORDER[x.store], -x.pattern.count("/"), x.key))


def kept_by_law(location: DataLocation) -> bool:
    """True when erasure leaves this location's records in place (pseudonymous proof)."""
    return location.on_erasure is OnErasure.KEEP_PSEUDONYMOUS


# What a person reads about each record erasure keeps (the registry's descriptions are
# for engineers). A location kept by law without its words here fails the unit tests.
KEPT_DESCRIPTIONS: dict[str, BilingualText] = {
    "audit_journal": BilingualText(
        fr="Le journal des accès à vos données par d'autres que vous (aidants, équipe), "
        "sous un identifiant pseudonyme (R14).",
        en="The journal of accesses to your data by others (caregivers, staff), under a "
        "pseudonymous id (R14).",
    ),
    "directive_executions": BilingualText(
        fr="La trace de l'exécution de vos directives post mortem : choix, dates, sans "
        "votre nom (R29).",
        en="The record that your post-mortem directives were carried out: choice, dates, "
        "without your name (R29).",
    ),
    "erasure_jobs": BilingualText(
        fr="La preuve de cet effacement : état par stockage, vérification finale et ce reçu, "
        "sans votre nom ni votre adresse (R21, R28).",
        en="The proof of this erasure: status per store, final check and this receipt, "
        "without your name or address (R21, R28).",
    ),
    "rights_requests": BilingualText(
        fr="Les demandes d'exercice de vos droits reçues par courrier ou e-mail et leurs "
        "réponses, sans votre adresse (R30).",
        en="The rights requests received by post or e-mail and their answers, without your "
        "address (R30).",
    ),
}


def kept_description(location: DataLocation, language: Language = "fr") -> str:
    """What a person reads about the records of ``location`` that erasure keeps."""
    return KEPT_DESCRIPTIONS[location.key].in_language(language)


def kept_until(location: DataLocation, erased_on: date) -> date:
    """The last day records kept at erasure may live: their retention from the erasure day.

    Records created before the erasure end earlier; this is the latest bound.
    """
    return erased_on + timedelta(days=location.retention.days)


def backups_expire_on(completed: datetime) -> date:
    """The day the last backup copy of erased data is gone."""
    return (completed + BACKUP_EXPIRY).date()


# ------------------------------------------------------------------ R30 notice

ERASURE_NOTICE = BilingualText(
    fr=(
        "L'effacement supprime définitivement votre compte et toutes vos données : profil, "
        "simulations, suivi des aides, documents du coffre-fort, mandats donnés à vos aidants, "
        "exports, et ce que notre prestataire d'e-mails détient sur vous. Il ne peut pas être "
        "annulé. Vous pourrez télécharger le reçu d'effacement avant que le compte disparaisse."
    ),
    en=(
        "Erasure permanently deletes your account and all your data: profile, simulations, "
        "aid follow-up, vault documents, mandates given to your caregivers, exports, and what "
        "our e-mail provider holds about you. It cannot be undone. You can download the "
        "erasure receipt before the account disappears."
    ),
)

ERASURE_STOPS: tuple[BilingualText, ...] = (
    BilingualText(
        fr="Vous ne pourrez plus vous connecter à Sésame.",
        en="You will no longer be able to sign in to Sésame.",
    ),
    BilingualText(
        fr="Les alertes sur les nouvelles aides s'arrêtent.",
        en="Alerts about new aids stop.",
    ),
    BilingualText(
        fr="Vos aidants perdent l'accès que vous leur aviez donné.",
        en="Your caregivers lose the access you gave them.",
    ),
    BilingualText(
        fr="Les formulaires pré-remplis et les documents du coffre-fort sont supprimés.",
        en="Pre-filled forms and vault documents are deleted.",
    ),
)

# The word the person types to confirm, in the language of the notice they read.
CONFIRMATION_WORD = BilingualText(fr="EFFACER", en="ERASE")


# ------------------------------------------------------------------ export (R27)

EXPORT_LIFETIME = timedelta(days=7)  # infra/storage.tf: the exports bucket deletes at 7 days
EXPORT_FORMAT_VERSION = "1"

# The documented shape of each ``data/<category>.json`` of an export: open JSON,
# one file per data category of the policy (§2.1), every record naming the
# registry location it comes from. Also shipped inside each archive.
CATEGORY_FILE_SCHEMA: dict[str, object] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://sesame.example/schemas/export-category-v1.json",
    "title": "Sésame — export de données personnelles, une catégorie",
    "description": (
        "Toutes les données d'une catégorie (politique de confidentialité §2.1) détenues sur "
        "une personne, par lieu de stockage. / All data of one category held about a person, "
        "by storage location."
    ),
    "type": "object",
    "additionalProperties": False,
    "required": ["format_version", "category", "generated_at", "records"],
    "properties": {
        "format_version": {"const": EXPORT_FORMAT_VERSION},
        "category": {
            "enum": [
                "contact",
                "identification",
                "preferences",
                "diagnostic",
                "requests",
                "client",
                "interaction",
            ]
        },
        "generated_at": {"type": "string", "format": "date-time"},
        "records": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["location", "description", "reference", "fields"],
                "properties": {
                    "location": {"type": "string", "description": "registry location key"},
                    "description": {"type": "string"},
                    "reference": {
                        "type": "string",
                        "description": "document path, object name or record name",
                    },
                    "fields": {
                        "type": "object",
                        "description": "the fields of this category, as stored (dates ISO 8601)",
                    },
                    "file": {
                        "type": "string",
                        "description": "path of the file inside the archive, for stored files",
                    },
                },
            },
        },
    },
}
