// Profile and consents (with their history), objections and restriction, each change
// showing the notices the API returns (what it stops, what is kept).
import { api, loadConfig } from "../api.js";
import { language, t } from "../i18n.js";
import { announce, field, h, show, showError, signedInOnly } from "../ui.js";

const CONSENTS = ["vault", "promotion"];
const OBJECTIONS = ["alerts", "promotion", "simulation"];

function notices(response) {
  return (response.notices || []).map((notice) => h("p", { class: "notice" }, notice));
}

async function change(form, method, path, body) {
  try {
    const response = await api(method, path, body);
    await page(response);
  } catch (error) {
    showError(form, error);
  }
}

async function page(lastResponse) {
  const [profile, history, { policyVersion }] = await Promise.all([
    api("GET", "/profile"), api("GET", "/profile/consents"), loadConfig(),
  ]);
  const date = new Intl.DateTimeFormat(language() === "en" ? "en-GB" : "fr-FR", { dateStyle: "medium", timeStyle: "short" });

  const details = h("form", { novalidate: true },
    field(t("prof.phone"), { type: "tel", name: "phone", autocomplete: "tel", "data-field": "phone", value: profile.phone ?? "" }),
    h("div", { class: "actions" }, h("button", { type: "submit" }, t("prof.save"))));
  details.addEventListener("submit", (event) => {
    event.preventDefault();
    const phone = String(new FormData(details).get("phone")).trim();
    change(details, "PATCH", "/profile", { phone: phone || null }).then(() => announce(t("prof.saved")));
  });

  const consents = CONSENTS.map((purpose) => {
    const granted = Boolean(profile.consents[purpose]?.granted);
    const form = h("form", { class: "aid", "data-purpose": purpose },
      h("h3", {}, t(`purpose.${purpose}`)),
      h("p", {}, granted ? t("prof.granted") : t("prof.withdrawn")),
      h("button", { type: "submit", class: granted ? "secondary" : undefined }, granted ? t("prof.withdraw") : t("prof.grant")));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      change(form, "PUT", `/profile/consents/${purpose}`, { granted: !granted, policy_version: policyVersion });
    });
    return form;
  });

  const objections = OBJECTIONS.map((purpose) => {
    const objected = profile.objections.includes(purpose);
    const form = h("form", { class: "aid", "data-objection": purpose },
      h("h3", {}, t(`purpose.${purpose}`)),
      h("p", {}, objected ? t("prof.objected") : t("prof.notObjected")),
      h("button", { type: "submit", class: "secondary" }, objected ? t("prof.unobject") : t("prof.object")));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      change(form, "PUT", `/profile/objections/${purpose}`, { objected: !objected });
    });
    return form;
  });

  const restriction = h("form", { class: "aid" },
    h("p", {}, profile.restricted ? t("prof.restricted") : t("prof.notRestricted")),
    h("button", { type: "submit", class: "secondary" }, profile.restricted ? t("prof.unrestrict") : t("prof.restrict")));
  restriction.addEventListener("submit", (event) => {
    event.preventDefault();
    change(restriction, "PUT", "/profile/restriction", { restricted: !profile.restricted });
  });

  show(
    h("h1", {}, t("prof.title")),
    lastResponse ? h("div", { class: "notices", role: "alert" }, notices(lastResponse)) : null,
    details,
    h("h2", {}, t("prof.consents")), consents,
    h("h3", {}, t("prof.consentHistory")),
    h("table", {}, h("tbody", {}, history.events.map((event) => h("tr", {},
      h("td", {}, date.format(new Date(event.at))), h("td", {}, t(`purpose.${event.purpose}`)),
      h("td", {}, event.granted ? t("prof.granted") : t("prof.withdrawn")))))),
    h("h2", {}, t("prof.objections")), objections,
    h("h2", {}, t("prof.restriction")), restriction);
}

export function render() {
  return signedInOnly("prof.title", () => page(null));
}
