"""The privacy policy versions the service has published (R13, R25).

Each beneficiary records the version they accepted. When a new version with a
significant change is published, users who accepted an older one must be told
and accept again before new processing applies to their data (R13).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class PolicyVersion:
    version: str
    revised_on: date
    significant: bool  # significant changes are notified to users (R25)
    summary_fr: str
    summary_en: str


PUBLISHED_VERSIONS: tuple[PolicyVersion, ...] = (
    PolicyVersion(
        version="2026-11",
        revised_on=date(2026, 11, 1),
        significant=True,
        summary_fr="Première version publiée de la politique de confidentialité de Sésame.",
        summary_en="First published version of the Sésame privacy policy.",
    ),
)

CURRENT_POLICY = PUBLISHED_VERSIONS[-1]


def needs_reacceptance(accepted_version: str | None) -> bool:
    """True when a significant revision was published after ``accepted_version``."""
    versions = [v.version for v in PUBLISHED_VERSIONS]
    if accepted_version not in versions:
        return True
    later = PUBLISHED_VERSIONS[versions.index(accepted_version) + 1 :]
    return any(v.significant for v in later)
