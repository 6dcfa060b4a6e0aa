"""Every record erasure keeps by law is described to the person in French and English (R22, R30)."""

from __future__ import annotations

from shared.domain import privacy_rights as rules


def test_every_location_kept_by_law_has_words_for_the_person():
    # The places erasure visits (those naming a person) and leaves in place.
    kept = [x for x in rules.erasure_order() if rules.kept_by_law(x)]
    assert kept, "erasure keeps at least the proof of erasure"
    for location in kept:
        french = rules.kept_description(location, "fr")
        english = rules.kept_description(location, "en")
        assert french != english
        # The registry's description is for engineers: the person reads their own words.
        assert location.description not in (french, english)
