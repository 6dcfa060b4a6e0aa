"""Privacy centre: export with its progress, erasure after its notice, the receipt."""

from __future__ import annotations

import re

import requests
from playwright.sync_api import expect

from tests.browser.conftest import Visit
from tests.browser.test_account import create_account


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
