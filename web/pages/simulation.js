// Anonymous simulation: the adaptive questionnaire one question at a time, then the
// results (amounts as paid, why, documents, how to apply, aids to check). Nothing is
// stored unless a signed-in person saves it.
import { api } from "../api.js";
import { currentUser } from "../auth.js";
import { euros, optionLabel, pick, t } from "../i18n.js";
import { announce, h, show, showError } from "../ui.js";

// Kept for this tab only, so the language switch or a visit to "Mon compte" keeps the answers.
const state = { answers: freshAnswers(), skipped: new Set(), step: 0, report: null };
const ANSWERABLE = new Set(["date", "enum", "number", "boolean", "string", "list", "month_amounts"]);
const APPLICANT = { id: "demandeur", relationship: "applicant" };
// Resources most people have; the benefits already received come after, folded.
const MAIN_RESOURCES = ["salary", "unemployment", "retirement_pension", "invalidity_pension", "sickness_allowance", "alimony_received"];
const MAX_CHILDREN = 10;

// Nothing known yet: the API then asks first who lives in the home.
function freshAnswers() { return {}; }

/** Whom a per-person question is about, as the person reads it. */
function whose(personId) {
  if (personId === "demandeur") return t("sim.you");
  if (personId === "conjoint") return t("sim.partner");
  const child = /^enfant(\d+)$/.exec(personId ?? "");
  return child ? t("sim.child", { n: child[1] }) : personId;
}

/** The household's members from the composition step: the applicant, a partner, children. */
function composition(form) {
  const data = new FormData(form);
  const persons = [{ ...APPLICANT }];
  if (data.get("partner") === "true") persons.push({ id: "conjoint", relationship: "spouse" });
  const children = Number(data.get("children") || 0);
  for (let n = 1; n <= children; n += 1) persons.push({ id: `enfant${n}`, relationship: "child" });
  return persons;
}

function householdInputs(question) {
  return h("fieldset", {}, h("legend", {}, pick(question.label)),
    h("fieldset", {}, h("legend", {}, t("sim.partnerQuestion")),
      [true, false].map((value) => h("label", { class: "choice" },
        h("input", { type: "radio", name: "partner", value: String(value), required: true, checked: value === false }), value ? t("yes") : t("no")))),
    h("label", { for: "answer" }, t("sim.children")),
    h("input", { id: "answer", name: "children", type: "number", min: "0", max: String(MAX_CHILDREN), step: "1", value: "0", required: true, "data-field": "persons", inputmode: "numeric" }));
}

function resourceInputs(question) {
  const row = (kind, first) => [h("label", { for: first ? "answer" : `res-${kind}` }, optionLabel(kind)),
    h("input", { id: first ? "answer" : `res-${kind}`, name: kind, type: "number", min: "0", step: "0.01", inputmode: "decimal", "data-field": kind })];
  const others = question.options.filter((kind) => !MAIN_RESOURCES.includes(kind));
  return h("fieldset", {}, h("legend", {}, `${whose(question.person_id)} — ${pick(question.label)}`),
    h("p", {}, t("sim.resourcesHint")),
    question.options.filter((kind) => MAIN_RESOURCES.includes(kind)).map((kind, i) => row(kind, i === 0)),
    others.length ? h("details", {}, h("summary", {}, t("sim.benefitsReceived")), others.map((kind) => row(kind, false))) : null);
}

function readResources(form, question) {
  const data = new FormData(form);
  return question.options
    .map((kind) => ({ kind, monthly_amount: Number(data.get(kind) || 0) }))
    .filter((resource) => resource.monthly_amount > 0);
}

/** Put ``value`` at a question id: "persons.<id>.<key>" or a dotted household path. */
function setAnswer(answers, id, value) {
  if (id === "persons") {
    answers.persons = value;
    return;
  }
  const parts = id.split(".");
  let target = answers;
  if (parts[0] === "persons") {
    target = answers.persons.find((person) => person.id === parts[1]);
    parts.splice(0, 2);
  }
  for (const part of parts.slice(0, -1)) target = target[part] ??= {};
  target[parts.at(-1)] = value;
}

function input(question) {
  if (question.type === "list") return householdInputs(question);
  if (question.type === "month_amounts") return resourceInputs(question);
  const common = { id: "answer", name: "answer", "data-field": "answer", required: true };
  if (question.type === "boolean" || (question.type === "enum" && question.options.length <= 6)) {
    const values = question.type === "boolean" ? [true, false] : question.options;
    const labels = question.type === "boolean" ? [t("yes"), t("no")]
      : question.options.map((code, i) => question.option_labels?.[i] ?? optionLabel(code));
    return h("fieldset", {}, h("legend", {}, questionLabel(question)),
      values.map((value, i) => h("label", { class: "choice" },
        h("input", { type: "radio", name: "answer", value: JSON.stringify(value), required: true }), labels[i])));
  }
  let control;
  if (question.type === "enum") {
    control = h("select", common, h("option", { value: "" }, t("choose")),
      question.options.map((code, i) => h("option", { value: JSON.stringify(code) }, question.option_labels?.[i] ?? optionLabel(code))));
  } else {
    const type = { date: "date", number: "number", string: "text" }[question.type];
    control = h("input", { ...common, type, step: question.type === "number" ? "0.01" : undefined, min: question.type === "number" ? "0" : undefined, inputmode: question.type === "string" ? "numeric" : undefined });
  }
  return [h("label", { for: "answer" }, questionLabel(question)), control];
}

/** The question as asked; about someone else than "you", it says whom. */
function questionLabel(question) {
  const label = pick(question.label);
  return question.person_id && question.person_id !== "demandeur" ? `${whose(question.person_id)} — ${label}` : label;
}

function readAnswer(form, question) {
  if (question.type === "list") return composition(form);
  if (question.type === "month_amounts") return readResources(form, question);
  const data = new FormData(form).get("answer");
  if (question.type === "boolean" || question.type === "enum") return JSON.parse(data);
  if (question.type === "number") return Number(data);
  return data;
}

/** "I don't know": asked no more; who lives here cannot stay unknown, so it is the applicant alone. */
function skip(question) {
  state.skipped.add(question.id);
  if (question.type === "list") setAnswer(state.answers, question.id, [{ ...APPLICANT }]);
  return askNext();
}

/** The questions the API would still ask, in its order. */
async function remainingQuestions() {
  const { questions } = await api("POST", "/simulate/questions", { answers: state.answers }, { anonymous: true });
  return questions.filter((q) => ANSWERABLE.has(q.type));
}

/** Ask the next question: ``preferred`` when the API still lists it, else the first not skipped. */
async function askNext(preferred = null) {
  const questions = await remainingQuestions();
  const question = questions.find((q) => q.id === preferred) ?? questions.find((q) => !state.skipped.has(q.id));
  if (!question) return showResults();
  const form = h("form", { novalidate: true, "data-question": question.id },
    h("p", { class: "progress" }, t("sim.step", { n: state.step + 1 })),
    input(question),
    h("div", { class: "actions" },
      h("button", { type: "submit" }, t("sim.next")),
      h("button", { type: "button", class: "secondary", onclick: () => skip(question) }, t("sim.skip")),
      h("button", { type: "button", class: "secondary", onclick: () => showResults() }, t("sim.results"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!form.checkValidity()) {
      showError(form, { message: t("choose"), fieldErrors: [] });
      return;
    }
    setAnswer(state.answers, question.id, readAnswer(form, question));
    state.step += 1;
    await askNext();
  });
  show(h("h1", {}, t("sim.title")), h("p", {}, t("sim.intro")), form);
  form.querySelector("input, select").focus();
}

function amountLines(aid) {
  const lines = [];
  if (aid.monthly_amount !== null) lines.push(h("p", { class: "amount" }, t("sim.perMonth", { amount: euros(aid.monthly_amount) })));
  else if (aid.yearly_amount !== null) lines.push(h("p", { class: "amount" }, t("sim.perYear", { amount: euros(aid.yearly_amount) })));
  if (aid.first_months_monthly_amount !== null && aid.first_months_monthly_amount !== aid.monthly_amount) {
    lines.push(h("p", {}, t("sim.firstMonths", { amount: euros(aid.first_months_monthly_amount) })));
  }
  return lines;
}

function aidCard(aid) {
  const guide = aid.apply;
  return h("section", { class: "aid", "data-aid": aid.aid_id, "aria-labelledby": `aid-${aid.aid_id}` },
    h("h3", { id: `aid-${aid.aid_id}` }, pick(aid.label)),
    amountLines(aid),
    aid.explanation.length ? [h("h4", {}, t("sim.why")), h("ul", { class: "plain" }, aid.explanation.map((line) => h("li", {}, pick(line))))] : null,
    aid.documents.length ? [h("h4", {}, t("sim.documents")), h("ul", { class: "plain" }, aid.documents.map((doc) => h("li", {}, pick(doc.label))))] : null,
    h("h4", {}, t("sim.apply")),
    guide.automatic ? h("p", {}, t("sim.automatic")) : null,
    guide.note ? h("p", {}, pick(guide.note)) : null,
    guide.form_label ? h("p", {}, t("sim.form", { form: pick(guide.form_label) })) : null,
    guide.online_service ? h("p", {}, h("a", { href: guide.online_service, rel: "noopener noreferrer", target: "_blank" }, t("sim.online"))) : null);
}

function changeLine(change, labels) {
  const aid = labels[change.aid_id] ?? change.aid_id;
  const money = (value) => (value === null ? "—" : euros(value));
  return h("li", {}, t(`change.${change.kind}`, { aid, before: money(change.before), after: money(change.after) }));
}

function renderResults(response) {
  const report = response.report;
  const eligible = report.results.filter((aid) => aid.status === "eligible");
  const toCheck = report.results.filter((aid) => aid.status === "to_check");
  const labels = Object.fromEntries(report.results.map((aid) => [aid.aid_id, pick(aid.label)]));
  const save = h("div", { class: "actions" },
    h("button", { type: "button", onclick: () => saveSimulation(save) }, t("sim.save")),
    h("button", { type: "button", class: "secondary", onclick: restart }, t("sim.restart")));
  show(
    h("h1", {}, t("sim.resultsTitle")),
    h("p", { class: "total" }, h("strong", {}, t("sim.total", { amount: euros(report.monthly_total) }))),
    response.stored ? h("p", { class: "notice" }, t("sim.saved")) : null,
    response.changes?.length ? [h("h2", {}, t("sim.changes")), h("ul", { class: "plain changes" }, response.changes.map((c) => changeLine(c, labels)))] : null,
    (response.notices || []).map((notice) => h("p", { class: "notice" }, notice)),
    h("h2", {}, t("sim.eligible")),
    eligible.length ? eligible.map(aidCard) : h("p", {}, t("sim.none")),
    toCheck.length ? [h("h2", {}, t("sim.toCheck")), h("p", {}, t("sim.toCheckIntro")), toCheck.map(aidCard)] : null,
    save);
}

async function showResults({ anonymous = true } = {}) {
  show(h("h1", {}, t("sim.resultsTitle")), h("p", { class: "progress" }, h("progress", { "aria-label": t("sim.computing") }), " ", t("sim.computing")));
  announce(t("sim.computing"));
  try {
    state.report = await api("POST", "/simulate", { household: state.answers }, { anonymous });
    renderResults(state.report);
    announce(t("sim.resultsTitle"));
  } catch (error) {
    await showRefusal(error);
  }
}

/**
 * The question id of a refused field: "household.housing.commune" → "housing.commune";
 * the API names a person by position ("household.persons.0.birth_date"), questions by id.
 */
function answerPath(field) {
  if (!field?.startsWith("household.")) return null;
  const parts = field.slice("household.".length).split(".");
  if (parts[0] === "persons" && /^\d+$/.test(parts[1] ?? "")) {
    parts[1] = state.answers.persons?.[Number(parts[1])]?.id ?? APPLICANT.id;
  }
  return parts.join(".");
}

function parentOf(path) { return path.split(".").slice(0, -1).join("."); }

/**
 * The question that answers a refused field: its own when the API still asks it; for a
 * missing group (the whole housing), the group's first skipped question; else the skipped
 * question of the same group it depends on (no commune without the postal code).
 */
function questionFor(path, questions) {
  const skipped = questions.filter((q) => state.skipped.has(q.id));
  return questions.find((q) => q.id === path)
    ?? skipped.find((q) => q.id.startsWith(`${path}.`))
    ?? (parentOf(path) ? skipped.find((q) => parentOf(q.id) === parentOf(path)) : undefined) ?? null;
}

/**
 * The API refused the answers (422), typically a skipped answer it cannot do without (the
 * commune of a postal code serving several, the birth date): each refused field's message,
 * in the person's language, under the question that answers it, with a way back to it.
 */
async function showRefusal(error) {
  const questions = error.status === 422 ? await remainingQuestions().catch(() => []) : [];
  const refused = (error.fieldErrors || [])
    .map((fieldError) => ({ ...fieldError, path: answerPath(fieldError.field) }))
    .filter((fieldError) => fieldError.path)
    .map((fieldError) => ({ ...fieldError, question: questionFor(fieldError.path, questions) }));
  const form = h("form", { class: "refusal" },
    refused.length ? h("ul", { class: "plain refused" }, refused.map((fieldError) => h("li", {},
      h("strong", {}, fieldError.question ? questionLabel(fieldError.question) : fieldError.path), " : ", fieldError.message,
      fieldError.question ? h("div", { class: "actions" },
        h("button", { type: "button", onclick: () => backTo(fieldError.question.id) }, t("sim.backToQuestion"))) : null))) : null,
    h("div", { class: "actions" }, h("button", { type: "button", class: "secondary", onclick: restart }, t("sim.restart"))));
  show(h("h1", {}, t("sim.resultsTitle")), form);
  showError(form, error);
}

/** Back to a question skipped earlier, to answer it this time. */
function backTo(questionId) {
  state.skipped.delete(questionId);
  return askNext(questionId);
}

async function saveSimulation(container) {
  if (!(await currentUser())) {
    container.prepend(h("p", { class: "notice", role: "alert" }, t("sim.saveNeedsAccount"), " ", h("a", { href: "#/compte" }, t("goSignin"))));
    return;
  }
  await showResults({ anonymous: false });
}

function restart() {
  Object.assign(state, { answers: freshAnswers(), skipped: new Set(), step: 0, report: null });
  askNext();
}

export async function render() {
  if (state.report) return renderResults(state.report);
  return askNext();
}
