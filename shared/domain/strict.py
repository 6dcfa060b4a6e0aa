"""The one base of every pydantic model at a boundary, and the one bilingual text.

Unknown fields are errors everywhere (a client typo is a 422, a typo in a
catalogue YAML file fails the load), and every string has an explicit upper
bound. A model that needs a tighter bound says so in its own ``model_config``
(pydantic merges it with this one); the catalogue uses the frozen variant.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

DEFAULT_MAX_STRING = 2000
"""Longest string accepted anywhere unless a model or field says less."""

Language = Literal["fr", "en"]
"""Languages a person can read the service in; French unless they ask for English."""

DEFAULT_LANGUAGE: Language = "fr"


class StrictModel(BaseModel):
    """Unknown fields are refused; strings are bounded."""

    model_config = ConfigDict(extra="forbid", str_max_length=DEFAULT_MAX_STRING)


class FrozenStrictModel(StrictModel):
    """A strict model whose instances cannot change (catalogue data, shared texts)."""

    model_config = ConfigDict(frozen=True)


NonEmptyText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class BilingualText(FrozenStrictModel):
    """What a person reads, in French (authoritative) and English."""

    fr: NonEmptyText = Field(
        description="The text in French: the authoritative version, shown by default."
    )
    en: NonEmptyText = Field(
        description="The same text in English, shown on request (Accept-Language: en)."
    )

    def in_language(self, language: Language) -> str:
        """The text in ``language`` (French for anything but English)."""
        return self.en if language == "en" else self.fr
