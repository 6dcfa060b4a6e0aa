"""Why the vault refuses a file or a request: stable codes and bilingual messages.

Codes are part of the public API (clients switch on them, and a rejected
document keeps its code in its metadata): never rename one, add a new one. Each
carries the HTTP status the API answers with when the refusal ends a request,
and the message a person reads, French first (English on request).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from shared.domain.strict import BilingualText, Language


class RefusalCode(StrEnum):
    """Stable machine codes of every vault refusal."""

    TYPE_NOT_ALLOWED = "vault_type_not_allowed"
    TYPE_MISMATCH = "vault_type_mismatch"
    FILE_EMPTY = "vault_file_empty"
    FILE_TOO_LARGE = "vault_file_too_large"
    SIZE_MISMATCH = "vault_size_mismatch"
    QUOTA_EXCEEDED = "vault_quota_exceeded"
    PDF_UNREADABLE = "vault_pdf_unreadable"
    PDF_ACTIVE_CONTENT = "vault_pdf_active_content"
    PDF_EMBEDDED_FILES = "vault_pdf_embedded_files"
    MALWARE_FOUND = "vault_malware_found"
    DOCUMENT_NOT_FOUND = "vault_document_not_found"
    DOCUMENT_NOT_READY = "vault_document_not_ready"
    CONSENT_REQUIRED = "vault_consent_required"
    PROCESSING_RESTRICTED = "vault_processing_restricted"
    INVALID_CURSOR = "vault_invalid_cursor"


@dataclass(frozen=True)
class RefusalText:
    status: int
    message: BilingualText


REFUSALS: dict[RefusalCode, RefusalText] = {
    RefusalCode.TYPE_NOT_ALLOWED: RefusalText(
        415,
        BilingualText(
            fr="Ce type de fichier n'est pas accepté : envoyez un PDF, un JPEG, un PNG ou une"
            " photo HEIC.",
            en="This file type is not accepted: send a PDF, JPEG, PNG or HEIC photo.",
        ),
    ),
    RefusalCode.TYPE_MISMATCH: RefusalText(
        415,
        BilingualText(
            fr="Le contenu du fichier ne correspond pas au type annoncé.",
            en="The file's content does not match its declared type.",
        ),
    ),
    RefusalCode.FILE_EMPTY: RefusalText(
        422, BilingualText(fr="Le fichier est vide.", en="The file is empty.")
    ),
    RefusalCode.FILE_TOO_LARGE: RefusalText(
        413,
        BilingualText(
            fr="Le fichier dépasse 10 Mo : réduisez sa taille (numérisation en 150 ou 200 dpi).",
            en="The file is larger than 10 MB: reduce its size (scan at 150 or 200 dpi).",
        ),
    ),
    RefusalCode.SIZE_MISMATCH: RefusalText(
        422,
        BilingualText(
            fr="La taille du fichier reçu ne correspond pas à la taille annoncée.",
            en="The size of the file received does not match the declared size.",
        ),
    ),
    RefusalCode.QUOTA_EXCEEDED: RefusalText(
        409,
        BilingualText(
            fr="Votre coffre-fort est plein (200 Mo) : supprimez des documents pour en ajouter.",
            en="Your vault is full (200 MB): delete documents to add new ones.",
        ),
    ),
    RefusalCode.PDF_UNREADABLE: RefusalText(
        422,
        BilingualText(
            fr="Ce PDF est illisible ou endommagé.", en="This PDF is unreadable or damaged."
        ),
    ),
    RefusalCode.PDF_ACTIVE_CONTENT: RefusalText(
        422,
        BilingualText(
            fr="Ce PDF contient du code (JavaScript ou actions automatiques) : pour votre"
            " sécurité il est refusé. Imprimez-le en PDF ou numérisez-le, puis réessayez.",
            en="This PDF contains code (JavaScript or automatic actions) and is refused for"
            " your safety. Print it to PDF or scan it, then try again.",
        ),
    ),
    RefusalCode.PDF_EMBEDDED_FILES: RefusalText(
        422,
        BilingualText(
            fr="Ce PDF contient des fichiers joints : envoyez chaque document séparément.",
            en="This PDF contains attached files: send each document separately.",
        ),
    ),
    RefusalCode.MALWARE_FOUND: RefusalText(
        422,
        BilingualText(
            fr="Ce fichier contient un virus ou un logiciel malveillant : il a été supprimé.",
            en="This file contains a virus or malware: it has been deleted.",
        ),
    ),
    RefusalCode.DOCUMENT_NOT_FOUND: RefusalText(
        404,
        BilingualText(fr="Document introuvable.", en="Document not found."),
    ),
    RefusalCode.DOCUMENT_NOT_READY: RefusalText(
        409,
        BilingualText(
            fr="Ce document n'est pas disponible (vérification en cours, refusé ou en cours de"
            " suppression).",
            en="This document is not available (being checked, refused or being deleted).",
        ),
    ),
    RefusalCode.CONSENT_REQUIRED: RefusalText(
        409,
        BilingualText(
            fr="Le coffre-fort nécessite votre consentement : activez-le dans votre profil.",
            en="The vault needs your consent: turn it on in your profile.",
        ),
    ),
    RefusalCode.PROCESSING_RESTRICTED: RefusalText(
        409,
        BilingualText(
            fr="Vous avez limité le traitement de vos données : le coffre-fort est en pause"
            " jusqu'à ce que vous leviez cette limitation.",
            en="You restricted the processing of your data: the vault is paused until you"
            " lift the restriction.",
        ),
    ),
    RefusalCode.INVALID_CURSOR: RefusalText(
        422,
        BilingualText(
            fr="Le curseur de pagination est invalide : recommencez depuis la première page.",
            en="The pagination cursor is invalid: start again from the first page.",
        ),
    ),
}


def refusal_message(code: RefusalCode, language: Language = "fr") -> str:
    """What a person reads about ``code``, French unless English is asked for."""
    return REFUSALS[code].message.in_language(language)


class VaultRefusal(Exception):
    """The vault refuses a file or a request, for a reason with a stable code."""

    def __init__(self, code: RefusalCode) -> None:
        super().__init__(code.value)
        self.code = code

    @property
    def status(self) -> int:
        """The HTTP status an API answers with."""
        return REFUSALS[self.code].status

    def message(self, language: Language = "fr") -> str:
        return refusal_message(self.code, language)
