"""The register of processing (RGPD art. 30), generated from the code's own declarations.

Purposes and legal bases come from :mod:`shared.domain.purposes`; data
locations, their categories, retention and erasure rules from the registry
(:mod:`shared.domain.data_registry`, field categories from the stored models);
recipients from the store kind each location lives in. ``docs/register-of-processing.md``
is this module's output (``python -m shared.services.processing_register``), and a
test keeps the two equal, so the document cannot drift from the code.
"""

from __future__ import annotations

from shared.domain import data_registry as registry
from shared.domain.data_categories import DataCategory
from shared.domain.data_registry import StoreKind
from shared.domain.purposes import LEGAL_BASIS
from shared.models.stored import categories

# Who receives the data of each store kind: the processors hosting it (policy §3, §4).
RECIPIENTS: dict[StoreKind, str] = {
    StoreKind.FIRESTORE: "Google Cloud (Firestore, europe-west3), sous-traitant",
    StoreKind.STORAGE: "Google Cloud (Cloud Storage, europe-west3), sous-traitant",
    StoreKind.AUTH: "Google (Firebase Authentication), sous-traitant",
    StoreKind.MAIL_PROVIDER: "Twilio SendGrid (e-mails), sous-traitant",
    StoreKind.TASK_PAYLOADS: "Google Cloud (Cloud Tasks, europe-west3), sous-traitant",
}


def _categories(location: registry.DataLocation) -> list[DataCategory]:
    if location.store is not StoreKind.FIRESTORE:
        return [location.category] if location.category else []
    return sorted({c for c in categories(location).values() if c is not None})


def render() -> str:
    """The register as Markdown, French first."""
    lines = [
        "# Registre des traitements (RGPD art. 30) — généré depuis le code",
        "",
        "Ne pas modifier à la main : `python -m shared.services.processing_register >"
        " docs/register-of-processing.md`.",
        "",
        "## Finalités et bases légales",
        "",
        "| Finalité | Base légale |",
        "|---|---|",
    ]
    lines += [f"| {purpose.value} | {basis.value} |" for purpose, basis in LEGAL_BASIS.items()]
    lines += [
        "",
        "## Données, destinataires et durées de conservation",
        "",
        "| Lieu | Description | Catégories | Destinataire | Conservation | Compté depuis |"
        " Base légale | Source | À l'effacement |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for location in registry.USER_DATA_LOCATIONS:
        retention = location.retention
        categories = ", ".join(c.value for c in _categories(location)) or "—"
        lines.append(
            f"| `{location.key}` | {location.description} | {categories} |"
            f" {RECIPIENTS[location.store]} | {retention.days} jours |"
            f" {retention.counted_from.value} | {retention.legal_basis.value} |"
            f" {retention.source} | {location.on_erasure.value} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(render())
