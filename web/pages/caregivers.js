// Caregivers: the beneficiary invites someone they trust (what they may do, for how
// long), sees each mandate's status and revokes it at once, and reads the journal of
// every access someone else made to their data.
import { api } from "../api.js";
import { addTexts, language, t } from "../i18n.js";
import { announce, field, h, show, showError, signedInOnly } from "../ui.js";

addTexts({
  "care.title": ["Mes aidants", "My caregivers"],
  "care.intro": ["Un proche ou un travailleur social peut vous aider : vous choisissez ce qu'il peut faire et pour combien de temps, et vous pouvez l'arrêter à tout moment.", "A relative or a social worker can help you: you choose what they may do and for how long, and you can stop it at any time."],
  "care.inviteTitle": ["Inviter un aidant", "Invite a caregiver"],
  "care.name": ["Nom de l'aidant", "Caregiver's name"],
  "care.email": ["Adresse e-mail de l'aidant", "Caregiver's email address"],
  "care.grants": ["Ce que l'aidant pourra faire", "What the caregiver may do"],
  "care.days": ["Durée du mandat, en jours (1 à 365)", "Length of the mandate, in days (1 to 365)"],
  "care.invite": ["Envoyer l'invitation", "Send the invitation"],
  "care.invited": ["Invitation envoyée à {email}.", "Invitation sent to {email}."],
  "care.mandatesTitle": ["Mes mandats", "My mandates"],
  "care.none": ["Vous n'avez invité aucun aidant.", "You have not invited any caregiver."],
  "care.until": ["Jusqu'au {date}", "Until {date}"],
  "care.revoke": ["Révoquer ce mandat", "Revoke this mandate"],
  "care.revoked": ["Mandat révoqué : l'aidant n'a plus accès à vos données.", "Mandate revoked: the caregiver no longer has access to your data."],
  "care.journalTitle": ["Ce que d'autres ont fait avec mes données", "What others did with my data"],
  "care.journalEmpty": ["Personne d'autre que vous n'a accédé à vos données.", "Nobody but you has accessed your data."],
  "grant.read_answers_and_results": ["Consulter mes réponses et mes résultats", "Read my answers and results"],
  "grant.edit_answers": ["Modifier mes réponses", "Change my answers"],
  "grant.read_vault": ["Consulter mes documents", "Read my documents"],
  "grant.upload_to_vault": ["Déposer des documents dans mon coffre-fort", "Upload documents to my vault"],
  "grant.generate_forms": ["Préparer mes formulaires", "Prepare my forms"],
  "mandate.invited": ["Invitation en attente", "Invitation pending"],
  "mandate.active": ["Actif", "Active"],
  "mandate.revoked": ["Révoqué", "Revoked"],
  "mandate.expired": ["Expiré", "Expired"],
});

const GRANTS = ["read_answers_and_results", "edit_answers", "read_vault", "upload_to_vault", "generate_forms"];
const DEFAULT_DAYS = 90;

function inviteForm() {
  const form = h("form", { novalidate: true, class: "invite" },
    field(t("care.name"), { name: "name", autocomplete: "off", "data-field": "aidant_name", required: true }),
    field(t("care.email"), { type: "email", name: "email", autocomplete: "off", "data-field": "aidant_email", required: true }),
    h("fieldset", { id: "grants", "data-field": "grants" }, h("legend", {}, t("care.grants")),
      GRANTS.map((grant) => h("label", { class: "choice" },
        h("input", { type: "checkbox", name: "grants", value: grant, checked: grant === GRANTS[0] }), t(`grant.${grant}`)))),
    field(t("care.days"), { type: "number", name: "days", min: "1", max: "365", step: "1", value: String(DEFAULT_DAYS), "data-field": "days" }),
    h("div", { class: "actions" }, h("button", { type: "submit" }, t("care.invite"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    // Sent as typed: the API checks every field and says what is wrong, next to it.
    const body = {
      aidant_name: String(data.get("name")).trim(),
      aidant_email: String(data.get("email")).trim(),
      grants: data.getAll("grants"),
      days: Number(data.get("days")),
    };
    try {
      await api("POST", "/mandates", body);
      await page(t("care.invited", { email: body.aidant_email }));
    } catch (error) {
      showError(form, error);
    }
  });
  return form;
}

function mandateCard(mandate, date) {
  const card = h("section", { class: "aid", "data-mandate": mandate.id, "aria-labelledby": `mandate-${mandate.id}` },
    h("h3", { id: `mandate-${mandate.id}` }, mandate.aidant_name),
    mandate.aidant_email ? h("p", {}, mandate.aidant_email) : null,
    h("p", { class: "mandate-status", "data-status": mandate.status }, t(`mandate.${mandate.status}`)),
    h("ul", { class: "plain" }, mandate.grants.map((grant) => h("li", {}, t(`grant.${grant}`)))),
    h("p", {}, t("care.until", { date: date.format(new Date(mandate.expires_at)) })));
  if (mandate.status === "invited" || mandate.status === "active") {
    const form = h("form", {}, h("button", { type: "submit", class: "secondary" }, t("care.revoke")));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await api("POST", `/mandates/${encodeURIComponent(mandate.id)}/revoke`, {});
        await page(t("care.revoked"));
      } catch (error) {
        showError(form, error);
      }
    });
    card.append(form);
  }
  return card;
}

async function page(message) {
  const [{ mandates }, { entries }] = await Promise.all([api("GET", "/mandates"), api("GET", "/mandates/journal")]);
  const date = new Intl.DateTimeFormat(language() === "en" ? "en-GB" : "fr-FR", { dateStyle: "long" });
  show(
    h("h1", {}, t("care.title")),
    message ? h("p", { class: "notice" }, message) : null,
    h("p", {}, t("care.intro")),
    h("h2", {}, t("care.inviteTitle")), inviteForm(),
    h("h2", {}, t("care.mandatesTitle")),
    mandates.length ? mandates.map((mandate) => mandateCard(mandate, date)) : h("p", {}, t("care.none")),
    h("h2", {}, t("care.journalTitle")),
    entries.length
      ? h("ul", { class: "plain journal" }, entries.map((entry) => h("li", {}, entry.sentence)))
      : h("p", {}, t("care.journalEmpty")));
  if (message) announce(message);
}

export function render() {
  return signedInOnly("care.title", () => page());
}
