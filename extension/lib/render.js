// Rendering: pure functions from the state (the server's JSON answer, what is
// under way, what went wrong) to DOM nodes. Text goes in as text nodes only:
// passages are untrusted page text.

import { START_COMMAND, START_FROM_SOURCE, articleLink } from "./api.js";

const FILTERS = [
  ["all", "All"],
  ["conflicts", "Conflicts"],
  ["corroborated", "Agree"],
  ["unmatched", "Other"],
];
const BADGES = { conflicts: "Conflicts", corroborates: "Corroborates", related: "Related" };
const RARE_WORDS = 3; // shared words marked in a passage, the longest first
const MIN_RARE = 5; // letters: shorter shared words are never marked
const STOPWORDS = new Set(
  ("about after also and are been before being between but could from had has have her his into " +
   "its more most not only other over said says she some than that the their them then there " +
   "these they this those under very was were what when where which while who will with would " +
   "year years").split(" "),
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

const plural = (n, word, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;

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

// Nothing corroborates or contradicts it.
function bare(claim) {
  const found = relations(claim);
  return !found.has("conflicts") && !found.has("corroborates");
}

function inFilter(claim, filter) {
  const found = relations(claim);
  if (filter === "conflicts") return found.has("conflicts");
  if (filter === "corroborated") return found.has("corroborates");
  if (filter === "unmatched") return bare(claim);
  return true;
}

// A claim's matches: conflicts, then corroborations, then related; most likely first within each.
function byRelation(matches) {
  const order = (m) => RELATION_ORDER.indexOf(m.relation);
  const sure = (m) => m.confidence ?? m.score;
  return [...matches].sort((a, b) => order(a) - order(b) || sure(b) - sure(a));
}

// Conflicts first, then corroborated, related, unmatched; page order within each.
function ordered(claims) {
  const rank = (claim) => KINDS.indexOf(kindOf(claim));
  return claims
    .map((claim, index) => ({ claim, index }))
    .sort((a, b) => rank(a.claim) - rank(b.claim) || a.index - b.index);
}

// The source a passage speaks for: its outlet, else its title, else its article.
function sourceOf(passage) {
  return passage.outlet || passage.title || `article ${passage.article_id}`;
}

// [[source, [match, ...]], ...] in the order of each source's first match.
function bySource(matches) {
  const groups = new Map();
  for (const match of matches) {
    const key = sourceOf(match.passage);
    groups.set(key, [...(groups.get(key) ?? []), match]);
  }
  return [...groups.entries()];
}

// --- marking words in a passage -------------------------------------------

// [{text, mark: null | "shared" | "differs"}]: the values that differ, and a few of the
// rarest-looking words the passage shares with the claim (the longest ones).
function markPassage(passage, claim, differences = []) {
  const values = differences.map((d) => d.passage).filter(Boolean);
  const words = rareShared(passage, claim);
  return splitOn(passage, values).flatMap((part) =>
    part.mark ? [part] : markWords(part.text, words));
}

function wordsOf(text) {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])
    .filter((w) => w.length >= MIN_RARE && !STOPWORDS.has(w));
}

function rareShared(passage, claim) {
  const inClaim = new Set(wordsOf(claim));
  const shared = [...new Set(wordsOf(passage))].filter((w) => inClaim.has(w));
  return new Set(shared.sort((a, b) => b.length - a.length).slice(0, RARE_WORDS));
}

function splitOn(text, values) {
  if (!values.length) return [{ text, mark: null }];
  const escaped = values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const pattern = new RegExp(`(${escaped.join("|")})`, "giu");
  return text.split(pattern).filter(Boolean).map((part) => ({
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
    h("div", { class: "bar" },
      renderSummary({ ...summary, ...counted(claims) }, answer.article),
      renderFilters(claims, view),
    ),
    answer.story ? renderStory(answer.story, answer) : null,
    summary.corroborated + summary.conflicted === 0 ? h("p", { class: "message nothing" },
      "Nothing matched: none of your stored sources corroborates or contradicts these claims.") : null,
    renderClaims(shown, answer, view),
  );
}

// In "All", the claims nothing corroborates or contradicts are folded away under one line;
// when nothing bears on any claim they are shown, unless there are more than OPEN_UNMATCHED.
const OPEN_UNMATCHED = 25;
function renderClaims(shown, answer, view) {
  if (!shown.length) return h("p", { class: "message" }, "No claims in this group.");
  const list = (items) => h("ol", { class: "claims" },
    items.map(({ claim, index }) => renderClaim(claim, index, answer, view)));
  const folded = view.filter === "all" ? shown.filter(({ claim }) => bare(claim)) : [];
  const rest = shown.filter((item) => !folded.includes(item));
  return h("div", {},
    rest.length ? list(rest) : null,
    folded.length ? h("details", { class: "more lonely",
      open: !rest.length && folded.length <= OPEN_UNMATCHED },
      h("summary", {}, `${plural(folded.length, "claim")} nothing corroborates or contradicts`),
      list(folded)) : null,
  );
}

// Claims corroborated and in conflict, counted again: a card hidden as "not the same fact"
// changes them before the next check.
function counted(claims) {
  return {
    corroborated: claims.filter((c) => relations(c).has("corroborates")).length,
    conflicted: claims.filter((c) => relations(c).has("conflicts")).length,
  };
}

function renderSummary(summary, article) {
  return h("div", { class: "summary" },
    article.title ? h("p", { class: "page-title", title: article.title }, article.title) : null,
    h("p", { class: "counts", role: "status" },
      `${plural(summary.claims, "claim")} found: `,
      h("strong", { class: "n-corroborated" }, `${summary.corroborated} corroborated`), ", ",
      h("strong", { class: "n-conflicted" }, `${summary.conflicted} in conflict`), ", ",
      `${plural(summary.sources, "independent source")}.`),
  );
}

function renderFilters(claims, view) {
  const related = claims.reduce(
    (n, c) => n + c.matches.filter((m) => m.relation === "related").length, 0);
  return h("div", { class: "controls" },
    h("fieldset", { class: "filters" },
      h("legend", { class: "visually-hidden" }, "Show claims"),
      FILTERS.map(([value, label]) => h("label", {},
        h("input", { type: "radio", name: "filter", value, checked: value === view.filter }),
        h("span", {}, `${label} `, h("span", { class: "count" },
          String(claims.filter((c) => inFilter(c, value)).length)))),
      )),
    related ? h("label", { class: "toggle" },
      h("input", { type: "checkbox", name: "related", checked: view.related }),
      ` Related passages (${related})`) : null,
  );
}

function renderClaim(claim, index, answer, view) {
  const matches = byRelation(claim.matches)
    .filter((m) => view.related || m.relation !== "related");
  const differing = claim.matches.flatMap((m) => m.differences.map((d) => d.claim)).filter(Boolean);
  return h("li", { class: `claim ${kindOf(claim)}`, id: `claim-${index}` },
    h("button", { type: "button", class: "claim-text", "data-claim": String(index),
      title: "Show this sentence in the page" }, marked(splitOn(claim.text, differing))),
    matches.length ? h("ol", { class: "matches" },
      bySource(matches).map(([source, group]) => renderSource(source, group, index, answer)))
      : null,
  );
}

// A source's best passage for the claim; its others folded under "+N more from ...".
function renderSource(source, [best, ...others], index, answer) {
  return h("li", { class: "source" },
    renderMatch(best, index, answer),
    others.length ? h("details", { class: "more" },
      h("summary", {}, `+${others.length} more from ${source}`),
      h("ol", { class: "matches" }, others.map((m) => h("li", {}, renderMatch(m, index, answer)))),
    ) : null,
  );
}

function renderMatch(match, index, answer) {
  const claim = answer.claims[index];
  const { passage } = match;
  const web = /^https?:\/\//i.test(passage.url ?? ""); // never javascript:, data: or seed: links
  const href = web ? passage.url
    : answer.server ? articleLink(answer.server, passage.article_id, passage.id) : null;
  return h("div", { class: `match ${match.relation}` },
    h("p", { class: "meta" },
      h("span", { class: `badge ${match.relation}` }, BADGES[match.relation] ?? match.relation),
      typeof match.confidence === "number" ? h("span", { class: "confidence",
        title: "How likely this relation is right" },
      `${Math.round(match.confidence * 100)}% sure`) : null,
      h("span", { class: "outlet", title: passage.title || null }, sourceOf(passage)),
      passage.published ? h("time", { datetime: passage.published }, passage.published) : null,
      href ? h("a", { href, target: "_blank", rel: "noopener noreferrer", class: web ? null : "stored",
        title: passage.title || null }, web ? "source" : "stored copy") : null,
      match.in_story === false ? h("span", { class: "elsewhere" }, "another story") : null,
    ),
    match.reason ? h("p", { class: "reason" }, match.reason) : null,
    match.differences.length ? renderDifferences(match.differences) : null,
    h("blockquote", { class: "passage" }, marked(markPassage(passage.text, claim.text, match.differences))),
    answer.server ? h("button", { type: "button", class: "wrong", "data-claim": String(index),
      "data-passage": String(passage.id), title: "Hide this passage for this claim, now and later" },
    "Not the same fact") : null,
  );
}

function renderDifferences(differences) {
  return h("ul", { class: "differences", "aria-label": "Values that differ" },
    differences.map((d) => h("li", { class: d.kind },
      h("strong", { class: "here" }, d.claim), " here, ",
      h("strong", { class: "there" }, d.passage), " in this source")));
}

// --- the page's story ------------------------------------------------------

// What each article of the story says of the page's claims, counted from the claims' matches
// (as the summary is: a card hidden as "not the same fact" changes them before the next check):
// per article, how many claims it corroborates and contradicts; the claims none of them reports,
// and those every one of them corroborates.
function storyCounts(story, claims) {
  const ids = new Set(story.articles.map((a) => a.id));
  const perClaim = claims.map((claim) => {
    const by = (relation) => new Set(claim.matches
      .filter((m) => m.relation === relation && ids.has(m.passage.article_id))
      .map((m) => m.passage.article_id));
    return { agree: by("corroborates"), differ: by("conflicts") };
  });
  const count = (id, key) => perClaim.filter((c) => c[key].has(id)).length;
  return {
    articles: story.articles.map((a) => ({ ...a,
      corroborates: count(a.id, "agree"), contradicts: count(a.id, "differ") })),
    onlyHere: perClaim.flatMap((c, i) => (c.agree.size + c.differ.size ? [] : [i])),
    everywhere: perClaim.flatMap((c, i) => ([...ids].every((id) => c.agree.has(id)) ? [i] : [])),
  };
}

function renderStory(story, answer) {
  const { articles, onlyHere, everywhere } = storyCounts(story, answer.claims);
  const when = [...new Set([story.first, story.last].filter(Boolean))].join(" to ");
  return h("section", { class: "story", "aria-labelledby": "story-title" },
    h("h2", { id: "story-title" }, "This story in your sources"),
    h("p", { class: "spread" }, `${plural(articles.length, "other article")} from `
      + `${plural(story.outlets, "outlet")}${when ? `, ${when}` : ""}`),
    h("ol", { class: "story-articles" }, articles.map((a) => renderStoryArticle(a, answer))),
    renderStoryClaims("Every source says", everywhere, answer, "everywhere"),
    renderStoryClaims("Only this page says", onlyHere, answer, "only-here"),
  );
}

function renderStoryArticle(article, answer) {
  return h("li", { class: "story-article" },
    h("p", { class: "meta" },
      h("span", { class: "outlet", title: article.title || null },
        article.outlet || article.title || `article ${article.id}`),
      article.published ? h("time", { datetime: article.published }, article.published) : null,
      answer.server ? h("a", { href: articleLink(answer.server, article.id), target: "_blank",
        rel: "noopener noreferrer", class: "stored", title: article.title || null },
      "stored copy") : null),
    article.outlet && article.title ? h("p", { class: "story-article-title" }, article.title) : null,
    h("p", { class: "tally" },
      h("span", { class: article.corroborates ? "n-corroborated" : null },
        `corroborates ${article.corroborates}`), ", ",
      h("span", { class: article.contradicts ? "n-conflicted" : null },
        `contradicts ${article.contradicts}`), ` of this page's ${plural(answer.claims.length, "claim")}`),
  );
}

// A folded list of claims; each one, clicked, is shown in the page.
function renderStoryClaims(title, indices, answer, kind) {
  return h("details", { class: `story-claims ${kind}` },
    h("summary", {}, `${title} `, h("span", { class: "count" }, String(indices.length))),
    indices.length ? h("ul", {}, indices.map((i) => h("li", {},
      h("button", { type: "button", class: "claim-link", "data-claim": String(i),
        title: "Show this sentence in the page" }, answer.claims[i].text))))
      : h("p", { class: "message" }, "No claim."),
  );
}

// --- states around the answer ---------------------------------------------

function renderStatus(state) {
  if (state.busy) return renderBusy(state.busy);
  if (state.error) return renderError(state.error);
  if (state.notice) return renderNotice(state.notice);
  if (state.undo) return renderUndo(state.undo);
  return null;
}

function renderUndo(undo) {
  return h("div", { class: "status notice dismissed", role: "status" },
    h("p", {}, `Hidden: ${sourceOf(undo.match.passage)} is not about the same fact. `,
      h("button", { type: "button", class: "undo" }, "Undo")));
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
  down: [null, () => ["Start it with ", h("code", {}, START_COMMAND), " (in a source checkout: ",
    h("code", {}, START_FROM_SOURCE), "), then try again. The address is set in Settings."]],
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
