"""Form templates: the declared shape of each official form and its mapping."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from shared.domain import yaml_documents
from shared.domain.aids.catalogue import OFFICIAL_DOMAINS, is_official_url
from shared.domain.strict import BilingualText, FrozenStrictModel

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

FieldId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]

#: Public bodies' sites that may vouch for a cerfa number without being places to
#: apply (so they are not among the catalogue's official domains, whose links are
#: shown to people): a government site that publishes the form with its number.
CERFA_WITNESS_DOMAINS: frozenset[str] = frozenset({"maisondelautisme.gouv.fr"})


def is_cerfa_source(url: str) -> bool:
    """True for an https page that may vouch for a cerfa number (see ``CerfaReference``)."""
    return is_official_url(url, OFFICIAL_DOMAINS | CERFA_WITNESS_DOMAINS)


class CerfaReference(FrozenStrictModel):
    """The official form's number, and how sure we are of it."""

    number: Annotated[str, StringConstraints(pattern=r"^\d{5}$")]
    version: Annotated[str, StringConstraints(pattern=r"^\d{2}$")] | None = Field(
        description="The *NN suffix; null when no official page confirmed the current one."
    )
    verified: bool
    source_url: str
    source_note: str

    @model_validator(mode="after")
    def _verified_on_an_official_page(self) -> CerfaReference:
        # A number is "verified" only when an official page showed it with its version.
        if self.verified and (self.version is None or not is_cerfa_source(self.source_url)):
            raise ValueError(
                "a verified cerfa needs its version and an official source_url (https, "
                "service-public.fr, another official domain or a public body's site that "
                "publishes the form)"
            )
        return self


class FormField(FrozenStrictModel):
    """One field of the form, as the PDF names it and as the person reads it."""

    id: FieldId
    pdf_field: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    label: BilingualText
    type: Literal["text", "date", "checkbox"] = "text"
    source: str | None = Field(
        default=None, description="Where the proposed value comes from (see forms.sources)."
    )
    checked_when: tuple[str, ...] = Field(
        default=(), description="checkbox: checked when the source's value is one of these."
    )
    on_value: str = Field(default="/Yes", description="checkbox: the PDF's 'on' state name.")
    max_length: int = Field(default=200, ge=1, le=2000)

    @model_validator(mode="after")
    def _checkbox_rule(self) -> FormField:
        if self.type == "checkbox" and self.source and not self.checked_when:
            raise ValueError(f"{self.id}: a checkbox with a source needs checked_when")
        return self


class FormTemplate(FrozenStrictModel):
    """One official form: its identity, its PDF and its fields."""

    id: FieldId
    aid_ids: tuple[str, ...]
    cerfa: CerfaReference
    title: BilingualText
    institution: str
    pdf: str
    fields: tuple[FormField, ...]

    @model_validator(mode="after")
    def _unique(self) -> FormTemplate:
        for attribute in ("id", "pdf_field"):
            values = [getattr(f, attribute) for f in self.fields]
            if len(values) != len(set(values)):
                raise ValueError(f"{self.id}: duplicate field {attribute}s")
        return self

    @property
    def pdf_path(self) -> Path:
        return TEMPLATES_DIR / self.pdf

    def field(self, field_id: str) -> FormField:
        for candidate in self.fields:
            if candidate.id == field_id:
                return candidate
        raise KeyError(field_id)


def load_template(path: Path) -> FormTemplate:
    """One template from its YAML file (its id must be the file's stem)."""
    template = FormTemplate.model_validate(yaml_documents.parse(path.read_text(encoding="utf-8")))
    if template.id != path.stem:
        raise ValueError(f"{path.name}: id {template.id!r} must equal the file stem")
    return template


@lru_cache(maxsize=1)
def load_templates() -> dict[str, FormTemplate]:
    """Every template shipped with the service, by id."""
    return {p.stem: load_template(p) for p in sorted(TEMPLATES_DIR.glob("*.yaml"))}
