// Sign up / sign in (Firebase Auth), accept the policy, then the saved simulations with
// "what changed" and the follow-up of each aid with the total received.
import { api, ApiProblem, loadConfig } from "../api.js";
import { currentUser, signIn, signOut } from "../auth.js";
import { euros, language, pick, t } from "../i18n.js";
import { announce, field, h, show, showError } from "../ui.js";

const AUTH_MESSAGES = {
  "auth/weak-password": "auth.weak", "auth/email-already-in-use": "auth.exists",
  "auth/invalid-credential": "auth.invalid", "auth/wrong-password": "auth.invalid", "auth/user-not-found": "auth.invalid",
  "auth/invalid-email": "auth.email", "auth/missing-password": "auth.weak",
};

function signInForm() {
  const form = h("form", { novalidate: true },
    field(t("acc.email"), { type: "email", name: "email", autocomplete: "email", required: true, "data-field": "email" }),
    field(t("acc.password"), { type: "password", name: "password", autocomplete: "current-password", required: true, minlength: 8 }),
    h("div", { class: "actions" },
      h("button", { type: "submit", value: "signin" }, t("acc.signin")),
      h("button", { type: "submit", value: "signup", class: "secondary" }, t("acc.signup"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    try {
      await signIn(String(data.get("email")), String(data.get("password")), event.submitter?.value === "signup");
      await render();
    } catch (error) {
      showError(form, { message: t(AUTH_MESSAGES[error.code] || "auth.other", { code: error.code }), fieldErrors: [] });
    }
  });
  show(h("h1", {}, t("acc.signinTitle")), form);
}

async function registrationForm() {
  const { policyVersion } = await loadConfig();
  const form = h("form", { novalidate: true },
    h("label", { class: "choice" }, h("input", { type: "checkbox", name: "policy", "data-field": "accept_policy_version", id: "policy" }), t("acc.policy", { version: policyVersion })),
    h("label", { class: "choice" }, h("input", { type: "checkbox", name: "vault" }), t("acc.consentVault")),
    h("label", { class: "choice" }, h("input", { type: "checkbox", name: "promotion" }), t("acc.consentPromotion")),
    h("div", { class: "actions" }, h("button", { type: "submit" }, t("acc.register"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    try {
      await api("POST", "/signup", {
        // An unticked box sends no version: the API then says, in the person's language, what is missing.
        accept_policy_version: data.get("policy") ? policyVersion : "",
        language: language(),
        consents: { vault: data.get("vault") !== null, promotion: data.get("promotion") !== null },
      });
      await render();
    } catch (error) {
      showError(form, error);
    }
  });
  show(h("h1", {}, t("acc.registerTitle")), form);
}

function outcomeForm(aidId, label, current) {
  const form = h("form", { class: "aid", "data-aid": aidId },
    h("h3", {}, label),
    h("label", { for: `status-${aidId}` }, t("acc.status")),
    h("select", { id: `status-${aidId}`, name: "status", "data-field": "status" },
      ["applied", "granted", "refused", "not_pursued"].map((status) =>
        h("option", { value: status, selected: current?.status === status }, t(`status.${status}`)))),
    field(t("acc.amountReceived"), { type: "number", name: "amount", min: "0", step: "0.01", "data-field": "monthly_amount_received", value: current?.monthly_amount_received ?? "" }),
    field(t("acc.since"), { type: "month", name: "since", placeholder: "2025-05", "data-field": "received_since", value: current?.received_since ?? "" }),
    h("div", { class: "actions" }, h("button", { type: "submit" }, t("acc.saveOutcome"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const body = { status: data.get("status") };
    if (data.get("amount")) body.monthly_amount_received = Number(data.get("amount"));
    if (data.get("since")) body.received_since = data.get("since");
    try {
      await api("PUT", `/simulate/outcomes/${encodeURIComponent(aidId)}`, body);
      announce(t("acc.outcomeSaved"));
      await render();
    } catch (error) {
      showError(form, error);
    }
  });
  return form;
}

async function accountPage(user) {
  const [history, outcomes] = await Promise.all([api("GET", "/simulate/history"), api("GET", "/simulate/outcomes")]);
  const latest = history.simulations[0];
  let aids = [];
  if (latest) {
    const full = await api("GET", `/simulate/history/${encodeURIComponent(latest.simulation_id)}`);
    aids = full.report.results.filter((aid) => aid.status === "eligible");
  }
  const byAid = Object.fromEntries(outcomes.outcomes.map((outcome) => [outcome.aid_id, outcome]));
  const date = new Intl.DateTimeFormat(language() === "en" ? "en-GB" : "fr-FR", { dateStyle: "long", timeStyle: "short" });
  show(
    h("h1", {}, t("acc.title")),
    h("p", {}, t("acc.signedInAs", { email: user.email })),
    h("div", { class: "actions" }, h("button", { type: "button", class: "secondary", onclick: async () => { await signOut(); await render(); } }, t("acc.signout"))),
    h("h2", {}, t("acc.history")),
    history.simulations.length
      ? h("ul", { class: "plain history" }, history.simulations.map((simulation) => h("li", {},
          t("acc.historyRow", { date: date.format(new Date(simulation.created_at)), total: euros(simulation.monthly_total) }),
          simulation.changes.length ? h("ul", {}, simulation.changes.map((change) => h("li", {}, t(`change.${change.kind}`, {
            aid: change.aid_id, before: change.before === null ? "—" : euros(change.before), after: change.after === null ? "—" : euros(change.after),
          })))) : null)))
      : h("p", {}, t("acc.noHistory")),
    h("h2", {}, t("acc.outcomes")),
    h("p", { class: "total received" }, t("acc.received", { amount: euros(outcomes.total_received_to_date) })),
    h("p", {}, t("acc.receivedMonthly", { amount: euros(outcomes.monthly_total_received) })),
    aids.map((aid) => outcomeForm(aid.aid_id, pick(aid.label), byAid[aid.aid_id])));
}

export async function render() {
  const user = await currentUser();
  if (!user) return signInForm();
  try {
    await api("GET", "/profile");
  } catch (error) {
    if (error instanceof ApiProblem && error.code === "not_registered") return registrationForm();
    throw error;
  }
  return accountPage(user);
}
