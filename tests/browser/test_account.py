"""Sign up, accept the policy, save simulations, see what changed, follow each aid."""

from __future__ import annotations

from typing import Any

import requests
from playwright.sync_api import expect

from shared.domain.policy import CURRENT_POLICY
from tests.browser.conftest import Visit
from tests.browser.test_simulation import ANSWERS, french_euros, simulate_in_page
from tests.support import emulators

PASSWORD = "phrase-de-passe-1"


def create_account(visit: Visit, email: str, *, vault: bool = False) -> None:
    """Create the account in the page, then accept the policy (after one refusal)."""
    page = visit.page
    visit.open("#/compte")
    page.get_by_role("heading", name="Se connecter ou créer un compte").wait_for()
    visit.check("sign-in form")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    page.get_by_role("heading", name="Finaliser l'inscription").wait_for()
    assert f"version {CURRENT_POLICY.version}" in page.locator("main").inner_text()

    # Not ticking the policy: the API refuses, in French, next to the box.
    page.get_by_role("button", name="Valider mon inscription").click()
    error = page.locator("#policy-error")
    error.wait_for()
    assert page.locator("#policy").get_attribute("aria-invalid") == "true"
    assert error.inner_text() and error.inner_text() == error.inner_text().strip()
    visit.check("policy refused")
    page.get_by_label("J'ai lu et j'accepte la politique de confidentialité").check()
    if vault:
        page.get_by_label("Je souhaite conserver mes justificatifs").check()
    page.get_by_role("button", name="Valider mon inscription").click()
    page.get_by_role("heading", name="Mon compte").wait_for()


def signed_up_on(visit: Visit, name: str, link: str, heading: str) -> str:
    """A new account (``<name>-<viewport>@example.org``) on the page of menu ``link``.

    Waits for that page's ``heading``; returns the address.
    """
    email = f"{name}-{visit.folder.name}@example.org"
    create_account(visit, email)
    visit.follow(link)
    visit.page.get_by_role("heading", name=heading).wait_for()
    return email


def api_outcomes(origin: str, email: str) -> dict[str, Any]:
    """The follow-up as the API gives it to this person."""
    token = emulators.sign_in(email, PASSWORD)
    response = requests.get(
        f"{origin}/simulate/outcomes",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    response.raise_for_status()
    return dict(response.json())


def test_sign_up_save_simulations_see_changes_and_follow_an_aid(visit: Visit):
    page = visit.page
    email = f"camille-{visit.folder.name}@example.org"
    create_account(visit, email)
    assert page.get_by_text(f"Connecté(e) : {email}").is_visible()
    assert page.get_by_text("Aucune simulation enregistrée.").is_visible()
    visit.check("account, empty")

    simulate_in_page(visit, ANSWERS)
    page.get_by_role("button", name="Enregistrer cette simulation").click()
    page.get_by_text("Simulation enregistrée.").wait_for()
    visit.check("simulation saved")

    # A rent under the Paris ceiling of the housing aid (the page's explanation shows the
    # ceiling): the second saved simulation says the housing aid changed.
    page.get_by_role("button", name="Recommencer").click()
    simulate_in_page(visit, {**ANSWERS, "housing.rent": 250})
    page.get_by_role("button", name="Enregistrer cette simulation").click()
    page.get_by_role("heading", name="Ce qui a changé depuis la dernière fois").wait_for()
    changes = page.locator("ul.changes li").all_inner_texts()
    assert any(line.startswith("Allocation de logement sociale (ALS) : ") for line in changes)
    assert all(" → " in line for line in changes if line.startswith("Allocation de logement"))
    visit.check("what changed")

    page.get_by_role("link", name="Mon compte").click()
    page.get_by_role("heading", name="Suivi de mes demandes").wait_for()
    assert page.locator("ul.history > li").count() == 2
    rsa = page.locator("form[data-aid='rsa']")
    rsa.get_by_label("Où en est votre demande ?").select_option("granted")
    rsa.get_by_label("Montant reçu par mois (€)").fill("500")
    rsa.get_by_label("Depuis (mois)").fill("2025-09")
    before = page.locator(".received").inner_text()
    rsa.get_by_role("button", name="Enregistrer le suivi").click()
    expect(page.locator(".received")).not_to_have_text(before)
    outcomes = api_outcomes(visit.stack.origin, email)
    assert outcomes["monthly_total_received"] == 500
    assert outcomes["total_received_to_date"] >= 500
    shown = page.locator(".received").inner_text()
    assert shown == f"Total reçu à ce jour : {french_euros(outcomes['total_received_to_date'])}"
    assert page.locator("form[data-aid='rsa'] select").input_value() == "granted"
    visit.check("aid followed")
