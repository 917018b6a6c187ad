// Pure functions over the server's answer that both the panel and the background need.

// Where a claim sits in the page: its text with a little context (after hypothesis's TextQuote).
export function quoteOf(answer, index) {
  const claim = answer.claims[index];
  const text = answer.article.text;
  return {
    exact: claim.text,
    prefix: text.slice(Math.max(0, claim.start - 32), claim.start),
    suffix: text.slice(claim.end, claim.end + 32),
  };
}

// The claims to mark in the page: those a source contradicts ("conflicts") or corroborates.
export function marksOf(answer) {
  return answer.claims.flatMap((claim, index) => {
    const relations = new Set(claim.matches.map((m) => m.relation));
    const kind = relations.has("conflicts") ? "conflicts"
      : relations.has("corroborates") ? "corroborated" : null;
    return kind ? [{ ...quoteOf(answer, index), kind, claim: index }] : [];
  });
}
