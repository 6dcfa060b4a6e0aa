"""Evaluating only the aids an alert run's change concerns gives the amounts the
whole catalogue gives, to the cent, whether the steady state is settled or not.

``eligibility.evaluate_batch(..., aid_ids=…)`` skips the settling of past months
when none of the aids reads a steady-state benefit (``FrenchEngine.needs_settling``): these
tests compare every aid, alone and in groups, with the whole-catalogue batch on
generated households (declared benefits included), at the earliest supported
month and a later one (the first use of each aid traces it once: seconds).
"""

from __future__ import annotations

import pytest

pytest.importorskip("openfisca_france")

from shared.domain.aids.catalogue import load_catalogue
from shared.models.simulation import FIRST_SUPPORTED_MONTH
from shared.services import eligibility
from tests.fixtures.synthetic_households import synthetic_households

MONTHS = (FIRST_SUPPORTED_MONTH, "2026-02")


def _engine_aids() -> list[str]:
    return [aid.aid_id for aid in eligibility._engine(load_catalogue()).aids]


@pytest.mark.parametrize("month", MONTHS)
def test_each_aid_alone_equals_the_whole_catalogue(month: str) -> None:
    households = synthetic_households(40, month, seed=int(month.replace("-", "")) + 11)
    whole = eligibility.evaluate_batch(households, month)
    engine = eligibility._engine(load_catalogue())
    unsettled = [aid.aid_id for aid in engine.aids if not engine.needs_settling(aid, month)]
    # Each aid that skips the settling alone, then every one of them together.
    for aid_ids in [[aid_id] for aid_id in unsettled] + [unsettled]:
        rows = eligibility.evaluate_batch(households, month, aid_ids=aid_ids)
        assert [set(row) for row in rows] == [set(aid_ids)] * len(households)
        for row, expected in zip(rows, whole, strict=True):
            assert row == {aid_id: expected[aid_id] for aid_id in aid_ids}, aid_ids
    # Aids that need the settled past: the RSA (the integration test's new aid), the
    # housing aids, the AAH and the Paris aids (local: held at 0 outside Paris), together.
    settled = ["rsa", "apl", "aah", "paris_logement_familles", "prime_activite"]
    rows = eligibility.evaluate_batch(households, month, aid_ids=settled)
    for row, expected in zip(rows, whole, strict=True):
        assert row == {aid_id: expected[aid_id] for aid_id in settled}
    # Not vacuous: the compared aids are paid to some of these households.
    for aid_ids in (unsettled, settled):
        assert sum(1 for row in whole if any(row[a] > 0 for a in aid_ids)) >= 3


def test_which_aids_skip_the_settling() -> None:
    """The aids that read no steady-state benefit are told apart from those that do:
    the energy cheque (tax-based, Code de l'énergie art. L124-1) and the back-to-school
    allowance read none; the RSA and the housing aids are the chain itself."""
    engine = eligibility._engine(load_catalogue())
    month = "2026-02"
    by_id = {aid.aid_id: aid for aid in engine.aids}
    assert not engine.needs_settling(by_id["cheque_energie"], month)
    assert not engine.needs_settling(by_id["allocation_rentree_scolaire"], month)
    for aid_id in ("rsa", "apl", "prime_activite", "aah"):
        assert engine.needs_settling(by_id[aid_id], month), aid_id


def test_unknown_or_rule_aids_give_empty_rows() -> None:
    """Aids the engine does not compute (rule aids) are left out, as in the whole batch."""
    month = "2026-02"
    households = synthetic_households(3, month, seed=5)
    catalogue = load_catalogue()
    rule_aids = [aid.id for aid in catalogue.aids if aid.id not in set(_engine_aids())]
    assert rule_aids
    assert eligibility.evaluate_batch(households, month, aid_ids=rule_aids[:2]) == [{}] * 3
