// The vault of supporting documents: its consent, the per-aid checklist of the latest
// simulation, upload with progress (slot → signed PUT → finalise), and each document
// with its download, rename, re-tag and deletion.
import { api, ApiProblem, loadConfig } from "../api.js";
import { addTexts, language, t } from "../i18n.js";
import { announce, field, h, show, showError, signedInOnly } from "../ui.js";

addTexts({
  "vault.consentTitle": ["Activer le coffre-fort", "Turn the vault on"],
  "vault.consentIntro": ["Vos justificatifs sont gardés dans un espace privé, pour vos demandes d'aides, tant que vous le souhaitez. Retirer ce consentement supprime tous vos documents.", "Your supporting documents are kept in a private space, for your claims, as long as you wish. Withdrawing this consent deletes all your documents."],
  "vault.grant": ["Activer mon coffre-fort", "Turn my vault on"],
  "vault.checklistTitle": ["Documents à fournir pour mes aides", "Documents my aids need"],
  "vault.checklistEmpty": ["Enregistrez une simulation pour savoir quels documents préparer.", "Save a simulation to know which documents to prepare."],
  "vault.complete": ["Dossier complet", "Complete"],
  "item.present": ["présent", "present"],
  "item.missing": ["manquant", "missing"],
  "item.expired": ["périmé", "out of date"],
  "item.to_check": ["à vérifier", "to check"],
  "vault.uploadTitle": ["Ajouter un document", "Add a document"],
  "vault.file": ["Fichier (PDF, JPEG ou PNG)", "File (PDF, JPEG or PNG)"],
  "vault.kind": ["Type de document", "Kind of document"],
  "vault.kindOther": ["Autre document", "Other document"],
  "vault.issuedOn": ["Date du document (justificatif de domicile…), si elle y figure", "Date of the document (proof of address…), if it shows one"],
  "vault.incomeYear": ["Année des revenus (avis d'imposition)", "Income year (tax notice)"],
  "vault.upload": ["Envoyer le document", "Upload the document"],
  "vault.noFile": ["Choisissez un fichier.", "Choose a file."],
  "vault.sending": ["Envoi du fichier", "Uploading the file"],
  "vault.checking": ["Vérification du fichier…", "Checking the file…"],
  "vault.uploaded": ["Document disponible : {name}.", "Document available: {name}."],
  "vault.rejected": ["Document refusé : {reason}", "Document refused: {reason}"],
  "vault.documentsTitle": ["Mes documents", "My documents"],
  "vault.none": ["Votre coffre-fort est vide.", "Your vault is empty."],
  "doc.available": ["Disponible", "Available"],
  "doc.awaiting_upload": ["En attente du fichier", "Waiting for the file"],
  "doc.rejected": ["Refusé", "Refused"],
  "doc.deleting": ["Suppression en cours", "Being deleted"],
  "vault.download": ["Obtenir le lien de téléchargement", "Get the download link"],
  "vault.downloadLink": ["Télécharger « {name} »", "Download \"{name}\""],
  "vault.name": ["Nom du document", "Document name"],
  "vault.save": ["Enregistrer les changements", "Save the changes"],
  "vault.saved": ["Document modifié.", "Document changed."],
  "vault.delete": ["Supprimer ce document", "Delete this document"],
  "vault.deleted": ["Document supprimé : {name}.", "Document deleted: {name}."],
});

const POLL_MS = 1000;
const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Kinds the person can pick: those the checklist asks for (named by the API), then "other". */
function kindChoices(checklist, documents) {
  const kinds = new Map();
  for (const aid of checklist.aids) for (const item of aid.items) kinds.set(item.document, item.document_label);
  for (const document of documents) kinds.set(document.kind, document.kind_label);
  if (!kinds.has("other")) kinds.set("other", t("vault.kindOther"));
  return kinds;
}

function kindSelect(id, kinds, selected) {
  return [h("label", { for: id }, t("vault.kind")),
    h("select", { id, name: "kind", "data-field": "kind" },
      [...kinds].map(([kind, label]) => h("option", { value: kind, selected: kind === selected }, label)))];
}

/** PUT the file to the signed URL, reporting progress on ``bar`` (fetch has no upload progress). */
function putFile(slot, file, bar) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(slot.method, slot.url);
    for (const [name, value] of Object.entries(slot.headers)) request.setRequestHeader(name, value);
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) bar.value = event.loaded / event.total;
    });
    request.addEventListener("load", () => (request.status < 300 ? resolve() : reject(new Error(`${request.status}`))));
    request.addEventListener("error", () => reject(new Error(t("vault.sending"))));
    request.send(file);
  });
}

/** Finalise, then ask again until the document is available or rejected. */
async function finalise(documentId) {
  let document = await api("POST", `/vault/documents/${encodeURIComponent(documentId)}/finalise`, {});
  while (document.status === "awaiting_upload") {
    await wait(POLL_MS);
    document = await api("POST", `/vault/documents/${encodeURIComponent(documentId)}/finalise`, {});
  }
  return document;
}

function uploadForm(kinds, aidOfKind) {
  const progress = h("div", { "aria-live": "polite", class: "upload-progress" });
  const form = h("form", { novalidate: true, class: "upload" },
    field(t("vault.file"), { type: "file", name: "file", accept: "application/pdf,image/jpeg,image/png", "data-field": "content_type" }),
    kindSelect("upload-kind", kinds, [...kinds.keys()][0]),
    // The dates that tell a current document from an outdated one in the checklist.
    field(t("vault.issuedOn"), { type: "date", name: "issued_on", "data-field": "issued_on" }),
    field(t("vault.incomeYear"), { type: "number", name: "income_year", step: "1", inputmode: "numeric", "data-field": "income_year" }),
    h("div", { class: "actions" }, h("button", { type: "submit" }, t("vault.upload"))), progress);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const file = data.get("file");
    if (!(file instanceof File) || !file.name) {
      showError(form, { message: t("vault.noFile"), fieldErrors: [{ field: "content_type", message: t("vault.noFile") }] });
      return;
    }
    const kind = String(data.get("kind"));
    try {
      // The type the browser reads from the name; the API checks the bytes themselves.
      const slot = await api("POST", "/vault/uploads", {
        content_type: file.type || "application/octet-stream", size: file.size, kind,
        aid_ids: aidOfKind.get(kind) ?? [], file_name: file.name,
        ...(data.get("issued_on") ? { issued_on: data.get("issued_on") } : {}),
        ...(data.get("income_year") ? { income_year: Number(data.get("income_year")) } : {}),
      });
      const bar = h("progress", { max: "1", value: "0", "aria-label": t("vault.sending") });
      progress.replaceChildren(h("p", { class: "progress" }, t("vault.sending"), " ", bar));
      await putFile(slot, file, bar);
      progress.replaceChildren(h("p", { class: "progress" }, t("vault.checking")));
      const document = await finalise(slot.document_id);
      const message = document.status === "available"
        ? t("vault.uploaded", { name: document.display_name })
        : t("vault.rejected", { reason: document.refusal_message });
      await page(message, document.status === "available" ? "notice" : "error");
    } catch (error) {
      progress.replaceChildren();
      showError(form, error);
    }
  });
  return form;
}

function documentCard(document, kinds, date) {
  const id = document.document_id;
  const link = h("p", { class: "download" });
  const download = h("button", { type: "button", class: "secondary", onclick: async () => {
    try {
      const { url } = await api("GET", `/vault/documents/${encodeURIComponent(id)}/download`);
      link.replaceChildren(h("a", { href: url, download: document.display_name }, t("vault.downloadLink", { name: document.display_name })));
      link.querySelector("a").focus();
    } catch (error) {
      showError(card, error);
    }
  } }, t("vault.download"));
  const edit = h("form", { novalidate: true, class: "edit" },
    field(t("vault.name"), { name: "name", value: document.display_name, "data-field": "display_name", autocomplete: "off" }),
    kindSelect(`kind-${id}`, kinds, document.kind),
    h("div", { class: "actions" },
      h("button", { type: "submit" }, t("vault.save")),
      h("button", { type: "button", class: "secondary", onclick: async () => {
        try {
          await api("DELETE", `/vault/documents/${encodeURIComponent(id)}`);
          await page(t("vault.deleted", { name: document.display_name }));
        } catch (error) {
          showError(edit, error);
        }
      } }, t("vault.delete"))));
  edit.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(edit);
    try {
      await api("PATCH", `/vault/documents/${encodeURIComponent(id)}`, {
        display_name: String(data.get("name")).trim(), kind: String(data.get("kind")),
      });
      await page(t("vault.saved"));
    } catch (error) {
      showError(edit, error);
    }
  });
  const card = h("section", { class: "aid", "data-document": id, "aria-labelledby": `doc-${id}` },
    h("h3", { id: `doc-${id}` }, document.display_name),
    h("p", {}, document.kind_label, " — ", date.format(new Date(document.created_at))),
    h("p", { class: "document-status", "data-status": document.status }, t(`doc.${document.status}`)),
    document.refusal_message ? h("p", { class: "error" }, document.refusal_message) : null,
    document.status === "available" ? [download, link] : null,
    edit);
  return card;
}

function checklistSection(checklist) {
  if (!checklist.aids.length) return h("p", {}, t("vault.checklistEmpty"));
  return checklist.aids.map((aid) => h("section", { class: "aid checklist", "data-aid": aid.aid_id, "aria-labelledby": `list-${aid.aid_id}` },
    h("h3", { id: `list-${aid.aid_id}` }, aid.aid_label),
    aid.complete ? h("p", { class: "amount" }, t("vault.complete")) : null,
    h("ul", { class: "plain" }, aid.items.map((item) => h("li", { "data-document": item.document, "data-status": item.status },
      `${item.document_label} : ${t(`item.${item.status}`)}`)))));
}

async function consentPage() {
  const { policyVersion } = await loadConfig();
  const form = h("form", {}, h("p", {}, t("vault.consentIntro")),
    h("div", { class: "actions" }, h("button", { type: "submit" }, t("vault.grant"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api("PUT", "/profile/consents/vault", { granted: true, policy_version: policyVersion });
      await page();
    } catch (error) {
      showError(form, error);
    }
  });
  show(h("h1", {}, t("vault.title")), h("h2", {}, t("vault.consentTitle")), form);
}

async function page(message, tone = "notice") {
  let checklist;
  let documents;
  try {
    [checklist, { documents }] = await Promise.all([
      api("GET", "/vault/checklist"), api("POST", "/vault/documents/search", { limit: 100 }),
    ]);
  } catch (error) {
    if (error instanceof ApiProblem && error.code === "vault_consent_required") return consentPage();
    throw error;
  }
  const kinds = kindChoices(checklist, documents);
  const aidOfKind = new Map();
  for (const aid of checklist.aids) for (const item of aid.items) aidOfKind.set(item.document, [...(aidOfKind.get(item.document) ?? []), aid.aid_id]);
  const date = new Intl.DateTimeFormat(language() === "en" ? "en-GB" : "fr-FR", { dateStyle: "medium" });
  show(
    h("h1", {}, t("vault.title")),
    message ? h("p", { class: `${tone} outcome` }, message) : null,
    h("h2", {}, t("vault.checklistTitle")), checklistSection(checklist),
    h("h2", {}, t("vault.uploadTitle")), uploadForm(kinds, aidOfKind),
    h("h2", {}, t("vault.documentsTitle")),
    documents.length ? documents.map((document) => documentCard(document, kinds, date)) : h("p", {}, t("vault.none")));
  if (message) announce(message);
}

export function render() {
  return signedInOnly("vault.title", () => page());
}
