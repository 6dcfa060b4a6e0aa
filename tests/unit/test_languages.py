"""French first: problems, field messages and notices in French unless English is asked for."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from shared.api.dispatch import field_errors
from shared.errors import ERROR_CODES, ApiError, FieldError, language_of, text
from shared.models.account import ProfilePatch, SignupRequest


@pytest.mark.parametrize(
    "header, language",
    [
        (None, "fr"),
        ("", "fr"),
        ("en", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("fr-FR,fr;q=0.9,en;q=0.8", "fr"),
        ("de-DE,en;q=0.5", "en"),
        ("de-DE", "fr"),
        ("fr;q=0.4, en;q=0.6", "en"),
        ("en;q=0.5, fr;q=0.5", "en"),  # equal: the first listed
        ("en;q=abc", "fr"),
    ],
)
def test_accept_language_picks_english_only_when_preferred(header, language):
    assert language_of(header) == language


def test_every_error_title_exists_in_both_languages_and_differs():
    for code, (status, title) in ERROR_CODES.items():
        assert 400 <= status <= 599, code
        assert title.fr != title.en, code


def test_a_problem_is_french_by_default_and_english_on_request():
    error = ApiError(
        "not_registered",
        text("Inscrivez-vous d'abord.", "Sign up first."),
        [FieldError("uid", "missing", text("champ obligatoire", "required"))],
    )
    french, english = error.problem(), error.problem("en")
    assert (french["detail"], french["errors"][0]["message"]) == (
        "Inscrivez-vous d'abord.",
        "champ obligatoire",
    )
    assert (english["detail"], english["errors"][0]["message"]) == ("Sign up first.", "required")
    assert french["code"] == english["code"] == "not_registered"


def _messages(model, payload):
    with pytest.raises(ValidationError) as caught:
        model.model_validate(payload)
    return {e.field: e for e in field_errors(caught.value)}


def test_pydantic_field_errors_are_worded_in_french_with_their_limits():
    errors = _messages(
        SignupRequest,
        {"given_name": "x" * 81, "language": "de", "is_admin": True},
    )
    assert errors["accept_policy_version"].message.fr == "champ obligatoire"
    assert errors["given_name"].message.fr == "doit contenir au plus 80 caractères"
    assert errors["language"].message.fr.startswith("doit valoir : 'fr'")
    assert errors["is_admin"].message.fr == "champ inconnu : retirez-le"
    assert errors["is_admin"].code == "extra_forbidden"  # codes unchanged


def test_our_validators_carry_their_french_text_and_keep_their_code():
    errors = _messages(SignupRequest, {"accept_policy_version": "x", "phone": "12"})
    assert errors["phone"].code == "value_error"
    assert errors["phone"].message.fr.startswith("doit être un numéro de téléphone français")
    assert errors["phone"].message.en.startswith("must be a French phone number")
    nulls = _messages(ProfilePatch, {"language": None})
    assert nulls["language"].message.fr == "ne peut pas être vide (null)"
