// Journeys whose page this client does not have yet (the API already serves them).
import { t } from "../i18n.js";
import { h, show } from "../ui.js";

export async function render() {
  show(h("h1", {}, t("vault.title")), h("p", {}, t("later")));
}
