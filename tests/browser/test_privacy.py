"""Privacy centre: export with its progress, erasure after its notice, the receipt."""

from __future__ import annotations

import re

import requests
from playwright.sync_api import expect

from tests.browser.conftest import Visit
from tests.browser.test_account import PASSWORD, create_account, signed_up_on
from tests.support import emulators


def test_export_then_erasure_with_its_receipt(visit: Visit):
    page = visit.page
    create_account(visit, f"sam-{visit.folder.name}@example.org")
    page.get_by_role("link", name="Mes données").click()
    page.get_by_role("heading", name="Supprimer mon compte et mes données").wait_for()
    assert page.locator("ul.kept li").count() >= 1, "what the law keeps is listed"
    visit.check("privacy centre")

    # The archive is built by the export worker (Cloud Tasks emulator → gateway).
    page.get_by_role("button", name="Préparer mon archive").click()
    page.locator("main").get_by_text("Votre archive est prête.").wait_for(timeout=60_000)
    link = page.get_by_role("link", name="Télécharger l'archive")
    assert link.get_attribute("href")
    visit.check("export ready")

    label = page.get_by_text(re.compile("^Pour confirmer, tapez « .+ »$")).inner_text()
    word = label.split("« ")[1].removesuffix(" »")
    field = page.get_by_label(label)
    field.fill("non")
    page.get_by_role("button", name="Supprimer définitivement").click()
    expect(page.locator("main .error")).to_be_visible()
    assert field.get_attribute("aria-invalid") == "true" or page.locator(".error").count()
    visit.check("erasure not confirmed")

    field.fill(word)
    page.get_by_role("button", name="Supprimer définitivement").click()
    page.get_by_role("heading", name="Reçu de suppression").wait_for()
    shown_id = page.locator(".receipt-id").inner_text()
    receipt_url = page.get_by_role("link", name="Conserver ce reçu (lien permanent)").get_attribute(
        "href"
    )
    assert receipt_url
    # Readable without an account: the person is signed out, the receipt stays.
    receipt = requests.get(visit.stack.origin + receipt_url, timeout=30)
    assert receipt.status_code == 200 and receipt.json()["pseudonymous_id"] == shown_id
    visit.check("erasure receipt")


def test_post_mortem_directive_recorded_viewed_and_changed(visit: Visit):
    page = visit.page
    email = signed_up_on(visit, "jo", "Mes données", "Mes directives après mon décès")
    expect(page.locator(".directive-current")).to_contain_text("Aucune directive enregistrée")
    visit.check("no directive")

    # No name and a wrong address: the API's French messages stand next to each field.
    form = page.locator("form.directive")
    form.get_by_label("Les transmettre à ma personne de confiance").check()
    form.get_by_label("Adresse e-mail de la personne de confiance").fill("claire")
    form.get_by_role("button", name="Enregistrer ma directive").click()
    form.locator(".field-error").first.wait_for()
    for label in ("Nom de la personne de confiance", "Adresse e-mail de la personne de confiance"):
        assert form.get_by_label(label).get_attribute("aria-invalid") == "true", label
    visit.check("directive refused")

    form.get_by_label("Nom de la personne de confiance").fill("Claire Martin")
    form.get_by_label("Adresse e-mail de la personne de confiance").fill("claire@example.org")
    form.get_by_role("button", name="Enregistrer ma directive").click()
    expect(page.locator(".directive-current")).to_contain_text(
        "Les transmettre à ma personne de confiance, puis les supprimer. "
        "Personne de confiance : Claire Martin (claire@example.org)."
    )
    expect(form.locator(".field-error")).to_have_count(0)
    token = emulators.sign_in(email, PASSWORD)
    stored = requests.get(
        f"{visit.stack.origin}/privacy/directive",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    ).json()
    assert (stored["choice"], stored["trusted_contact_name"]) == ("communicate", "Claire Martin")
    visit.check("directive recorded")

    # Changed later: the page shows the recorded directive again after a reload.
    form.get_by_label("Les supprimer", exact=True).check()
    form.get_by_role("button", name="Modifier ma directive").click()
    expect(page.locator(".directive-current")).to_contain_text(": Les supprimer.")
    page.reload()
    expect(page.locator(".directive-current")).to_contain_text(": Les supprimer.")
    expect(page.locator("form.directive").get_by_label("Les supprimer", exact=True)).to_be_checked()
    expect(
        page.locator("form.directive").get_by_label("Nom de la personne de confiance")
    ).to_have_value("Claire Martin")
    visit.check("directive changed")

    page.get_by_role("button", name="English").click()
    expect(page.locator(".directive-current")).to_contain_text(
        ": Erase them. Trusted contact: Claire Martin (claire@example.org)."
    )
    visit.check("directive in English")
