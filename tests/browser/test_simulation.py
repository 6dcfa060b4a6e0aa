"""Anonymous simulation in the browser: one question at a time, then the results."""

from __future__ import annotations

import json
import re
from typing import Any

import requests

from tests.browser.conftest import Visit
from tests.support import emulators

# A single adult without income renting in Paris: the answers the person gives.
ANSWERS: dict[str, Any] = {
    "persons.demandeur.birth_date": "1990-03-14",
    "persons.demandeur.activity": "unemployed_not_compensated",
    "couple_status": "single",
    "housing.status": "tenant",
    "housing.rent": 550,
    "housing.postal_code": "75011",
}


def french_euros(amount: float) -> str:
    """An amount as fr-FR writes it: "1 234,56 €" (narrow no-break space in thousands)."""
    whole, cents = f"{amount:,.2f}".split(".")
    return whole.replace(",", "\u202f") + "," + cents + "\u00a0€"


def english_euros(amount: float) -> str:
    return f"€{amount:,.2f}"


def answer_questions(visit: Visit, answers: dict[str, Any]) -> list[str]:
    """Answer each question shown; "I don't know" for the others. Returns the ids asked."""
    page = visit.page
    asked: list[str] = []
    while True:
        page.wait_for_selector("form[data-question], .total, .error")
        form = page.locator("form[data-question]")
        if form.count() == 0:
            return asked
        question = str(form.get_attribute("data-question"))
        assert question not in asked, f"{question} asked twice"
        asked.append(question)
        if question not in answers:
            page.get_by_role("button", name="Je ne sais pas").click()
        elif question == "persons":
            # Who lives here: a partner or not, how many children.
            household = answers[question]
            form.locator(f"input[name=partner][value='{json.dumps(household['partner'])}']").check()
            form.locator("input[name=children]").fill(str(household["children"]))
            visit.check("household")
            page.get_by_role("button", name="Question suivante").click()
        elif question.endswith(".resources"):
            for kind, amount in answers[question].items():
                form.locator(f"input[name={kind}]").fill(str(amount))
            visit.check(f"resources {question}")
            page.get_by_role("button", name="Question suivante").click()
        else:
            value = answers[question]
            if question.startswith("persons.conjoint."):
                assert form.inner_text().startswith("Question"), "the step is numbered"
                assert "Votre conjoint(e) — " in form.inner_text()
            encoded = json.dumps(value)
            radio = form.locator(f"input[type=radio][value='{encoded}']")
            if radio.count():
                radio.check()
            elif form.locator("select").count():
                form.locator("select").select_option(encoded)
            else:
                form.locator("#answer").fill(str(value))
            if len(asked) <= 2:
                visit.check(f"question {question}")
            page.get_by_role("button", name="Question suivante").click()
        page.wait_for_function(
            "(previous) => { const f = document.querySelector('form[data-question]');"
            " return !f || f.dataset.question !== previous; }",
            arg=question,
        )


def simulate_in_page(visit: Visit, answers: dict[str, Any]) -> None:
    """From the questionnaire to the results, answering ``answers``."""
    visit.follow("Simulation")
    answer_questions(visit, answers)
    visit.page.locator(".total").wait_for()


def api_report(stack_origin: str, household: dict[str, Any]) -> dict[str, Any]:
    """What the API itself answers for this household (anonymous, in French)."""
    response = requests.post(
        f"{stack_origin}/simulate",
        json={"household": household},
        headers={"Accept-Language": "fr"},
        timeout=60,
    )
    response.raise_for_status()
    return dict(response.json()["report"])


def simulations_seen(visit: Visit) -> list[dict[str, Any]]:
    """Each ``POST /simulate`` the page makes: what it sent and what the API answered."""
    seen: list[dict[str, Any]] = []

    def keep(response: Any) -> None:
        if response.url.endswith("/simulate") and response.request.method == "POST":
            seen.append({"sent": response.request.post_data_json, "answer": response.json()})

    visit.page.on("response", keep)
    return seen


def test_anonymous_questionnaire_then_results_in_french_and_english(visit: Visit):
    seen = simulations_seen(visit)
    visit.open()
    page = visit.page
    page.get_by_role("heading", name="Quelles aides pouvez-vous recevoir ?").wait_for()
    visit.check("questionnaire")

    asked = answer_questions(visit, ANSWERS)

    assert {"persons.demandeur.birth_date", "housing.rent"} <= set(asked)
    page.get_by_role("heading", name="Vos résultats").wait_for()
    page.locator(".total").wait_for()
    sent = seen[-1]["sent"]["household"]
    assert sent["persons"][0]["birth_date"] == "1990-03-14"
    # Paris 11e has one commune: the commune question is not asked.
    assert sent["housing"] == {"status": "tenant", "rent": 550, "postal_code": "75011"}
    # The page shows what the API computes for the answers given, asked again here.
    report = api_report(visit.stack.origin, sent)
    assert report == seen[-1]["answer"]["report"]
    eligible = [aid for aid in report["results"] if aid["status"] == "eligible"]
    assert any(aid["aid_id"] == "rsa" for aid in eligible)
    total = page.locator(".total").inner_text()
    assert total == f"Total estimé : {french_euros(report['monthly_total'])} par mois"
    visit.check("results")
    for aid in eligible:
        card = page.locator(f"section[data-aid='{aid['aid_id']}']")
        assert card.get_by_role("heading", level=3).inner_text() == aid["label"]["fr"]
        if aid["monthly_amount"] is not None:
            assert french_euros(aid["monthly_amount"]) in card.locator(".amount").inner_text()
        for line in aid["explanation"]:
            assert line["fr"] in card.inner_text()
        for document in aid["documents"]:
            assert document["label"]["fr"] in card.inner_text()
    rsa = page.locator("section[data-aid='rsa']")
    assert "Pourquoi" in rsa.inner_text() and "Comment en faire la demande" in rsa.inner_text()

    page.get_by_role("button", name="English").click()
    page.get_by_role("heading", name="Your results").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".total").inner_text() == (
        f"Estimated total: {english_euros(report['monthly_total'])} per month"
    )
    rsa_en = next(aid for aid in eligible if aid["aid_id"] == "rsa")
    assert rsa_en["label"]["en"] in page.locator("section[data-aid='rsa']").inner_text()
    visit.check("results in English")
    # Nothing was stored for the anonymous person (R6).
    assert emulators.all_document_paths() == []


def test_first_load_transfers_under_150_kb_compressed(visit: Visit):
    """The figure the README gives: every byte of the first visit, headers included."""
    sizes: list[int] = []
    visit.page.on(
        "requestfinished",
        lambda request: sizes.append(
            request.sizes()["responseBodySize"] + request.sizes()["responseHeadersSize"]
        ),
    )
    visit.open()
    visit.page.get_by_role("heading", name="Quelles aides pouvez-vous recevoir ?").wait_for()
    visit.page.wait_for_load_state("networkidle")
    transferred = sum(sizes)
    print(f"first load: {len(sizes)} requests, {transferred / 1000:.1f} kB transferred")
    assert 0 < transferred < 150_000
    assert re.search("Question 1", visit.page.locator("main").inner_text())


# A single parent, employed, with two children, renting in Lyon 3e: the answers given.
SINGLE_PARENT: dict[str, Any] = {
    "persons": {"partner": False, "children": 2},
    "couple_status": "single",
    "persons.demandeur.birth_date": "1988-06-02",
    "persons.demandeur.activity": "employed",
    "persons.demandeur.disability_rate": 0,
    "persons.demandeur.resources": {"salary": 1350},
    "persons.enfant1.birth_date": "2014-04-20",
    "persons.enfant1.school_level": "middle",
    "persons.enfant1.alternate_custody": False,
    "persons.enfant1.disability_rate": 0,
    "persons.enfant2.birth_date": "2019-10-03",
    "persons.enfant2.school_level": "primary",
    "persons.enfant2.alternate_custody": False,
    "persons.enfant2.disability_rate": 0,
    "housing.status": "tenant",
    "housing.rent": 620,
    "housing.postal_code": "69003",
    "housing.shared": False,
    "assets.savings": 800,
}


def test_a_working_single_parent_household_gets_the_amounts_the_api_computes(visit: Visit):
    seen = simulations_seen(visit)
    visit.open()
    asked = answer_questions(visit, SINGLE_PARENT)

    # The questionnaire adapted to the household: each child was asked about.
    assert asked[0] == "persons"
    assert {"persons.enfant1.birth_date", "persons.enfant2.birth_date"} <= set(asked)
    visit.page.get_by_role("heading", name="Vos résultats").wait_for()
    sent = seen[-1]["sent"]["household"]
    assert [p["relationship"] for p in sent["persons"]] == ["applicant", "child", "child"]
    assert sent["persons"][0]["resources"] == [{"kind": "salary", "monthly_amount": 1350}]
    report = api_report(visit.stack.origin, sent)
    assert report == seen[-1]["answer"]["report"]
    eligible = {aid["aid_id"]: aid for aid in report["results"] if aid["status"] == "eligible"}
    # Family allowances are due from the second child under 20
    # (service-public.fr F13213, CSS art. L521-1).
    assert "allocations_familiales" in eligible
    # A working parent on a low wage gets the activity bonus
    # (service-public.fr F2882, CSS art. L841-1).
    assert "prime_activite" in eligible
    total = visit.page.locator(".total").inner_text()
    assert total == f"Total estimé : {french_euros(report['monthly_total'])} par mois"
    for aid_id, aid in eligible.items():
        card = visit.page.locator(f"section[data-aid='{aid_id}']")
        if aid["monthly_amount"] is not None:
            assert french_euros(aid["monthly_amount"]) in card.locator(".amount").inner_text()
    visit.check("single parent results")


# A married couple, one wage each, one young child, renting in Lyon 7e.
COUPLE: dict[str, Any] = {
    "persons": {"partner": True, "children": 1},
    "couple_status": "married",
    "persons.demandeur.birth_date": "1990-01-12",
    "persons.demandeur.activity": "employed",
    "persons.demandeur.resources": {"salary": 1200},
    "persons.conjoint.birth_date": "1991-07-30",
    "persons.conjoint.activity": "employed",
    "persons.conjoint.resources": {"salary": 900},
    "persons.enfant1.birth_date": "2024-02-10",
    "persons.enfant1.school_level": "none",
    "persons.enfant1.alternate_custody": False,
    "housing.status": "tenant",
    "housing.rent": 700,
    "housing.postal_code": "69007",
}


def test_a_couple_with_a_child_is_asked_about_each_person(visit: Visit):
    seen = simulations_seen(visit)
    visit.open()
    page = visit.page
    page.wait_for_selector("form[data-question]")
    asked = answer_questions(visit, COUPLE)

    assert {"persons.conjoint.birth_date", "persons.conjoint.resources"} <= set(asked)
    page.get_by_role("heading", name="Vos résultats").wait_for()
    sent = seen[-1]["sent"]["household"]
    assert [p["relationship"] for p in sent["persons"]] == ["applicant", "spouse", "child"]
    assert sent["persons"][1]["resources"] == [{"kind": "salary", "monthly_amount": 900}]
    report = api_report(visit.stack.origin, sent)
    assert report == seen[-1]["answer"]["report"]
    total = page.locator(".total").inner_text()
    assert total == f"Total estimé : {french_euros(report['monthly_total'])} par mois"
    visit.check("couple results")


# 01000 serves two communes, Bourg-en-Bresse (INSEE 01053) and Saint-Denis-lès-Bourg
# (01344): La Poste's postal-code data as the repository ships it
# (shared/domain/data/postal_codes.tsv.gz, from the npm package codes-postaux).
SHARED_POSTAL_CODE: dict[str, Any] = {
    "persons.demandeur.birth_date": "1985-09-21",
    "housing.status": "tenant",
    "housing.rent": 480,
    "housing.postal_code": "01000",
}


def refused_after(visit: Visit, answers: dict[str, Any]) -> list[str]:
    """Answer ``answers`` from the start, skipping the rest, up to the refused answers
    shown instead of the results. Returns the ids asked."""
    visit.open()
    asked = answer_questions(visit, answers)
    visit.page.get_by_role("heading", name="Vos résultats").wait_for()
    visit.page.locator(".refused li").first.wait_for()
    assert visit.page.locator(".total").count() == 0
    return asked


def back_to(visit: Visit, question_id: str) -> None:
    """From the refused answers, back to the (first) question offered: ``question_id``."""
    visit.page.get_by_role("button", name="Revenir à cette question").first.click()
    visit.page.locator(f"form[data-question='{question_id}']").wait_for()


def housing_shown(visit: Visit, seen: list[dict[str, Any]]) -> dict[str, Any]:
    """Once the results show: the housing sent (the page shows the report the API computes)."""
    visit.page.locator(".total").wait_for()
    sent = seen[-1]["sent"]["household"]
    assert api_report(visit.stack.origin, sent) == seen[-1]["answer"]["report"]
    return dict(sent["housing"])


def test_a_skipped_commune_is_refused_with_its_message_and_asked_again(visit: Visit):
    seen = simulations_seen(visit)
    page = visit.page
    asked = refused_after(visit, SHARED_POSTAL_CODE)

    # "Je ne sais pas" on the commune: the API needs it, the page says so in French
    # under the question's own wording, and offers to go back to it.
    assert "housing.commune" in asked
    refused = page.locator(".refused li")
    assert refused.count() == 1
    assert refused.inner_text().startswith(
        "Dans quelle commune se trouve le logement ? : le code postal 01000 dessert "
        "plusieurs communes, choisissez la vôtre : Bourg-en-Bresse, Saint-Denis-lès-Bourg"
    )
    visit.check("commune refused")
    # The same refusal in English when the person switches language.
    page.get_by_role("button", name="English").click()
    page.locator(".refused li", has_text="serves several communes").wait_for()
    assert "In which commune is the home?" in page.locator(".refused li").inner_text()
    page.get_by_role("button", name="Français").click()
    page.locator(".refused li", has_text="dessert plusieurs communes").wait_for()

    back_to(visit, "housing.commune")
    assert page.get_by_label("Saint-Denis-lès-Bourg").count() == 1
    answer_questions(visit, {"housing.commune": "01344"})

    housing = housing_shown(visit, seen)
    assert housing == {"status": "tenant", "rent": 480, "postal_code": "01000", "commune": "01344"}
    visit.check("results with the commune")


def test_a_skipped_postal_code_is_asked_again_then_its_commune(visit: Visit):
    seen = simulations_seen(visit)
    answers = {k: v for k, v in SHARED_POSTAL_CODE.items() if k != "housing.postal_code"}
    asked = refused_after(visit, answers)

    # The housing answers need a commune, which only the skipped postal code could give:
    # the refusal is shown under the postal-code question, the one to go back to.
    assert "housing.postal_code" in asked and "housing.commune" not in asked
    assert (
        visit.page.locator(".refused li")
        .inner_text()
        .startswith("Code postal du logement : champ obligatoire")
    )
    visit.check("postal code refused")

    back_to(visit, "housing.postal_code")
    # 01000 serves two communes: the commune question follows.
    asked_again = answer_questions(
        visit, {"housing.postal_code": "01000", "housing.commune": "01053"}
    )
    assert asked_again[:2] == ["housing.postal_code", "housing.commune"]

    housing = housing_shown(visit, seen)
    assert housing == {"status": "tenant", "rent": 480, "postal_code": "01000", "commune": "01053"}
    visit.check("results after the postal code")


def test_every_question_skipped_leads_back_to_each_needed_one(visit: Visit):
    seen = simulations_seen(visit)
    page = visit.page
    refused_after(visit, {})

    # Without a birth date nor any housing answer the API cannot simulate: each refusal
    # is shown under its question, with a way back to it, rather than only "Recommencer".
    refused = page.locator(".refused li").all_inner_texts()
    assert [line.split("\n")[0] for line in refused] == [
        "Date de naissance : champ obligatoire",
        "Êtes-vous locataire, propriétaire, hébergé… ? : champ obligatoire",
    ]
    assert page.get_by_role("button", name="Revenir à cette question").count() == 2
    visit.check("birth date and housing refused")

    back_to(visit, "persons.demandeur.birth_date")
    answer_questions(visit, {"persons.demandeur.birth_date": "1979-02-11"})
    page.locator(".refused li").wait_for()
    back_to(visit, "housing.status")
    answer_questions(visit, {"housing.status": "hosted_free"})
    # The postal code was skipped too: the commune it gives is refused next, under it.
    page.locator(".refused li").wait_for()
    assert (
        page.locator(".refused li")
        .inner_text()
        .startswith("Code postal du logement : champ obligatoire")
    )
    back_to(visit, "housing.postal_code")
    answer_questions(visit, {"housing.postal_code": "75011"})

    assert housing_shown(visit, seen) == {"status": "hosted_free", "postal_code": "75011"}
    assert seen[-1]["sent"]["household"]["persons"][0]["birth_date"] == "1979-02-11"
