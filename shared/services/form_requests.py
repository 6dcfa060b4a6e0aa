"""Pre-filled application forms as the ``forms`` function serves them (R7).

The proposal and the generated PDF are built from the person's profile and the
answers of their latest stored simulation: facts they gave, nothing guessed.
The person sees each proposed value with its source, may change or blank any of
them, and the PDF carries exactly the values they ended with; it is kept in
their vault, which needs the vault consent (R9). Restriction of processing or
an objection to the forms purpose stops both (R26).
"""

from __future__ import annotations

from typing import Any

from shared.adapters.pdf_forms import fill
from shared.domain.access import Access
from shared.domain.forms.proposal import UnknownFormField
from shared.domain.forms.templates import load_templates
from shared.domain.purposes import Purpose
from shared.errors import ApiError, FieldError, text
from shared.models.forms import FormList, FormSummary, GeneratedForm
from shared.services import forms
from shared.services.accounts import NOTICES, load_profile
from shared.services.forms import FormEdits, FormProposal, UnknownForm
from shared.services.stored_simulations import latest_simulation
from shared.services.vault import owner_of, view_of
from shared.services.vault_requests import as_problems, wired_vault


def _cerfa(form_id: str) -> str:
    cerfa = forms.template_of(form_id).cerfa
    return cerfa.number + (f"*{cerfa.version}" if cerfa.version else "")


def list_forms(access: Access) -> FormList:
    """Every form the service can pre-fill, with its official number and the aids it serves."""
    return FormList(
        forms=[
            FormSummary(
                form_id=template.id,
                cerfa=_cerfa(template.id),
                cerfa_verified=template.cerfa.verified,
                cerfa_source_url=template.cerfa.source_url,
                title=template.title.in_language(access.language),
                institution=template.institution,
                aid_ids=list(template.aid_ids),
            )
            for template in load_templates().values()
        ]
    )


def _unknown_form(form_id: str) -> ApiError:
    return ApiError(
        "form_not_found",
        text(
            f"Aucun formulaire « {form_id} » : GET /forms les liste.",
            f"No form {form_id!r}: GET /forms lists them.",
        ),
    )


def _facts(access: Access) -> tuple[dict[str, Any], dict[str, Any]]:
    """The profile and the latest simulation's answers, after the legal-basis check."""
    profile = load_profile(access)
    decision = profile.processing_decision(Purpose.FORMS)
    if decision.code == "processing_restricted":
        raise ApiError("processing_restricted", NOTICES["restricted"])
    if not decision.allowed:
        raise ApiError(
            "purpose_objected",
            text(
                "Vous vous êtes opposé aux formulaires pré-remplis.",
                "You objected to pre-filled forms.",
            ),
        )
    latest = latest_simulation(owner_of(access))
    return profile.model_dump(mode="json"), (dict(latest[1].answers) if latest else {})


def proposal(access: Access, form_id: str) -> FormProposal:
    """Each field of the form with its proposed value and where it comes from (R7)."""
    owner_of(access)
    profile, household = _facts(access)
    try:
        return forms.propose_form(form_id, profile, household, access.language)
    except UnknownForm:
        raise _unknown_form(form_id) from None


@as_problems
def generate(access: Access, request: FormEdits, form_id: str) -> tuple[GeneratedForm, int]:
    """Fill the form with the proposal as the person edited it, and keep it in the vault."""
    owner_of(access)
    try:
        template = forms.template_of(form_id)
    except UnknownForm:
        raise _unknown_form(form_id) from None
    profile, household = _facts(access)
    try:
        values = forms.filled_values(form_id, profile, household, request.edits)
    except UnknownFormField as unknown:
        raise ApiError(
            "form_field_unknown",
            text("Ce formulaire n'a pas ce champ.", "This form has no such field."),
            [
                FieldError(
                    f"edits.{unknown.field_id}",
                    "form_field_unknown",
                    text("champ inconnu de ce formulaire", "not a field of this form"),
                )
            ],
        ) from None
    pdf = fill(template.pdf_path, values)
    kept = forms.store_form(wired_vault(), access, form_id, pdf)
    by_pdf_field = {field.pdf_field: field.id for field in template.fields}
    return (
        GeneratedForm(
            document=view_of(kept, access.language),
            values={by_pdf_field[name]: value for name, value in values.items()},
        ),
        201,
    )
