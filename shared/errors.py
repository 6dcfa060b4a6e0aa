"""Errors every layer may raise, each with a stable machine code.

The HTTP layer turns them into one problem+json shape (RFC 9457):
``type``, ``title``, ``status``, ``code``, ``detail`` and optional ``errors``
(field errors). Codes are part of the public API: clients switch on them, so
never rename one; add a new one instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shared.domain.strict import DEFAULT_LANGUAGE, BilingualText, Language

PROBLEM_BASE = "https://sesame.example/problems/"


def text(fr: str, en: str) -> BilingualText:
    """A user-facing message in French (authoritative) and English."""
    return BilingualText(fr=fr, en=en)


@dataclass(frozen=True)
class FieldError:
    """One invalid input field, addressed by its JSON path."""

    field: str
    code: str
    message: BilingualText

    def as_dict(self, language: Language = DEFAULT_LANGUAGE) -> dict[str, str]:
        return {
            "field": self.field,
            "code": self.code,
            "message": self.message.in_language(language),
        }


# code -> (HTTP status, title). One table so the OpenAPI document and the
# handlers cannot disagree about what a code means.
ERROR_CODES: dict[str, tuple[int, BilingualText]] = {
    "invalid_json": (
        400,
        text(
            "Le corps de la requête n'est pas du JSON valide", "The request body is not valid JSON"
        ),
    ),
    "validation_failed": (422, text("Certains champs sont invalides", "Some fields are invalid")),
    "unsupported_media_type": (
        415,
        text(
            "Le corps de la requête doit être en application/json",
            "The request body must be application/json",
        ),
    ),
    "payload_too_large": (
        413,
        text("Le corps de la requête est trop volumineux", "The request body is too large"),
    ),
    "unauthenticated": (
        401,
        text(
            "Un jeton d'identification Firebase valide est requis",
            "A valid Firebase ID token is required",
        ),
    ),
    "token_invalid": (
        401,
        text(
            "Le jeton d'identification est invalide ou expiré", "The ID token is invalid or expired"
        ),
    ),
    "forbidden": (
        403,
        text("Vous n'avez pas le droit de faire cela", "You are not allowed to do this"),
    ),
    "email_not_verified": (
        403,
        text("Vérifiez d'abord votre adresse e-mail", "Verify your email address first"),
    ),
    "not_found": (404, text("Rien ici", "Nothing here")),
    # A signed link (e-mail unsubscribe) that the service did not make, or altered.
    "link_invalid": (400, text("Ce lien n'est pas valide", "This link is not valid")),
    "method_not_allowed": (
        405,
        text("Méthode non autorisée sur cette ressource", "Method not allowed on this resource"),
    ),
    "not_registered": (409, text("Inscrivez-vous d'abord", "Sign up first")),
    "policy_not_accepted": (
        409,
        text(
            "La politique de confidentialité en vigueur doit être acceptée",
            "The current privacy policy must be accepted",
        ),
    ),
    "consent_required": (
        409,
        text("Ce service a besoin de votre consentement", "This service needs your consent"),
    ),
    "processing_restricted": (
        409,
        text("Le traitement de vos données est limité", "Processing of your data is restricted"),
    ),
    "purpose_objected": (
        409,
        text("Vous vous êtes opposé à ce traitement", "You objected to this processing"),
    ),
    "conflict": (409, text("La ressource a changé entre-temps", "The resource changed meanwhile")),
    "origin_not_allowed": (
        403,
        text("Cette origine web n'est pas autorisée", "This web origin is not allowed"),
    ),
    "json_too_complex": (
        400,
        text(
            "Le corps JSON est trop imbriqué ou contient un nombre trop long",
            "The JSON body nests too deep or holds too long a number",
        ),
    ),
    "contention": (
        503,
        text(
            "Trop de modifications simultanées de ces données ; réessayez dans un instant",
            "Too many simultaneous changes to this data; retry in a moment",
        ),
    ),
    # Privacy rights (R27, R28, R30).
    "erasure_not_confirmed": (
        422,
        text(
            "Tapez le mot de confirmation indiqué dans l'avis d'effacement",
            "Type the confirmation word given in the erasure notice",
        ),
    ),
    "export_not_ready": (
        409,
        text("L'export n'est pas encore prêt", "The export is not ready yet"),
    ),
    "link_expired": (
        410,
        text("Ce lien a expiré", "This link has expired"),
    ),
    # Requests received by post or e-mail (R30): an extension needs a reason and a
    # notice to the person before the first due date.
    "extension_reason_required": (
        422,
        text("Une prolongation doit être motivée", "An extension needs a reason"),
    ),
    "extension_notice_too_late": (
        409,
        text(
            "La personne doit être prévenue de la prolongation avant la première échéance",
            "The person must be told of the extension before the first due date",
        ),
    ),
    # Partner single sign-on (R2): the assertion was refused; ``reason`` says which check.
    "sso_refused": (
        401,
        text(
            "La connexion par votre organisation a été refusée",
            "Sign-on through your organisation was refused",
        ),
    ),
    # Support messaging and demo requests (R4, R8): bounds against abuse.
    "support_limit_reached": (
        409,
        text(
            "Limite atteinte pour les conversations avec le support",
            "Limit reached for conversations with support",
        ),
    ),
    "too_many_requests": (
        429,
        text("Trop de demandes : réessayez plus tard", "Too many requests: retry later"),
    ),
    "internal": (500, text("Erreur inattendue", "Unexpected error")),
    "unavailable": (
        503,
        text(
            "Un service dont nous dépendons est indisponible ; réessayez plus tard",
            "A backing service is unavailable; retry later",
        ),
    ),
}


# Vault and pre-filled forms (R7, R9): each refusal of the vault keeps its own
# stable code (shared/domain/vault/refusals.py), and the forms and the vault
# consent withdrawal add theirs.
from shared.domain.vault.refusals import REFUSALS as _VAULT_REFUSALS  # noqa: E402

ERROR_CODES.update({code.value: (r.status, r.message) for code, r in _VAULT_REFUSALS.items()})
ERROR_CODES.update(
    {
        "vault_withdrawal_needs_confirmation": (
            409,
            text(
                "Retirer le consentement au coffre-fort le vide : confirmez-le par "
                "POST /vault/consent-withdrawal",
                "Withdrawing the vault consent empties the vault: confirm it with "
                "POST /vault/consent-withdrawal",
            ),
        ),
        "form_not_found": (404, text("Formulaire inconnu", "Unknown form")),
        "form_field_unknown": (
            422,
            text("Ce formulaire n'a pas ce champ", "This form has no such field"),
        ),
    }
)


@dataclass
class ApiError(Exception):
    """A failure that the caller can understand and act on, told in their language."""

    code: str
    detail: BilingualText
    errors: list[FieldError] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in ERROR_CODES:
            raise ValueError(f"unknown error code {self.code!r}")
        super().__init__(self.detail.en)

    @property
    def status(self) -> int:
        return ERROR_CODES[self.code][0]

    def problem(self, language: Language = DEFAULT_LANGUAGE) -> dict[str, Any]:
        """The problem+json body of this error, in ``language`` (French by default)."""
        status, title = ERROR_CODES[self.code]
        body: dict[str, Any] = {
            "type": PROBLEM_BASE + self.code,
            "title": title.in_language(language),
            "status": status,
            "code": self.code,
            "detail": self.detail.in_language(language),
        }
        if self.errors:
            body["errors"] = [error.as_dict(language) for error in self.errors]
        body.update(self.extra)
        return body


def language_of(accept_language: str | None) -> Language:
    """The language to answer in: English when ``Accept-Language`` prefers it, else French.

    Reads the quality values (``fr;q=0.5, en`` prefers English); languages we
    do not speak are ignored.
    """
    best: tuple[float, Language] = (0.0, DEFAULT_LANGUAGE)
    for position, item in enumerate((accept_language or "").split(",")):
        tag, _, parameters = item.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in ("fr", "en"):
            continue
        quality = 1.0
        if parameters.strip().startswith("q="):
            try:
                quality = float(parameters.strip()[2:])
            except ValueError:
                continue
        # Equal qualities: the first listed wins.
        score = quality - position * 1e-6
        if score > best[0]:
            best = (score, "en" if primary == "en" else "fr")
    return best[1]


# Failures of background jobs (shared/api/worker.py turns them into what the
# queue needs: recorded and 2xx, or 503 to be retried).


class PermanentFailure(Exception):
    """Retrying cannot help (bad payload, unknown subject): record it and answer 2xx."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class TransientFailure(Exception):
    """A backing service is unavailable: answer 503 so the queue retries."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


# Cross-field validators (e.g. "a child cannot be older than the parent") run on
# a whole model, so pydantic reports them at the model's own location. They
# raise :func:`located_error` instead, carrying the offending field in the
# error context; :func:`validation_locations` puts it back into the ``loc``.
LOCATED_ERROR_TYPE = "household_inconsistent"

# Context key carrying the French wording of a validation error we raise.
FRENCH_CONTEXT_KEY = "fr"


def bilingual_error(fr: str, en: str, code: str = "value_error") -> Exception:
    """A validation error with its message in both languages.

    The code stays pydantic's ``value_error`` unless told otherwise: field
    error codes are part of the API.
    """
    from pydantic_core import PydanticCustomError

    return PydanticCustomError(code, en, {FRENCH_CONTEXT_KEY: fr})


def located_error(loc: tuple[str | int, ...], message: str, fr: str | None = None) -> Exception:
    """A validation error that names ``loc`` (relative to the validated model).

    ``fr`` is its French wording when a person reads it (e.g. the questionnaire's
    answers); without it, the French message says only that the value is invalid.
    """
    from pydantic_core import PydanticCustomError

    path = ".".join(str(part) for part in loc)
    context = {"field": path} if fr is None else {"field": path, FRENCH_CONTEXT_KEY: fr}
    return PydanticCustomError(LOCATED_ERROR_TYPE, f"{path}: {message}", context)


def validation_locations(error: Any) -> list[tuple[str | int, ...]]:
    """The ``loc`` of each error of a pydantic ``ValidationError``, with the field
    a :func:`located_error` names appended."""
    locations: list[tuple[str | int, ...]] = []
    for item in error.errors():
        field = (item.get("ctx") or {}).get("field")
        loc: tuple[str | int, ...] = tuple(item["loc"])
        if item.get("type") == LOCATED_ERROR_TYPE and isinstance(field, str):
            loc += tuple(int(part) if part.isdigit() else part for part in field.split("."))
        locations.append(loc)
    return locations
