"""Endpoints of the ``forms`` function: pre-filled application forms (R7).

The person lists the forms, reads the proposed values with where each comes
from, then has the PDF generated with the values they kept or changed; the
PDF goes into their vault (R9). Owner only, like the vault.
"""

from __future__ import annotations

from functools import partial

from shared.api.route import Route
from shared.domain.access import Scope
from shared.domain.purposes import Purpose
from shared.domain.vault.refusals import RefusalCode
from shared.models import forms as models
from shared.services import form_requests
from shared.services.forms import FormEdits, FormProposal

FORM = {"form_id": "a form's id, from GET /forms"}
EXAMPLE = {"form_id": "rsa"}
FACTS = ("not_registered", "processing_restricted", "purpose_objected", "form_not_found")

# Every endpoint of the function serves the forms purpose.
forms_route = partial(Route, function="forms", purpose=Purpose.FORMS, scope=Scope.FORMS)

ROUTES: tuple[Route, ...] = (
    forms_route(
        method="GET",
        path="",
        operation_id="listForms",
        summary="The official forms the service pre-fills: cerfa number (and whether it was "
        "verified), title, institution, aids.",
        handler=form_requests.list_forms,
        response_model=models.FormList,
        requirements=("R7",),
    ),
    forms_route(
        method="GET",
        path="/{form_id}/proposal",
        operation_id="proposeForm",
        summary="Every field of the form with its proposed value and where it comes from "
        "(profile, latest simulation answers).",
        handler=form_requests.proposal,
        response_model=FormProposal,
        errors=FACTS,
        requirements=("R7",),
        path_params=FORM,
        example_params=EXAMPLE,
    ),
    forms_route(
        method="POST",
        path="/{form_id}",
        operation_id="generateForm",
        summary="Generate the PDF with the proposal as edited (a changed or blanked value "
        "wins) and keep it in the vault.",
        handler=form_requests.generate,
        request_model=FormEdits,
        response_model=models.GeneratedForm,
        success_status=201,
        errors=(
            *FACTS,
            "form_field_unknown",
            RefusalCode.CONSENT_REQUIRED.value,
            RefusalCode.QUOTA_EXCEEDED.value,
            "unavailable",
        ),
        requirements=("R7", "R9"),
        path_params=FORM,
        example_params=EXAMPLE,
    ),
)
