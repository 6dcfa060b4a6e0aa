// Small DOM builders shared by the pages: no framework, no innerHTML of API text.
import { ApiProblem } from "./api.js";
import { currentUser } from "./auth.js";
import { t } from "./i18n.js";

/** ``h("p", {class: "x"}, "text", child)``: an element with attributes and children. */
export function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

/** Replace the page's content, put keyboard focus on it and name it in the title. */
export function show(...children) {
  const main = document.getElementById("main");
  main.replaceChildren(...children.flat(Infinity).filter((child) => child !== null && child !== undefined && child !== false));
  const heading = main.querySelector("h1");
  if (heading) document.title = `${heading.textContent} — Sésame`;
  main.focus();
}

/** A short message read out by screen readers (progress, confirmations). */
export function announce(text) { document.getElementById("status").textContent = text; }

/** Show an API error: its detail at the top of ``form``, each field's message next to its input. */
export function showError(form, error) {
  for (const old of form.querySelectorAll(".field-error, .error")) old.remove();
  const detail = error instanceof ApiProblem ? error.message : String(error.message || error);
  form.prepend(h("p", { class: "error", role: "alert" }, detail));
  for (const fieldError of error.fieldErrors || []) {
    const input = form.querySelector(`[data-field="${CSS.escape(fieldError.field)}"]`);
    if (!input) continue;
    const id = `${input.id}-error`;
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", id);
    (input.closest("label") ?? input).after(h("p", { class: "field-error", id }, fieldError.message));
  }
}

let counter = 0;
/** A labelled input (its id generated); ``field`` names the API field it feeds. */
export function field(labelText, attributes = {}) {
  const id = `f${(counter += 1)}`;
  return [h("label", { for: id }, labelText), h("input", { id, ...attributes })];
}

/** Run ``draw`` for a signed-in person; anyone else reads the page's title and a sign-in link. */
export async function signedInOnly(titleKey, draw) {
  if (!(await currentUser())) {
    show(h("h1", {}, t(titleKey)), h("p", {}, t("needSignin"), " ", h("a", { href: "#/compte" }, t("goSignin"))));
    return;
  }
  await draw();
}
