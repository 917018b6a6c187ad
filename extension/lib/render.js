// Rendering: pure functions from the state (the server's JSON answer, what is
// under way, what went wrong) to DOM nodes. Text goes in as text nodes only:
// passages are untrusted page text.

import { START_COMMAND, articleLink } from "./api.js";

const FILTERS = [
  ["all", "All"],
  ["conflicts", "Conflicts"],
  ["corroborated", "Corroborated"],
  ["unmatched", "Unmatched"],
];
const SHOWN_MATCHES = 2;
const BADGES = { conflicts: "Conflicts", corroborates: "Corroborates", related: "Related" };
const STOPWORDS = new Set(
  ("a an and are as at be been but by for from had has have he her his in is it its of on or " +
   "she than that the their they this to was were which who will with").split(" "),
);

// h("p", {class: "x"}, "text", node) -> <p class="x">text<node></p>
function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value);
  }
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

// --- what a claim is --------------------------------------------------------

const KINDS = ["conflicts", "corroborated", "related", "unmatched"];
const RELATION_ORDER = ["conflicts", "corroborates", "related"];

function relations(claim) {
  return new Set(claim.matches.map((m) => m.relation));
}

// What the claim's best match says: its card's colour and its place in the list.
function kindOf(claim) {
  const found = relations(claim);
  return found.has("conflicts") ? "conflicts" : found.has("corroborates") ? "corroborated"
    : found.size ? "related" : "unmatched";
}

function inFilter(claim, filter) {
  const found = relations(claim);
  if (filter === "conflicts") return found.has("conflicts");
  if (filter === "corroborated") return found.has("corroborates");
  if (filter === "unmatched") return !found.has("conflicts") && !found.has("corroborates");
  return true;
}

// A claim's matches: conflicts, then corroborations, then related; best score first within each.
function byRelation(matches) {
  const order = (m) => RELATION_ORDER.indexOf(m.relation);
  return [...matches].sort((a, b) => order(a) - order(b) || b.score - a.score);
}

// Conflicts first, then corroborated, related, unmatched; page order within each.
function ordered(claims) {
  const rank = (claim) => KINDS.indexOf(kindOf(claim));
  return claims
    .map((claim, index) => ({ claim, index }))
    .sort((a, b) => rank(a.claim) - rank(b.claim) || a.index - b.index);
}

// --- marking words in a passage -------------------------------------------

// [{text, mark: null | "shared" | "differs"}]: the differing values, then words shared with the claim.
function markPassage(passage, claim, differences = []) {
  const values = differences.map((d) => d.passage).filter(Boolean);
  const words = new Set(wordsOf(claim));
  return splitOn(passage, values).flatMap((part) =>
    part.mark ? [part] : markWords(part.text, words));
}

function wordsOf(text) {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !STOPWORDS.has(w));
}

function splitOn(text, values) {
  if (!values.length) return [{ text, mark: null }];
  const escaped = values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const pattern = new RegExp(`(${escaped.join("|")})`, "giu");
  return text.split(pattern).filter(Boolean).map((part, i) => ({
    text: part, mark: values.some((v) => v.toLowerCase() === part.toLowerCase()) ? "differs" : null,
  }));
}

function markWords(text, words) {
  return text.split(/([\p{L}\p{N}]+)/u).filter(Boolean).map((part) => ({
    text: part, mark: words.has(part.toLowerCase()) ? "shared" : null,
  }));
}

function marked(parts) {
  return parts.map(({ text, mark }) =>
    mark ? h("mark", { class: mark }, text) : document.createTextNode(text));
}

// --- the answer -------------------------------------------------------------

function renderAnswer(answer, view) {
  const { summary, claims } = answer;
  if (!claims.length) {
    return h("p", { class: "message" }, "No article text with checkable claims found on this page.");
  }
  const shown = ordered(claims).filter(({ claim }) => inFilter(claim, view.filter));
  return h("section", { class: "answer", "aria-label": "Claims and sources" },
    renderSummary(summary, answer.article),
    summary.corroborated + summary.conflicted === 0 ? h("p", { class: "message nothing" },
      "Nothing matched: none of your stored sources corroborates or contradicts these claims.") : null,
    renderFilters(claims, view.filter),
    renderClaims(shown, answer, view.filter),
  );
}

// In "All", claims no source mentions are folded away under one line.
function renderClaims(shown, answer, filter) {
  if (!shown.length) return h("p", { class: "message" }, "No claims in this group.");
  const list = (items) => h("ol", { class: "claims" },
    items.map(({ claim, index }) => renderClaim(claim, index, answer)));
  const lonely = filter === "all" ? shown.filter(({ claim }) => !claim.matches.length) : [];
  const rest = shown.filter((item) => !lonely.includes(item));
  return h("div", {},
    rest.length ? list(rest) : null,
    lonely.length ? h("details", { class: "more lonely", open: !rest.length },
      h("summary", {}, `${lonely.length} claim${lonely.length === 1 ? "" : "s"} no stored source mentions`),
      list(lonely)) : null,
  );
}

function renderSummary(summary, article) {
  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return h("div", { class: "summary" },
    article.title ? h("p", { class: "page-title" }, article.title) : null,
    h("p", { class: "counts", role: "status" },
      `${plural(summary.claims, "claim")} found: `,
      h("strong", { class: "n-corroborated" }, `${summary.corroborated} corroborated`), ", ",
      h("strong", { class: "n-conflicted" }, `${summary.conflicted} in conflict`), ", ",
      `${plural(summary.sources, "independent source")}.`),
  );
}

function renderFilters(claims, current) {
  return h("fieldset", { class: "filters" },
    h("legend", { class: "visually-hidden" }, "Show"),
    FILTERS.map(([value, label]) => h("label", {},
      h("input", { type: "radio", name: "filter", value, checked: value === current }),
      h("span", {}, `${label} `, h("span", { class: "count" },
        String(claims.filter((c) => inFilter(c, value)).length)))),
    ));
}

function renderClaim(claim, index, answer) {
  const items = byRelation(claim.matches).map((m) => renderMatch(m, claim, answer.server));
  const differing = claim.matches.flatMap((m) => m.differences.map((d) => d.claim)).filter(Boolean);
  const more = items.length - SHOWN_MATCHES;
  return h("li", { class: `claim ${kindOf(claim)}` },
    h("button", { type: "button", class: "claim-text", "data-claim": String(index),
      title: "Show this sentence in the page" }, marked(splitOn(claim.text, differing))),
    items.length ? null : h("p", { class: "none" }, "No other source mentions this."),
    items.length ? h("ol", { class: "matches" }, items.slice(0, SHOWN_MATCHES)) : null,
    more > 0 ? h("details", { class: "more" },
      h("summary", {}, `${more} more source passage${more === 1 ? "" : "s"}`),
      h("ol", { class: "matches" }, items.slice(SHOWN_MATCHES))) : null,
  );
}

function renderMatch(match, claim, server) {
  const { passage } = match;
  const web = /^https?:\/\//i.test(passage.url ?? ""); // never javascript:, data: or seed: links
  const href = web ? passage.url : server ? articleLink(server, passage.article_id) : null;
  return h("li", { class: `match ${match.relation}` },
    h("p", { class: "meta" },
      h("span", { class: `badge ${match.relation}` }, BADGES[match.relation] ?? match.relation),
      h("span", { class: "outlet" }, passage.outlet || passage.title || "Unnamed source"),
      passage.published ? h("time", { datetime: passage.published }, passage.published) : null,
      href ? h("a", { href, target: "_blank", rel: "noopener noreferrer",
        title: passage.title || null }, web ? "source" : "stored copy") : null,
    ),
    match.differences.length ? renderDifferences(match.differences) : null,
    h("blockquote", { class: "passage" }, marked(markPassage(passage.text, claim.text, match.differences))),
  );
}

function renderDifferences(differences) {
  return h("table", { class: "differences" },
    h("caption", {}, "Differs"),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "This page"), h("th", { scope: "col" }, "Source"))),
    h("tbody", {}, differences.map((d) => h("tr", { class: d.kind },
      h("td", { class: "here" }, d.claim), h("td", { class: "there" }, d.passage)))),
  );
}

// --- states around the answer ---------------------------------------------

function renderStatus(state) {
  if (state.busy) return renderBusy(state.busy);
  if (state.error) return renderError(state.error);
  if (state.notice) return renderNotice(state.notice);
  return null;
}

const BUSY = {
  check: "Checking this page against your sources…",
  add: "Adding this page to your sources…",
};

function renderBusy(job) {
  return h("div", { class: "status busy", role: "status" },
    h("progress", { "aria-label": BUSY[job] }), h("p", {}, BUSY[job]));
}

function renderNotice(added) {
  const text = added.duplicate ? "This page is already in your sources."
    : `Added to your sources (${added.passages} passages).`;
  return h("div", { class: "status notice", role: "status" }, h("p", {}, text));
}

// error.kind -> [title (else the message itself), what to do]; the kinds come from lib/api.js
// and background.js.
const ERRORS = {
  down: [null, () => ["Start it from the Crosscheck folder with ", h("code", {}, START_COMMAND),
    ", then try again. The address is set in Settings."]],
  refused: ["The server refused the request.", () => ["Check the access token in Settings."]],
  empty: ["No article text found on this page.", null],
  unreadable: [null, () => ["Click the Crosscheck toolbar button on the page to let it read it."]],
};

function renderError(error) {
  const [title, advice] = ERRORS[error.kind] ?? ["The server answered with an error.", null];
  return h("div", { class: `status error ${error.kind}`, role: "alert" },
    h("p", { class: "title" }, title ?? error.message),
    title ? h("p", { class: "detail" }, `Server: ${error.message}`) : null,
    advice ? h("p", {}, advice()) : null,
  );
}

function renderIntro() {
  return h("p", { class: "message intro" },
    "Check the claims of the article in this tab against the sources stored on your machine.");
}

export function render(state, view) {
  const fragment = document.createDocumentFragment();
  const status = renderStatus(state);
  if (status) fragment.append(status);
  if (state.answer) fragment.append(renderAnswer(state.answer, view));
  else if (!state.busy && !state.error) fragment.append(renderIntro());
  return fragment;
}
