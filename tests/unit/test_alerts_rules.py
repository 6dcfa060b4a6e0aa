"""The pure rules of smart alerts (R5): what changed, who to tell, unsubscribe tokens."""

from __future__ import annotations

import pytest

from shared.domain import alerts as rules

PRINTS = {"rsa": "r1", "apl": "a1", "css_gratuite": "c1", "prime_de_noel": "n1"}
ENGINE_AIDS = ["rsa", "apl", "css_gratuite", "prime_de_noel"]


def changes(**previous):
    state = {
        "previous_fingerprints": PRINTS,
        "previous_engine_version": "openfisca-france==176.1.8",
        "previous_month": "2026-11",
    }
    state.update(previous)
    return rules.changes_since(
        PRINTS, "openfisca-france==176.1.8", "2026-11", engine_aids=ENGINE_AIDS, **state
    )


def test_nothing_changed_evaluates_nobody():
    found = changes()
    assert found.aids == () and found.reason == "nothing_changed"


def test_a_published_aid_is_the_only_one_evaluated():
    found = changes(previous_fingerprints={k: v for k, v in PRINTS.items() if k != "apl"})
    assert (found.aids, found.new_aids, found.reason) == (("apl",), ("apl",), "new_aids")


def test_a_corrected_entry_is_evaluated_again():
    found = changes(previous_fingerprints={**PRINTS, "rsa": "old"})
    assert (found.aids, found.changed_aids) == (("rsa",), ("rsa",))


@pytest.mark.parametrize(
    "previous, reason",
    [
        ({"previous_engine_version": "openfisca-france==175.0.0"}, "engine_version"),
        ({"previous_month": "2026-10"}, "legislation_month"),
        ({"previous_fingerprints": None}, "engine_version"),
    ],
    ids=["new-engine", "new-month", "first-run"],
)
def test_a_new_engine_or_month_re_evaluates_every_engine_aid(previous, reason):
    found = changes(**previous)
    assert set(found.aids) == set(ENGINE_AIDS) and found.reason == reason


def test_rule_aids_are_not_evaluated_by_the_batch():
    prints = {**PRINTS, "paris_rule_aid": "p1"}
    found = rules.changes_since(
        prints,
        "v",
        "2026-11",
        previous_fingerprints=PRINTS,
        previous_engine_version="v",
        previous_month="2026-11",
        engine_aids=ENGINE_AIDS,
    )
    assert found.aids == ()


@pytest.mark.parametrize(
    "before, now, told",
    [
        ({}, {"rsa": 573.49, "apl": 0.0}, {"rsa": 573.49}),  # newly eligible
        ({"rsa": 573.49}, {"rsa": 573.49}, {}),  # already told, unchanged
        ({"rsa": 500.0}, {"rsa": 560.0}, {"rsa": 560.0}),  # +60 €, +12 %: notable
        ({"rsa": 500.0}, {"rsa": 515.0}, {}),  # +15 €: not worth an e-mail
        ({"apl": 400.0}, {"apl": 430.0}, {}),  # +30 € but +7.5 %: not notable
        ({"rsa": 600.0}, {"rsa": 550.0}, {}),  # a fall is never announced
        ({"rsa": 0.0}, {"rsa": 12.7}, {"rsa": 12.7}),  # from nothing, however small
    ],
)
def test_who_is_told_about_what(before, now, told):
    assert rules.worth_telling(before, now) == told


def test_batch_names_depend_only_on_run_and_batch():
    assert rules.batch_task_name("daily-2026-11-30", 3) == rules.batch_task_name(
        "daily-2026-11-30", 3
    )
    assert rules.batch_task_name("daily-2026-11-30", 3) != rules.batch_task_name(
        "daily-2026-11-30", 4
    )


def test_an_unsubscribe_token_reads_back_and_fits_a_path_segment():
    token = rules.unsubscribe_token(b"key", "alerts", "Xy7kP2mQ9rT4vW8zA1bC3dE5fG6h")
    assert len(token) <= 64 and token.replace("-", "").replace("_", "").isalnum()
    assert rules.read_unsubscribe_token(b"key", token) == ("alerts", "Xy7kP2mQ9rT4vW8zA1bC3dE5fG6h")


@pytest.mark.parametrize(
    "forge",
    [
        lambda t: t[:-1] + ("x" if t[-1] != "x" else "y"),  # another uid
        lambda t: "p" + t[1:],  # another list
        lambda t: t[:5] + ("A" if t[5] != "A" else "B") + t[6:],  # altered MAC
        lambda t: t[:10],  # truncated
        lambda t: "z" + t[1:],  # unknown list
    ],
)
def test_an_altered_token_is_refused(forge):
    token = rules.unsubscribe_token(b"key", "alerts", "u-123")
    assert rules.read_unsubscribe_token(b"key", forge(token)) is None


def test_a_token_made_with_another_key_is_refused():
    token = rules.unsubscribe_token(b"other", "alerts", "u-123")
    assert rules.read_unsubscribe_token(b"key", token) is None


def test_suppression_keys_ignore_case_and_spaces():
    assert rules.address_key(" Camille@Example.org") == rules.address_key("camille@example.org")


def test_batches_cut_every_batch_size_in_order():
    uids = [f"u{i:06d}" for i in range(2 * rules.BATCH_SIZE + 3)]

    batches = list(rules.batched(iter(uids)))

    assert [len(b) for b in batches] == [rules.BATCH_SIZE, rules.BATCH_SIZE, 3]
    assert [uid for b in batches for uid in b] == uids
    assert list(rules.batched([])) == []


def test_a_batch_of_long_uids_closes_before_its_task_passes_one_megabyte():
    """Cloud Tasks refuses a task body over 1 MB: uids of 128 characters (the longest a
    batch accepts) close a batch early, and each task body stays under the limit."""
    import json

    from shared.models.alerts import AlertBatch

    uids = [f"{i:06d}".ljust(128, "x") for i in range(rules.BATCH_SIZE + 10)]

    batches = list(rules.batched(uids))

    assert len(batches) > 1 and len(batches[0]) < rules.BATCH_SIZE
    assert [uid for b in batches for uid in b] == uids
    for number, batch in enumerate(batches):
        body = json.dumps(AlertBatch(run_id="r", batch=number, uids=batch).model_dump()).encode()
        assert len(body) < 1_000_000
