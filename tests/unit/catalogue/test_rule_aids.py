"""Rule aids: a missing answer means "to check", an impossible condition means "no"."""

from __future__ import annotations

from datetime import date

from shared.domain.aids.catalogue import RuleComputation, evaluate_rule, load_catalogue
from shared.domain.questionnaire import rule_answers

TODAY = date(2026, 11, 26)


def prepare_rule():
    computation = load_catalogue().get("prepare").computation
    assert isinstance(computation, RuleComputation)
    return computation.rule


def household(*children_birth_dates: str, raising: bool | None = None) -> dict:
    persons = [{"id": "ana", "relationship": "applicant", "birth_date": "1990-01-01"}]
    persons += [
        {"id": f"c{i}", "relationship": "child", "birth_date": born}
        for i, born in enumerate(children_birth_dates)
    ]
    answers: dict = {"persons": persons}
    if raising is not None:
        answers["circumstances"] = {"reduces_or_stops_work_to_raise_child": raising}
    return answers


def test_prepare_is_ruled_out_without_children():
    assert evaluate_rule(prepare_rule(), rule_answers(household(), TODAY)) is False


def test_prepare_is_to_check_when_the_parent_has_not_said_whether_they_stop_work():
    assert evaluate_rule(prepare_rule(), rule_answers(household("2025-06-01"), TODAY)) is None


def test_prepare_holds_for_a_parent_of_a_toddler_stopping_work():
    answers = rule_answers(household("2025-06-01", raising=True), TODAY)
    assert evaluate_rule(prepare_rule(), answers) is True


def test_prepare_is_ruled_out_when_the_youngest_child_is_three_or_more():
    answers = rule_answers(household("2020-01-01", raising=True), TODAY)
    assert evaluate_rule(prepare_rule(), answers) is False
