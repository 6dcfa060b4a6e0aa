"""The vault and the pre-filled forms: consent, checklist, upload with its checks,
download, rename, re-tag, delete; a form proposed, edited, generated into the vault."""

from __future__ import annotations

from typing import Any

import requests
from playwright.sync_api import expect

from tests.browser.conftest import Visit
from tests.browser.test_account import PASSWORD, create_account
from tests.browser.test_simulation import ANSWERS, simulate_in_page
from tests.support import emulators, sample_files


def bridge_storage_cors(visit: Visit) -> None:
    """Answer the bucket's CORS for the storage emulator, which has none (OPTIONS → 501).

    In production the vault bucket's CORS rule (infra/storage.tf) admits the app's
    origin for GET and PUT; here the request itself still goes to the emulator, only
    the CORS headers the real bucket would add are added to its answer.
    """
    origin = visit.stack.origin
    allow = {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Methods": "GET, PUT",
        # The bucket's ``response_header`` list (infra/storage.tf).
        "Access-Control-Allow-Headers": "Content-Type, Content-Disposition,"
        " x-goog-content-length-range, x-goog-if-generation-match",
    }

    def answer(route: Any) -> None:
        if route.request.method == "OPTIONS":
            route.fulfill(status=204, headers=allow)
            return
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, **allow})

    visit.context.route(f"{visit.stack.storage_origin}/**", answer)


def api(visit: Visit, method: str, path: str, email: str, **kwargs: Any) -> Any:
    """What the API answers this person, in French."""
    token = emulators.sign_in(email, PASSWORD)
    response = requests.request(
        method,
        visit.stack.origin + path,
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "fr"},
        timeout=30,
        **kwargs,
    )
    return response.json()


def save_a_simulation(visit: Visit) -> None:
    simulate_in_page(visit, ANSWERS)
    visit.page.get_by_role("button", name="Enregistrer cette simulation").click()
    visit.page.get_by_text("Simulation enregistrée.").wait_for()


def test_vault_consent_checklist_upload_download_rename_and_delete(visit: Visit):
    page = visit.page
    bridge_storage_cors(visit)
    email = f"ines-{visit.folder.name}@example.org"
    create_account(visit, email)
    save_a_simulation(visit)

    page.get_by_role("link", name="Mes documents").click()
    page.get_by_role("heading", name="Activer le coffre-fort").wait_for()
    visit.check("vault consent")
    page.get_by_role("button", name="Activer mon coffre-fort").click()
    page.get_by_role("heading", name="Documents à fournir pour mes aides").wait_for()
    expect(page.get_by_text("Votre coffre-fort est vide.")).to_be_visible()

    # The checklist shows what the API says for the saved simulation.
    checklist = api(visit, "GET", "/vault/checklist", email)
    assert checklist["aids"], "the saved simulation has aids needing documents"
    for aid in checklist["aids"]:
        shown = page.locator(f"section.checklist[data-aid='{aid['aid_id']}'] li")
        expect(shown).to_have_text(
            [f"{item['document_label']} : manquant" for item in aid["items"]]
        )
    visit.check("vault, checklist")

    upload = page.locator("form.upload")
    file_field = upload.get_by_label("Fichier (PDF, JPEG ou PNG)")

    # A text file: refused at the slot, the API's reason next to the file field.
    file_field.set_input_files(
        files=[{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"bonjour"}]
    )
    upload.get_by_role("button", name="Envoyer le document").click()
    upload.locator(".error").wait_for()
    expect(upload.locator(".error")).to_contain_text("Ce type de fichier n'est pas accepté")
    visit.check("wrong type refused")

    # A PDF carrying the EICAR test string: uploaded, then refused by the malware scan.
    file_field.set_input_files(
        files=[
            {
                "name": "piege.pdf",
                "mimeType": "application/pdf",
                "buffer": sample_files.pdf_with_eicar(),
            }
        ]
    )
    upload.get_by_role("button", name="Envoyer le document").click()
    outcome = page.locator(".outcome")
    outcome.wait_for(timeout=60_000)
    rejected = api(visit, "POST", "/vault/documents/search", email, json={})["documents"]
    assert [d["status"] for d in rejected] == ["rejected"]
    expect(outcome).to_have_text(f"Document refusé : {rejected[0]['refusal_message']}")
    card = page.locator(f"section[data-document='{rejected[0]['document_id']}']")
    expect(card.locator(".document-status")).to_have_text("Refusé")
    visit.check("malware refused")

    # A clean PDF of the first document the checklist asks for.
    needed = checklist["aids"][0]["items"][0]
    data = sample_files.pdf()
    page.locator("form.upload").get_by_label("Type de document").select_option(needed["document"])
    page.locator("form.upload").get_by_label("Fichier (PDF, JPEG ou PNG)").set_input_files(
        files=[{"name": "justificatif.pdf", "mimeType": "application/pdf", "buffer": data}]
    )
    page.locator("form.upload").get_by_role("button", name="Envoyer le document").click()
    expect(page.locator(".outcome")).to_have_text(
        "Document disponible : justificatif.pdf.", timeout=60_000
    )
    listed = api(visit, "POST", "/vault/documents/search", email, json={})["documents"]
    available = next(d for d in listed if d["status"] == "available")
    card = page.locator(f"section[data-document='{available['document_id']}']")
    expect(card.locator(".document-status")).to_have_text("Disponible")
    first_aid = checklist["aids"][0]["aid_id"]
    expect(
        page.locator(
            f"section.checklist[data-aid='{first_aid}'] li[data-document='{needed['document']}']"
        )
    ).to_have_text(f"{needed['document_label']} : présent")
    visit.check("document available")

    # A proof of address must be under 3 months old (its label in the catalogue,
    # caf.fr "justificatif de domicile de moins de 3 mois"): one from January 2025 is
    # out of date. An income year the API refuses is said beside its field first.
    upload = page.locator("form.upload")
    upload.get_by_label("Type de document").select_option("proof_of_address")
    upload.get_by_label("Fichier (PDF, JPEG ou PNG)").set_input_files(
        files=[{"name": "facture.pdf", "mimeType": "application/pdf", "buffer": data}]
    )
    upload.get_by_label("Année des revenus").fill("1990")
    upload.get_by_role("button", name="Envoyer le document").click()
    year_field = upload.get_by_label("Année des revenus")
    expect(year_field).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#{year_field.get_attribute('id')}-error")).not_to_be_empty()
    visit.check("income year refused")
    year_field.fill("")
    upload.get_by_label("Date du document").fill("2025-01-15")
    upload.get_by_role("button", name="Envoyer le document").click()
    expect(page.locator(".outcome")).to_have_text(
        "Document disponible : facture.pdf.", timeout=60_000
    )
    address_items = page.locator("section.checklist li[data-document='proof_of_address']")
    assert address_items.count() >= 1
    for text in address_items.all_inner_texts():
        assert text.endswith(" : périmé"), text
    visit.check("proof of address out of date")
    card = page.locator(f"section[data-document='{available['document_id']}']")

    card.get_by_role("button", name="Obtenir le lien de téléchargement").click()
    link = card.get_by_role("link", name="Télécharger « justificatif.pdf »")
    href = str(link.get_attribute("href"))
    assert requests.get(href, timeout=30).content == data

    card.get_by_label("Nom du document").fill("Mon justificatif 2025")
    card.get_by_label("Type de document").select_option("other")
    card.get_by_role("button", name="Enregistrer les changements").click()
    page.locator("main").get_by_text("Document modifié.").wait_for()
    changed = api(visit, "POST", "/vault/documents/search", email, json={})["documents"]
    renamed = next(d for d in changed if d["document_id"] == available["document_id"])
    assert (renamed["display_name"], renamed["kind"]) == ("Mon justificatif 2025", "other")
    expect(card.get_by_role("heading", level=3)).to_have_text("Mon justificatif 2025")
    visit.check("document renamed")

    card.get_by_role("button", name="Supprimer ce document").click()
    page.locator("main").get_by_text("Document supprimé : Mon justificatif 2025.").wait_for()
    expect(card).to_have_count(0)
    remaining = api(visit, "POST", "/vault/documents/search", email, json={})["documents"]
    assert available["document_id"] not in {d["document_id"] for d in remaining}
    visit.check("document deleted")

    page.get_by_role("button", name="English").click()
    page.get_by_role("heading", name="Documents my aids need").wait_for()
    visit.check("vault in English")


def test_form_proposed_edited_generated_and_kept_in_the_vault(visit: Visit):
    page = visit.page
    email = f"awa-{visit.folder.name}@example.org"
    create_account(visit, email, vault=True)
    save_a_simulation(visit)
    generated: list[dict[str, Any]] = []
    page.on(
        "response",
        lambda response: (
            generated.append(response.json())
            if response.request.method == "POST" and response.url.endswith("/forms/rsa")
            else None
        ),
    )

    page.get_by_role("link", name="Mes formulaires").click()
    page.get_by_label("Formulaire").select_option("rsa")
    page.get_by_role("button", name="Préparer ce formulaire").click()
    form = page.locator("form.proposal[data-form='rsa']")
    form.wait_for()
    # Each value and its origin as the API proposes them.
    proposal = api(visit, "GET", "/forms/rsa/proposal", email)
    for proposed in proposal["fields"]:
        row = form.locator(f"[data-form-field='{proposed['field_id']}']")
        if proposed["type"] != "checkbox":
            expect(row.locator("input")).to_have_value(proposed["value"])
        source = row.locator(".source")
        if proposed["source"] is None:
            expect(source).to_have_text("Aucune source : à remplir vous-même")
        elif proposed["source"].startswith("profile."):
            expect(source).to_have_text("Repris de votre profil")
        else:
            expect(source).to_have_text("Repris de votre dernière simulation")
    from_simulation = [f for f in proposal["fields"] if (f["source"] or "").startswith("applicant")]
    assert from_simulation, "the saved answers feed the form"
    visit.check("form proposal")

    # Blank the e-mail (from the profile), type a CAF number nothing knew.
    form.locator("[data-form-field='email'] input").fill("")
    form.locator("[data-form-field='caf_number'] input").fill("1234567")
    form.get_by_role("button", name="Générer le formulaire").click()
    notice = page.locator(".generated")
    notice.wait_for()
    values = generated[-1]["values"]
    assert "email" not in values and values["caf_number"] == "1234567"
    kept = {f["field_id"]: f["value"] for f in proposal["fields"] if f["value"]}
    kept.pop("email")
    assert values == {**kept, "caf_number": "1234567"}
    name = generated[-1]["document"]["display_name"]
    expect(notice).to_contain_text(f"Formulaire généré et rangé dans vos documents : {name}.")
    visit.check("form generated")

    notice.get_by_role("link", name="Voir mes documents").click()
    card = page.locator(f"section[data-document='{generated[-1]['document']['document_id']}']")
    expect(card.locator(".document-status")).to_have_text("Disponible")
    expect(card.get_by_role("heading", level=3)).to_have_text(name)
    visit.check("form in the vault")
