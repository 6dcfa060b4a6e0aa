// Pre-filled forms: pick an official form, read each proposed value with where it
// comes from, change or blank any, then generate the PDF, which the vault keeps.
import { api } from "../api.js";
import { addTexts, t } from "../i18n.js";
import { field, h, show, showError, signedInOnly } from "../ui.js";

addTexts({
  "forms.title": ["Mes formulaires", "My forms"],
  "forms.intro": ["Sésame remplit les formulaires officiels avec ce que vous avez déjà dit ; vous vérifiez, corrigez ou effacez chaque valeur avant de le générer.", "Sésame fills in official forms with what you already told it; you check, correct or clear each value before generating it."],
  "forms.pick": ["Formulaire", "Form"],
  "forms.open": ["Préparer ce formulaire", "Prepare this form"],
  "forms.cerfa": ["Cerfa n° {cerfa}", "Cerfa no. {cerfa}"],
  "forms.unverified": ["(numéro à confirmer sur service-public.fr)", "(number to confirm on service-public.fr)"],
  "forms.generate": ["Générer le formulaire", "Generate the form"],
  "forms.generated": ["Formulaire généré et rangé dans vos documents : {name}.", "Form generated and kept in your documents: {name}."],
  "forms.seeVault": ["Voir mes documents", "See my documents"],
  "source.none": ["Aucune source : à remplir vous-même", "No source: fill it in yourself"],
  "source.profile": ["Repris de votre profil", "From your profile"],
  "source.simulation": ["Repris de votre dernière simulation", "From your latest simulation"],
});

/** Where a proposed value comes from, in words ("profile.x" or an answer of the simulation). */
function sourceWords(source) {
  if (!source) return t("source.none");
  return source.startsWith("profile.") ? t("source.profile") : t("source.simulation");
}

function fieldRow(proposed) {
  const hint = `src-${proposed.field_id}`;
  const common = { name: proposed.field_id, "data-field": `edits.${proposed.field_id}`, "aria-describedby": hint };
  const control = proposed.type === "checkbox"
    ? h("label", { class: "choice" }, h("input", { type: "checkbox", id: `field-${proposed.field_id}`, checked: proposed.value !== "", ...common }), proposed.label)
    : field(proposed.label, { ...common, value: proposed.value, autocomplete: "off" });
  return h("div", { class: "form-field", "data-form-field": proposed.field_id, "data-source": proposed.source ?? "" },
    control, h("p", { class: "source", id: hint }, sourceWords(proposed.source)));
}

/** What the person changed: only those fields are sent; the API keeps the rest as proposed. */
function editsOf(form, proposal) {
  const edits = {};
  for (const proposed of proposal.fields) {
    const input = form.elements.namedItem(proposed.field_id);
    if (proposed.type === "checkbox") {
      if (input.checked !== (proposed.value !== "")) edits[proposed.field_id] = input.checked;
    } else if (input.value !== proposed.value) {
      edits[proposed.field_id] = input.value.trim() === "" ? null : input.value;
    }
  }
  return edits;
}

async function showProposal(formId, area) {
  const proposal = await api("GET", `/forms/${encodeURIComponent(formId)}/proposal`);
  const outcome = h("div", { "aria-live": "polite" });
  const form = h("form", { novalidate: true, class: "proposal", "data-form": formId },
    h("h2", { tabindex: "-1" }, proposal.title),
    h("p", {}, t("forms.cerfa", { cerfa: proposal.cerfa }), proposal.cerfa_verified ? "" : ` ${t("forms.unverified")}`),
    proposal.fields.map(fieldRow),
    h("div", { class: "actions" }, h("button", { type: "submit" }, t("forms.generate"))), outcome);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const generated = await api("POST", `/forms/${encodeURIComponent(formId)}`, { edits: editsOf(form, proposal) });
      for (const old of form.querySelectorAll(".field-error, .error")) old.remove();
      outcome.replaceChildren(h("p", { class: "notice generated", "data-document": generated.document.document_id },
        t("forms.generated", { name: generated.document.display_name }), " ", h("a", { href: "#/documents" }, t("forms.seeVault"))));
    } catch (error) {
      showError(form, error);
    }
  });
  area.replaceChildren(form);
  form.querySelector("h2").focus();
}

async function page() {
  const { forms } = await api("GET", "/forms");
  const area = h("div", {});
  const picker = h("form", { class: "pick" },
    h("label", { for: "form-id" }, t("forms.pick")),
    h("select", { id: "form-id", name: "form" }, forms.map((form) => h("option", { value: form.form_id },
      `${form.title} (${form.institution})`))),
    h("div", { class: "actions" }, h("button", { type: "submit" }, t("forms.open"))));
  picker.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await showProposal(String(new FormData(picker).get("form")), area);
    } catch (error) {
      showError(picker, error);
    }
  });
  show(h("h1", {}, t("forms.title")), h("p", {}, t("forms.intro")), picker, area);
}

export function render() {
  return signedInOnly("forms.title", () => page());
}
