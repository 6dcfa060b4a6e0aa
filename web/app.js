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

let routing = 0;

/** Draw the page the hash names. While it loads, ``main`` is ``aria-busy``; once drawn,
 * ``main[data-route]`` holds the hash it shows (assistive technologies and tests wait on it). */
async function route() {
  const turn = (routing += 1);
  const hash = location.hash || "#/";
  const [name, ...rest] = hash.replace(/^#\/?/, "").split("/");
  const load = PAGES[name] || PAGES[""];
  const main = document.getElementById("main");
  main.setAttribute("aria-busy", "true");
  delete main.dataset.route;
  show(h("p", {}, t("loading")));
  try {
    const page = await load();
    await page.render(rest, name);
  } finally {
    // A later navigation owns ``main`` now: only the last one clears the mark.
    if (turn === routing) {
      main.removeAttribute("aria-busy");
      main.dataset.route = hash;
    }
  }
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
// The skip link moves the focus to the content; it must not become a route ("#main").
document.querySelector("a.skip").addEventListener("click", (event) => {
  event.preventDefault();
  document.getElementById("main").focus();
});
window.addEventListener("hashchange", route);
translatePage();
document.getElementById("language").textContent = t("switchTo");
document.getElementById("language").lang = language() === "fr" ? "en" : "fr";
route();
