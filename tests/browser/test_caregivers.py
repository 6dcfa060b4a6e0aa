"""Caregivers: invite with chosen grants and duration, see the mandate, read the journal, revoke."""

from __future__ import annotations

from typing import Any

import requests
from playwright.sync_api import expect

from tests.browser.conftest import Visit
from tests.browser.test_account import PASSWORD, signed_up_on
from tests.support import emulators


def call(
    visit: Visit, method: str, path: str, token: str, language: str = "fr", **kwargs: Any
) -> requests.Response:
    """The API as another client would call it (the caregiver's side, or a check)."""
    return requests.request(
        method,
        visit.stack.origin + path,
        headers={"Authorization": f"Bearer {token}", "Accept-Language": language},
        timeout=30,
        **kwargs,
    )


def test_invite_a_caregiver_read_the_journal_then_revoke(visit: Visit):
    page = visit.page
    email = signed_up_on(visit, "lea", "Mes aidants", "Inviter un aidant")
    expect(page.get_by_text("Vous n'avez invité aucun aidant.")).to_be_visible()
    expect(page.get_by_text("Personne d'autre que vous n'a accédé à vos données.")).to_be_visible()
    visit.check("caregivers, none yet")

    # What the API refuses is said in French next to the field concerned.
    form = page.locator("form.invite")
    form.get_by_label("Nom de l'aidant").fill("Marie Dupont")
    form.get_by_label("Adresse e-mail de l'aidant").fill("pas-une-adresse")
    form.get_by_label("Durée du mandat").fill("400")
    form.get_by_role("button", name="Envoyer l'invitation").click()
    form.locator(".field-error").first.wait_for()
    email_field = form.get_by_label("Adresse e-mail de l'aidant")
    assert email_field.get_attribute("aria-invalid") == "true"
    email_error = page.locator(f"#{email_field.get_attribute('id')}-error").inner_text()
    assert "adresse e-mail" in email_error
    assert form.get_by_label("Durée du mandat").get_attribute("aria-invalid") == "true"
    visit.check("invitation refused")

    aidant_email = f"marie-{visit.folder.name}@example.org"
    email_field.fill(aidant_email)
    form.get_by_label("Durée du mandat").fill("30")
    form.get_by_label("Consulter mes documents").check()
    form.get_by_role("button", name="Envoyer l'invitation").click()
    page.locator("main").get_by_text(f"Invitation envoyée à {aidant_email}.").wait_for()
    card = page.locator("section[data-mandate]")
    expect(card).to_have_count(1)
    expect(card.locator(".mandate-status")).to_have_text("Invitation en attente")
    expect(card).to_contain_text("Consulter mes réponses et mes résultats")
    expect(card).to_contain_text("Consulter mes documents")
    visit.check("caregiver invited")

    # The caregiver accepts with the invited, verified address, then reads the profile.
    mandate_id = str(card.get_attribute("data-mandate"))
    aidant = emulators.create_user(aidant_email)
    accepted = call(visit, "POST", f"/mandates/{mandate_id}/accept", aidant.id_token)
    assert accepted.status_code == 200, accepted.text
    subject = accepted.json()["beneficiary_uid"]
    aidant.refresh()  # the token now carries the caregiver's role
    read = call(visit, "GET", "/profile", aidant.id_token, params={"subject": subject})
    assert read.status_code == 200, read.text

    page.reload()
    page.get_by_role("heading", name="Ce que d'autres ont fait avec mes données").wait_for()
    expect(card.locator(".mandate-status")).to_have_text("Actif")
    own_token = emulators.sign_in(email, PASSWORD)
    journal = call(visit, "GET", "/mandates/journal", own_token).json()["entries"]
    assert journal, "the caregiver's reading is journaled"
    shown = page.locator("ul.journal li").all_inner_texts()
    assert shown == [entry["sentence"] for entry in journal]
    assert any("Marie D." in line for line in shown)
    visit.check("journal")

    card.get_by_role("button", name="Révoquer ce mandat").click()
    page.locator("main").get_by_text(
        "Mandat révoqué : l'aidant n'a plus accès à vos données."
    ).wait_for()
    expect(page.locator("section[data-mandate] .mandate-status")).to_have_text("Révoqué")
    expect(page.get_by_role("button", name="Révoquer ce mandat")).to_have_count(0)
    # Revocation holds at once: the caregiver's very next request is refused.
    again = call(visit, "GET", "/profile", aidant.id_token, params={"subject": subject})
    assert again.status_code == 403
    visit.check("mandate revoked")

    page.get_by_role("button", name="English").click()
    page.get_by_role("heading", name="What others did with my data").wait_for()
    expect(page.locator("section[data-mandate] .mandate-status")).to_have_text("Revoked")
    english = call(visit, "GET", "/mandates/journal", own_token, language="en").json()
    assert page.locator("ul.journal li").all_inner_texts() == [
        entry["sentence"] for entry in english["entries"]
    ]
    # In English, the API's refusal is in English beside its field too.
    invite = page.locator("form.invite")
    invite.get_by_label("Caregiver's name").fill("Paul Durand")
    invite.get_by_label("Caregiver's email address").fill("paul")
    invite.get_by_role("button", name="Send the invitation").click()
    field_id = invite.get_by_label("Caregiver's email address").get_attribute("id")
    expect(page.locator(f"#{field_id}-error")).to_contain_text("must be an e-mail address")
    visit.check("caregivers in English")
