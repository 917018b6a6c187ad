// The home page's "Check a text": send the pasted text (or HTML) to the same endpoint the
// sidebar uses, POST /api/analyze, and show the answer. Passages are untrusted page text, so
// everything is built as DOM nodes with text, never as markup.

const form = document.getElementById("check");
// The API takes the token only as a header, never the page's cookie (which a browser also
// hands to other extensions): the server writes it into this page, opened as a page only.
const token = document.querySelector('meta[name="crosscheck-token"]')?.content ?? "";
const answer = document.getElementById("answer");
const ORDER = { conflicts: 0, corroborates: 1, related: 2 };
const BADGES = { conflicts: "Conflicts", corroborates: "Corroborates", related: "Related" };

function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined) node.setAttribute(name, value);
  }
  node.append(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function rank(claim) {
  return Math.min(3, ...claim.matches.map((m) => ORDER[m.relation]));
}

function storedCopy(passage) {
  return `/articles/${passage.article_id}?passage=${passage.id}`;
}

function renderMatch(match) {
  const p = match.passage;
  const source = p.outlet || p.title || `Article ${p.article_id}`;
  const original = /^https?:\/\//.test(p.url || "")
    ? [" · ", h("a", { href: p.url, rel: "noreferrer" }, "original")] : null;
  return h("li", { class: `match ${match.relation}` },
    h("p", { class: "source" },
      h("span", { class: "badge" }, BADGES[match.relation] ?? match.relation), " ",
      h("strong", {}, source), p.published ? ` · ${p.published}` : null, " · ",
      h("a", { href: storedCopy(p) }, "stored copy"), original),
    match.differences.length ? h("p", { class: "differences" }, match.differences.map((d, i) =>
      [i ? "; " : "", "This page ", h("b", {}, d.claim), ", source ", h("b", {}, d.passage)]))
      : null,
    match.reason ? h("p", { class: "reason" }, match.reason,
      typeof match.confidence === "number"
        ? ` (confidence ${Math.round(match.confidence * 100)}%)` : null) : null,
    h("blockquote", {}, p.text));
}

function renderClaim(claim) {
  const strong = claim.matches.filter((m) => m.relation !== "related")
    .sort((a, b) => ORDER[a.relation] - ORDER[b.relation]);
  const related = claim.matches.filter((m) => m.relation === "related");
  const kind = ["conflicts", "corroborates", "related", "unmatched"][rank(claim)];
  return h("li", { class: `claim ${kind}` },
    h("p", { class: "claim-text" }, claim.text),
    strong.length ? h("ul", { class: "matches" }, strong.map(renderMatch)) : null,
    related.length ? h("details", {}, h("summary", {}, plural(related.length, "related passage")),
      h("ul", { class: "matches" }, related.map(renderMatch))) : null);
}

function render(result) {
  const s = result.summary;
  const matched = result.claims.filter((c) => c.matches.length)
    .sort((a, b) => rank(a) - rank(b));
  const unmatched = s.claims - matched.length;
  return [
    h("p", { class: "summary", role: "status" },
      `${plural(s.claims, "claim")} found: ${s.corroborated} corroborated, `,
      `${s.conflicted} in conflict, ${plural(s.sources, "independent source")}.`),
    h("ol", { class: "claims" }, matched.map(renderClaim)),
    unmatched ? h("p", { class: "unmatched" },
      `${plural(unmatched, "claim")} no stored source mentions.`) : null,
  ];
}

async function check(event) {
  event.preventDefault();
  const text = form.elements.page.value;
  const body = /^\s*</.test(text) ? { html: text } : { text };
  const button = form.querySelector("button");
  button.disabled = true;
  answer.replaceChildren(h("p", { class: "busy" }, "Checking against your sources…"));
  try {
    const response = await fetch("/api/analyze", {
      method: "POST",
      headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.error || response.statusText);
    answer.replaceChildren(...render(data).filter(Boolean));
  } catch (error) {
    answer.replaceChildren(h("p", { class: "error", role: "alert" }, `Not checked: ${error.message}`));
  } finally {
    button.disabled = false;
  }
}

form.addEventListener("submit", check);
