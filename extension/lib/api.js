// The one module that knows where the Crosscheck server is and talks to it.

import { loadSettings } from "./browser.js";

const DEFAULTS = { server: "http://127.0.0.1:8765", token: "" };
// The server refuses longer fields (422): a too long title is cut, a too long address left out.
const LIMITS = { title: 1000, url: 2048 };
// How to start the server: installed with pip, and from a source checkout.
export const START_COMMAND = "crosscheck serve";
export const START_FROM_SOURCE = "make run";

// kind: "down" (nothing answers), "refused" (401/403), "empty" (422: no article text),
// "page" (another 4xx), "server" (5xx)
export class ApiError extends Error {
  constructor(kind, message, server) {
    super(message);
    this.kind = kind;
    this.server = server;
  }
}

export function settings() {
  return loadSettings(DEFAULTS);
}

// The server's readable page of a stored article, scrolled to the passage.
export function articleLink(server, articleId, passageId) {
  const passage = passageId === undefined ? "" : `?passage=${encodeURIComponent(passageId)}`;
  return `${server}/articles/${encodeURIComponent(articleId)}${passage}`;
}

async function call(path, { method = "GET", body, config } = {}) {
  const { server, token } = config ?? (await settings());
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(server + path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit", cache: "no-store",
    });
  } catch {
    throw new ApiError("down", `The Crosscheck server is not running at ${server}.`, server);
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new ApiError(errorKind(response.status), data.error || response.statusText, server);
  }
  return { data, status: response.status, server };
}

function errorKind(status) {
  if (status === 401 || status === 403) return "refused";
  if (status === 422) return "empty";
  return status < 500 ? "page" : "server";
}

// The server's own pages (the stored copies) take the token as a cookie, set by opening the
// pairing link: ask for it once, so that the sidebar's "stored copy" opens paired.
export async function pairPages({ server, token }) {
  try {
    await fetch(`${server}/?token=${encodeURIComponent(token)}`, {
      credentials: "include", cache: "no-store", redirect: "manual" });
  } catch {
    // the pages then ask the reader to open the pairing link themselves
  }
}

export async function health(config) {
  return (await call("/api/health", { config })).data;
}

// The pairing link the server prints (http://127.0.0.1:PORT/?token=...) as settings; a bare
// token keeps the server address already set. Null when the text holds no token.
export function pairing(text, server) {
  const given = text.trim();
  if (!/^https?:/i.test(given)) return given && !/\s/.test(given) ? { server, token: given } : null;
  try {
    const link = new URL(given);
    const token = link.searchParams.get("token");
    return token ? { server: link.origin, token } : null;
  } catch {
    return null;
  }
}

function fit(page) {
  return {
    ...page,
    title: page.title?.slice(0, LIMITS.title),
    url: page.url?.length > LIMITS.url ? null : page.url,
  };
}

export async function analyze(page) {
  const { data, server } = await call("/api/analyze", { method: "POST", body: fit(page) });
  return { ...data, server };
}

export async function addArticle(page) {
  const { data, status } = await call("/api/articles", { method: "POST", body: fit(page) });
  return { ...data, duplicate: status !== 201 };
}

// "Not the same fact": the server leaves the pair out of every later answer; returns its id.
export async function addFeedback(claim, match) {
  const body = { claim, passage_id: match.passage.id, relation: match.relation };
  return (await call("/api/feedback", { method: "POST", body })).data.id;
}

export async function deleteFeedback(id) {
  await call(`/api/feedback/${encodeURIComponent(id)}`, { method: "DELETE" });
}
