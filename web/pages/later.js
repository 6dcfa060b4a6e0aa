// Journeys whose page this client does not have yet (the API already serves them).
import { t } from "../i18n.js";
import { h, show } from "../ui.js";

export async function render(_rest, name) {
  const title = name === "documents" ? t("vault.title") : t("privacy.title");
  show(h("h1", {}, title), h("p", {}, t("later")));
}
