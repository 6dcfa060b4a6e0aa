// Entry point: language switch, hash router, session restore.
import { setLanguage, language, t, translatePage } from "./i18n.js";
import { h, show } from "./ui.js";

const PAGES = {
  "": () => import("./pages/simulation.js"),
  compte: () => import("./pages/account.js"),
  profil: () => import("./pages/profile.js"),
  documents: () => import("./pages/vault.js"),
  formulaires: () => import("./pages/forms.js"),
  aidants: () => import("./pages/caregivers.js"),
  confidentialite: () => import("./pages/privacy.js"),
};

async function route() {
  const [name, ...rest] = location.hash.replace(/^#\/?/, "").split("/");
  const load = PAGES[name] || PAGES[""];
  show(h("p", {}, t("loading")));
  const page = await load();
  await page.render(rest, name);
}

function switchLanguage() {
  setLanguage(language() === "fr" ? "en" : "fr");
  const button = document.getElementById("language");
  button.textContent = t("switchTo");
  button.lang = language() === "fr" ? "en" : "fr";
  translatePage();
  route();
}

document.getElementById("language").addEventListener("click", switchLanguage);
window.addEventListener("hashchange", route);
translatePage();
document.getElementById("language").textContent = t("switchTo");
document.getElementById("language").lang = language() === "fr" ? "en" : "fr";
route();
