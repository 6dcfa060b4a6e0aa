"""What a vault document is: its kind, with a French and an English label.

The kinds are the catalogue's vocabulary of supporting documents
(``shared/domain/aids/documents.yaml``), so the per-aid checklist matches vault
documents to what each aid asks for without a translation table, plus a few
kinds a person keeps without any aid listing them. The labels of catalogue
kinds are read from the catalogue, never restated here.

Bank details (RIB, IBAN) are deliberately not a kind: beneficiaries' payment
means and bank details are never collected (policy §2.1.4, REQUIREMENTS.md
"Data categories"); the institution that pays an aid asks for them itself.
"""

from __future__ import annotations

from enum import StrEnum

from shared.domain.strict import BilingualText


class DocumentKind(StrEnum):
    """Every kind of document the vault accepts."""

    IDENTITY_DOCUMENT = "identity_document"
    PROOF_OF_ADDRESS = "proof_of_address"
    TAX_NOTICE = "tax_notice"
    PAYSLIPS_3_MONTHS = "payslips_3_months"
    RESOURCES_3_MONTHS = "resources_3_months"
    PENSION_STATEMENT = "pension_statement"
    UNEMPLOYMENT_BENEFIT_STATEMENT = "unemployment_benefit_statement"
    JOB_SEEKER_REGISTRATION = "job_seeker_registration"
    JOB_OR_TRAINING_PROOF = "job_or_training_proof"
    APPRENTICESHIP_CONTRACT = "apprenticeship_contract"
    EMPLOYER_CERTIFICATE = "employer_certificate"
    RENT_RECEIPT = "rent_receipt"
    LEASE = "lease"
    FAMILY_RECORD_BOOK = "family_record_book"
    BIRTH_CERTIFICATE = "birth_certificate"
    DEATH_CERTIFICATE = "death_certificate"
    PREGNANCY_DECLARATION = "pregnancy_declaration"
    ADOPTION_PROOF = "adoption_proof"
    CHILDCARE_PROOF = "childcare_proof"
    CHILD_SUPPORT_PROOF = "child_support_proof"
    SCHOOL_CERTIFICATE = "school_certificate"
    STUDENT_ENROLMENT = "student_enrolment"
    DISABILITY_CARD = "disability_card"
    MDPH_DECISION = "mdph_decision"
    MEDICAL_CERTIFICATE = "medical_certificate"
    DRIVING_SCHOOL_QUOTE = "driving_school_quote"
    # Kinds no aid of the catalogue lists, kept by the person for their own claims.
    CAF_PAYMENT_CERTIFICATE = "caf_payment_certificate"
    APPLICATION_FORM = "application_form"
    OTHER = "other"


VAULT_ONLY_LABELS: dict[DocumentKind, BilingualText] = {
    DocumentKind.CAF_PAYMENT_CERTIFICATE: BilingualText(
        fr="Attestation de paiement de la CAF ou de la MSA",
        en="Payment certificate from the CAF or the MSA",
    ),
    DocumentKind.APPLICATION_FORM: BilingualText(
        fr="Formulaire de demande pré-rempli", en="Pre-filled application form"
    ),
    DocumentKind.OTHER: BilingualText(fr="Autre document", en="Other document"),
}


def label_of(kind: DocumentKind) -> BilingualText:
    """The French and English label of ``kind``."""
    # Imported here: every registry-checked write imports the stored models, and
    # functions that never show a label (signup, profile) must not load the catalogue.
    from shared.domain.aids.catalogue import load_catalogue

    if kind in VAULT_ONLY_LABELS:
        return VAULT_ONLY_LABELS[kind]
    return load_catalogue().documents[kind.value].label


def is_special_category(kind: DocumentKind) -> bool:
    """True for health data (GDPR art. 9), as the catalogue marks it."""
    from shared.domain.aids.catalogue import load_catalogue

    document = load_catalogue().documents.get(kind.value)
    return bool(document and document.special_category)
