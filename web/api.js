// The API client: one origin (config.json), the person's language, their ID token.
import { language } from "./i18n.js";

let config = null;
let tokenSource = async () => null;

/** Read config.json once: where the API is and how to reach Firebase Auth. */
export async function loadConfig() {
  if (!config) config = await (await fetch("config.json")).json();
  return config;
}

/** Where ID tokens come from (set once signed in). */
export function useTokens(source) { tokenSource = source; }

/** A problem+json answer of the API: its code, readable detail and per-field errors. */
export class ApiProblem extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || String(status));
    this.status = status;
    this.code = problem.code;
    this.fieldErrors = problem.errors || [];
  }
}

/** Call ``path`` (e.g. "/simulate/questions"); the JSON answer, or throws ApiProblem. */
export async function api(method, path, body, { anonymous = false } = {}) {
  const { apiBase } = await loadConfig();
  const headers = { "Accept-Language": language(), Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const token = anonymous ? null : await tokenSource();
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(apiBase + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "omit",
  });
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiProblem(response.status, parsed || {});
  return parsed;
}
