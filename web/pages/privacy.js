// Privacy centre: export of all one's data with its progress, the post-mortem
// directive and its trusted contact, then erasure after reading what it stops and
// what the law keeps, with its receipt.
import { api, ApiProblem, loadConfig } from "../api.js";
import { signOut } from "../auth.js";
import { addTexts, language, t } from "../i18n.js";
import { announce, field, h, show, showError, signedInOnly } from "../ui.js";

addTexts({
  "directive.title": ["Mes directives après mon décès", "My directives after my death"],
  "directive.intro": ["La loi (article 85 de la loi Informatique et Libertés) vous permet de dire ce que deviennent vos données après votre décès et qui le reçoit.", "The law (article 85 of the French Data Protection Act) lets you say what happens to your data after your death and who receives it."],
  "directive.none": ["Aucune directive enregistrée : sans directive, vos héritiers peuvent exercer vos droits.", "No directive recorded: without one, your heirs may exercise your rights."],
  "directive.current": ["Directive enregistrée le {date} : {choice}. Personne de confiance : {name} ({email}).", "Directive recorded on {date}: {choice}. Trusted contact: {name} ({email})."],
  "directive.choice": ["Ce que deviennent mes données", "What happens to my data"],
  "directive.keep": ["Les conserver jusqu'au terme des durées légales", "Keep them until the legal periods end"],
  "directive.erase": ["Les supprimer", "Erase them"],
  "directive.communicate": ["Les transmettre à ma personne de confiance, puis les supprimer", "Send them to my trusted contact, then erase them"],
  "directive.contactName": ["Nom de la personne de confiance", "Name of the trusted contact"],
  "directive.contactEmail": ["Adresse e-mail de la personne de confiance", "Email address of the trusted contact"],
  "directive.record": ["Enregistrer ma directive", "Record my directive"],
  "directive.change": ["Modifier ma directive", "Change my directive"],
  "directive.saved": ["Directive enregistrée.", "Directive recorded."],
});

const CHOICES = ["keep", "erase", "communicate"];

const POLL_MS = 1000;
const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Ask ``path`` again until ``done(answer)``, showing progress in ``area`` each time. */
async function follow(path, done, draw) {
  for (;;) {
    const answer = await api("GET", path);
    draw(answer);
    if (done(answer)) return answer;
    await wait(POLL_MS);
  }
}

function exportProgress(area, status) {
  const locations = Object.keys(status.progress);
  const bar = h("progress", { max: "1", value: status.status === "ready" ? "1" : status.status === "running" ? "0.5" : "0", "aria-label": t("privacy.exportProgress") });
  area.replaceChildren(
    h("p", { class: "progress", "data-status": status.status }, t(`export.${status.status}`), " ", bar),
    locations.length ? h("p", {}, t("privacy.exportLocations", { count: locations.length })) : "",
    status.download_url ? h("p", {}, h("a", { href: status.download_url, download: "" }, t("privacy.download")),
      " ", t("privacy.exportSize", { size: Math.ceil((status.size_bytes || 0) / 1024) })) : "");
}

function exportSection() {
  const area = h("div", { "aria-live": "polite" });
  const form = h("form", {}, h("p", {}, t("privacy.exportIntro")),
    h("div", { class: "actions" }, h("button", { type: "submit" }, t("privacy.export"))), area);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const started = await api("POST", "/privacy/exports", {});
      exportProgress(area, started);
      const ready = await follow(`/privacy/exports/${encodeURIComponent(started.export_id)}`,
        (status) => status.status === "ready" || status.status === "failed", (status) => exportProgress(area, status));
      announce(t(`export.${ready.status}`));
    } catch (error) {
      showError(form, error);
    }
  });
  return [h("h2", {}, t("privacy.exportTitle")), form];
}

/** The recorded directive, or null when the person has none yet. */
async function recordedDirective() {
  try {
    return await api("GET", "/privacy/directive");
  } catch (error) {
    if (error instanceof ApiProblem && error.code === "not_found") return null;
    throw error;
  }
}

function directiveSummary(directive) {
  if (!directive) return h("p", { class: "directive-current" }, t("directive.none"));
  const date = new Intl.DateTimeFormat(language() === "en" ? "en-GB" : "fr-FR", { dateStyle: "long" });
  return h("p", { class: "directive-current notice" }, t("directive.current", {
    date: date.format(new Date(directive.recorded_at)), choice: t(`directive.${directive.choice}`),
    name: directive.trusted_contact_name, email: directive.trusted_contact_email,
  }));
}

async function directiveSection() {
  const directive = await recordedDirective();
  const summary = h("div", { "aria-live": "polite" }, directiveSummary(directive));
  const chosen = directive?.choice ?? "keep";
  const form = h("form", { novalidate: true, class: "directive" },
    h("fieldset", { id: "directive-choice", "data-field": "choice" }, h("legend", {}, t("directive.choice")),
      CHOICES.map((choice) => h("label", { class: "choice" },
        h("input", { type: "radio", name: "choice", value: choice, checked: choice === chosen }), t(`directive.${choice}`)))),
    field(t("directive.contactName"), { name: "name", autocomplete: "off", "data-field": "trusted_contact_name", value: directive?.trusted_contact_name ?? "" }),
    field(t("directive.contactEmail"), { type: "email", name: "email", autocomplete: "off", "data-field": "trusted_contact_email", value: directive?.trusted_contact_email ?? "" }),
    h("div", { class: "actions" }, h("button", { type: "submit" }, directive ? t("directive.change") : t("directive.record"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    try {
      const recorded = await api("PUT", "/privacy/directive", {
        choice: data.get("choice"),
        trusted_contact_name: String(data.get("name")).trim(),
        trusted_contact_email: String(data.get("email")).trim(),
      });
      for (const old of form.querySelectorAll(".field-error, .error")) old.remove();
      for (const invalid of form.querySelectorAll("[aria-invalid]")) invalid.removeAttribute("aria-invalid");
      summary.replaceChildren(directiveSummary(recorded));
      form.querySelector("button[type=submit]").textContent = t("directive.change");
      announce(t("directive.saved"));
    } catch (error) {
      showError(form, error);
    }
  });
  return [h("h2", {}, t("directive.title")), h("p", {}, t("directive.intro")), summary, form];
}

async function erasureSection() {
  const notice = await api("GET", "/privacy/erasure/notice");
  const form = h("form", { novalidate: true },
    field(t("privacy.typeWord", { word: notice.confirm_with }), { name: "confirm", "data-field": "confirm", autocomplete: "off" }),
    h("div", { class: "actions" }, h("button", { type: "submit" }, t("privacy.erase"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const receipt = await api("POST", "/privacy/erasure", { confirm: String(new FormData(form).get("confirm")) });
      await signOut();
      showReceipt(receipt, (await loadConfig()).apiBase);
    } catch (error) {
      showError(form, error);
    }
  });
  return [
    h("h2", {}, t("privacy.erasureTitle")),
    h("p", { class: "notice" }, notice.notice),
    h("h3", {}, t("privacy.stops")), h("ul", { class: "plain" }, notice.stops.map((line) => h("li", {}, line))),
    h("h3", {}, t("privacy.kept")),
    h("ul", { class: "plain kept" }, notice.kept_by_law.map((kept) => h("li", {}, `${kept.description} — ${kept.legal_basis} (${kept.source})`))),
    form,
  ];
}

function showReceipt(receipt, apiBase) {
  show(h("h1", {}, t("privacy.receiptTitle")),
    h("p", { class: "notice" }, t("privacy.receiptIntro")),
    h("dl", {},
      h("dt", {}, t("privacy.receiptId")), h("dd", { class: "receipt-id" }, receipt.pseudonymous_id),
      h("dt", {}, t("privacy.receiptStatus")), h("dd", {}, t(`erasure.${receipt.status}`)),
      h("dt", {}, t("privacy.backups")), h("dd", {}, receipt.backups_expire_on)),
    h("p", {}, h("a", { href: apiBase + receipt.receipt_url }, t("privacy.keepReceipt"))));
}

export function render() {
  return signedInOnly("privacy.title", async () => {
    const [directive, erasure] = await Promise.all([directiveSection(), erasureSection()]);
    show(h("h1", {}, t("privacy.title")), exportSection(), directive, erasure);
  });
}
