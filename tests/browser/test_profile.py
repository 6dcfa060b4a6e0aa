"""Profile, consents with their history, objection and restriction with the API's notices."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import Visit
from tests.browser.test_account import create_account


def test_profile_consents_objection_and_restriction(visit: Visit):
    page = visit.page
    create_account(visit, f"alex-{visit.folder.name}@example.org", vault=True)
    page.get_by_role("link", name="Profil et consentements").click()
    page.get_by_role("heading", name="Mes consentements").wait_for()
    vault = page.locator("form[data-purpose='vault']")
    promotion = page.locator("form[data-purpose='promotion']")
    expect(vault).to_contain_text("accordé")
    expect(promotion).to_contain_text("retiré")
    history = page.locator("table tr")
    assert history.count() >= 1
    visit.check("profile")

    # A phone number the API refuses: its French message stands next to the field.
    page.get_by_label("Téléphone").fill("123")
    page.get_by_role("button", name="Enregistrer le profil").click()
    page.locator(".field-error").wait_for()
    assert page.get_by_label("Téléphone").get_attribute("aria-invalid") == "true"
    visit.check("phone refused")
    page.get_by_label("Téléphone").fill("06 12 34 56 78")
    page.get_by_role("button", name="Enregistrer le profil").click()
    expect(page.locator(".field-error")).to_have_count(0)
    expect(page.get_by_label("Téléphone")).to_have_value("06 12 34 56 78")

    # The promotion consent needs a verified address: the API says so, next to it.
    rows = history.count()
    promotion.get_by_role("button", name="Donner mon consentement").click()
    refusal = page.locator("form[data-purpose='promotion'] .error")
    expect(refusal).to_contain_text("Vérifiez votre adresse e-mail")
    expect(page.locator("form[data-purpose='promotion']")).to_contain_text("retiré")
    expect(page.locator("table tr")).to_have_count(rows)
    visit.check("consent refused")

    alerts = page.locator("form[data-objection='alerts']")
    alerts.get_by_role("button", name="Je m'oppose").click()
    expect(page.locator("form[data-objection='alerts']")).to_contain_text("opposition en cours")
    visit.check("objection")

    page.get_by_role("button", name="Limiter le traitement").click()
    page.get_by_text("Le traitement de vos données est limité.").wait_for()
    notices = page.locator(".notices .notice").all_inner_texts()
    assert notices, "the API's notice on restriction is shown"
    visit.check("restricted")

    page.get_by_role("button", name="English").click()
    page.get_by_text("The processing of your data is restricted.").wait_for()
    expect(page.get_by_role("heading", name="My consents")).to_be_visible()
    visit.check("profile in English")
