// Privacy centre: export of all one's data with its progress, then erasure after
// reading what it stops and what the law keeps, with its receipt.
import { api, loadConfig } from "../api.js";
import { currentUser, signOut } from "../auth.js";
import { t } from "../i18n.js";
import { announce, field, h, show, showError } from "../ui.js";

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

export async function render() {
  if (!(await currentUser())) {
    show(h("h1", {}, t("privacy.title")), h("p", {}, t("needSignin"), " ", h("a", { href: "#/compte" }, t("goSignin"))));
    return;
  }
  show(h("h1", {}, t("privacy.title")), exportSection(), await erasureSection());
}
