// Injected into the page on the reader's click (never on its own): finds a
// quoted sentence in the live page and highlights it.
//
// Anchoring, after hypothesis/client's src/annotator/anchoring: the page's text
// nodes are joined into one string with a map back to (node, offset);
// whitespace, case, quotes and dashes are folded on both sides; every exact
// hit is ranked by how well its surroundings match the quote's prefix and
// suffix; failing that, the closest approximate match (edit distance up to a
// quarter of the quote) is used. The highlight is a CSS Custom Highlight over a
// Range, so the page's markup is not touched; where that API is missing, the
// text nodes are wrapped in <mark> elements instead.

(() => {
  if (globalThis.crosscheckAnchor) return;

  const NAME = "crosscheck";
  const SKIP = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "TEXTAREA", "SELECT"]);
  const INLINE = new Set(("A ABBR B BDI BDO CITE CODE DATA DFN EM FONT I INS DEL KBD LABEL MARK Q S " +
    "SAMP SMALL SPAN STRONG SUB SUP TIME U VAR").split(" "));
  const MAX_ERRORS = 0.25;

  function fold(char) {
    if (/[\u00ad\u200b-\u200d\u2060\ufeff]/.test(char)) return "";
    if (/\s/.test(char)) return " ";
    if (/[\u2018\u2019\u201a\u201b\u2032]/.test(char)) return "'";
    if (/[\u201c\u201d\u201e\u201f\u2033]/.test(char)) return '"';
    if (/[\u2010-\u2015\u2212]/.test(char)) return "-";
    if (char === "\u2026") return "...";
    return char.toLowerCase();
  }

  function normalise(text, trim = true) {
    const folded = Array.from(text, fold).join("").replace(/ +/g, " ");
    return trim ? folded.trim() : folded;
  }

  function blockOf(node) {
    let element = node.parentElement;
    while (element && INLINE.has(element.tagName)) element = element.parentElement;
    return element;
  }

  function accept(node) {
    for (let el = node.parentElement; el; el = el.parentElement) {
      if (SKIP.has(el.tagName)) return NodeFilter.FILTER_REJECT;
    }
    return NodeFilter.FILTER_ACCEPT;
  }

  // The page's text, folded, with map[i] = [node, offset] for each character.
  function pageText(root) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, { acceptNode: accept });
    let text = "";
    const map = [];
    let space = false;
    let lastBlock = null;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const block = blockOf(node);
      space ||= block !== lastBlock;
      lastBlock = block;
      for (let i = 0; i < node.data.length; i++) {
        const folded = fold(node.data[i]);
        if (folded === " ") { space = true; continue; }
        if (space && folded && text) { text += " "; map.push([node, i]); }
        if (folded) space = false;
        for (const char of folded) { text += char; map.push([node, i]); }
      }
    }
    return { text, map };
  }

  function commonPrefix(a, b) {
    let n = 0;
    while (n < a.length && n < b.length && a[n] === b[n]) n++;
    return n;
  }

  function reverse(text) {
    return Array.from(text).reverse().join("");
  }

  function exactHits(text, exact, prefix, suffix) {
    const hits = [];
    for (let at = text.indexOf(exact); at >= 0; at = text.indexOf(exact, at + 1)) {
      const before = reverse(text.slice(Math.max(0, at - prefix.length), at));
      const after = text.slice(at + exact.length, at + exact.length + suffix.length);
      hits.push({ start: at, end: at + exact.length,
        context: commonPrefix(before, reverse(prefix)) + commonPrefix(after, suffix) });
    }
    return hits.sort((a, b) => b.context - a.context);
  }

  // Approximate substring search (Sellers): where in `text` does `pattern` end
  // with the fewest edits, and how many.
  function bestEnd(text, pattern) {
    let prev = Uint32Array.from({ length: pattern.length + 1 }, (_, j) => j);
    let cur = new Uint32Array(pattern.length + 1);
    let best = { cost: Infinity, end: -1 };
    for (let i = 0; i < text.length; i++) {
      cur[0] = 0;
      for (let j = 1; j <= pattern.length; j++) {
        cur[j] = Math.min(prev[j - 1] + (pattern[j - 1] === text[i] ? 0 : 1), prev[j] + 1, cur[j - 1] + 1);
      }
      if (cur[pattern.length] < best.cost) best = { cost: cur[pattern.length], end: i + 1 };
      [prev, cur] = [cur, prev];
    }
    return best;
  }

  function fuzzyHit(text, exact) {
    const allowed = Math.floor(exact.length * MAX_ERRORS);
    const { cost, end } = bestEnd(text, exact);
    if (cost > allowed) return null;
    const from = Math.max(0, end - exact.length - allowed);
    const back = bestEnd(reverse(text.slice(from, end)), reverse(exact));
    return { start: end - back.end, end };
  }

  // quote: {exact, prefix, suffix} -> {range, how: "exact" | "fuzzy"} | null
  function locate(quote, root = document.body) {
    const { text, map } = pageText(root);
    const exact = normalise(quote.exact);
    if (!exact) return null;
    const [hit] = exactHits(text, exact, normalise(quote.prefix ?? "", false),
      normalise(quote.suffix ?? "", false));
    const found = hit ?? fuzzyHit(text, exact);
    if (!found) return null;
    const range = document.createRange();
    const [startNode, startOffset] = map[found.start];
    const [endNode, endOffset] = map[found.end - 1];
    range.setStart(startNode, startOffset);
    range.setEnd(endNode, endOffset + 1);
    return { range, how: hit ? "exact" : "fuzzy" };
  }

  function textNodesIn(range) {
    const root = range.commonAncestorContainer;
    if (root.nodeType === Node.TEXT_NODE) return [root];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const nodes = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (range.intersectsNode(node)) nodes.push(node);
    }
    return nodes;
  }

  // Fallback without the Highlight API: wrap each text node's share in <mark>.
  function wrap(range) {
    for (const node of textNodesIn(range)) {
      const start = node === range.startContainer ? range.startOffset : 0;
      const end = node === range.endContainer ? range.endOffset : node.data.length;
      if (start >= end) continue;
      const middle = node.splitText(start);
      middle.splitText(end - start);
      const mark = document.createElement("mark");
      mark.className = "crosscheck-highlight";
      middle.replaceWith(mark);
      mark.append(middle);
    }
  }

  function clear() {
    globalThis.CSS?.highlights?.delete(NAME);
    for (const mark of document.querySelectorAll("mark.crosscheck-highlight")) {
      const parent = mark.parentNode;
      mark.replaceWith(...mark.childNodes);
      parent.normalize();
    }
  }

  function show(range) {
    const element = range.startContainer.parentElement;
    const smooth = !matchMedia("(prefers-reduced-motion: reduce)").matches;
    element?.scrollIntoView({ block: "center", behavior: smooth ? "smooth" : "auto" });
  }

  function highlight(quote) {
    clear();
    const found = locate(quote);
    if (!found) return { found: false };
    const text = found.range.toString();
    show(found.range);
    if (globalThis.CSS?.highlights && globalThis.Highlight) CSS.highlights.set(NAME, new Highlight(found.range));
    else wrap(found.range);
    return { found: true, how: found.how, text };
  }

  // --- quiet marks on every checked sentence, a click on one shows its claim in the panel ----

  const MARKS = { conflicts: "crosscheck-conflict", corroborated: "crosscheck-agree" };
  let annotated = []; // [{range, claim}]

  function annotate(quotes) {
    const highlights = globalThis.CSS?.highlights;
    for (const name of Object.values(MARKS)) highlights?.delete(name);
    annotated = [];
    const byKind = {};
    for (const quote of quotes) {
      const found = locate(quote);
      if (!found) continue;
      annotated.push({ range: found.range, claim: quote.claim });
      (byKind[quote.kind] ??= []).push(found.range);
    }
    if (highlights && globalThis.Highlight) {
      for (const [kind, ranges] of Object.entries(byKind)) highlights.set(MARKS[kind], new Highlight(...ranges));
    }
    return { placed: annotated.length, orphans: quotes.length - annotated.length };
  }

  function claimAt(x, y) {
    const position = document.caretPositionFromPoint?.(x, y);
    const range = position ? null : document.caretRangeFromPoint?.(x, y);
    const node = position?.offsetNode ?? range?.startContainer;
    const offset = position?.offset ?? range?.startOffset;
    if (!node) return undefined;
    return annotated.find((mark) => mark.range.isPointInRange(node, offset))?.claim;
  }

  document.addEventListener("click", (event) => {
    const claim = claimAt(event.clientX, event.clientY);
    const runtime = (globalThis.browser ?? globalThis.chrome)?.runtime;
    if (claim !== undefined && runtime?.sendMessage) runtime.sendMessage({ markClicked: claim }).catch(() => null);
  });

  globalThis.crosscheckAnchor = { highlight, locate, clear, wrap, annotate };
})();
