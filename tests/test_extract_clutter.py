"""Page clutter never becomes a claim or a stored passage, from HTML or from plain text.

Each line below is the kind a page shows around (or inside) its article: requests to follow
the outlet or the writer, newsletter sign-ups, share and comment counts, cookie notices, and
the text of an author's hover card. Many are full sentences with a name or a number in them,
which is what makes a sentence a claim: they must be dropped before that stage.
"""

from __future__ import annotations

import pytest

from crosscheck.claims import extract_claims, passages
from crosscheck.extract import extract_html, extract_text

ARTICLE = [
    "The bridge opened on Monday after four years of work, the city council said.",
    "It cost 40 million euros, twice the first estimate, according to the council.",
    "Traffic on the old crossing fell by half in the first week, a spokesman said.",
    "The old crossing will close for repairs in March and reopen next year, officials said.",
]

CLUTTER = {
    "follow-us": [
        "Follow us on Twitter @Spacedotcom or Facebook.",
        "Follow us @Spacedotcom, Facebook and Google+.",
        "Follow Mike Wall on Twitter @michaeldwall and Google+.",
        "Follow her on Twitter @JaneDoe.",
        "You can follow him on Twitter at @jsmith.",
        "Like us on Facebook and follow us on Instagram for the latest news from the city.",
        "Follow The Hill on Twitter and Facebook for more political news.",
    ],
    "newsletter": [
        "Let our news meet your inbox. The news and stories that matter, delivered weekday "
        "mornings.",
        "Sign up for our newsletter to get the latest news delivered to your inbox.",
        "Get the Morning Report newsletter: the day's top 10 stories, in your inbox at 6 am.",
        "Subscribe to our daily newsletter for the latest headlines from New York.",
        "Start your day with the Opening Bell powered by TheStreet, delivered to your inbox "
        "every morning.",
        "Enter your email address to subscribe to this blog and receive notifications of new "
        "posts by email.",
    ],
    "share-counts": ["1.2K shares", "Shares 2,345", "345 Shares", "12 comments", "Views: 1,024"],
    "cookies": [
        "We use cookies to ensure that we give you the best experience on our website.",
        "This website uses cookies to improve your experience. We'll assume you're ok with "
        "this, but you can opt-out if you wish.",
        "By continuing to use this site, you agree to the use of cookies as described in our "
        "Cookie Policy.",
        "Accept all cookies",
    ],
}
LINES = [(kind, line) for kind, lines in CLUTTER.items() for line in lines]


def outputs(text: str) -> list[str]:
    """What the store and the sidebar would see: the claims and the passages."""
    return [s.text for s in extract_claims(text)] + [s.text for s in passages(text)]


def leaked(line: str, sentences: list[str]) -> list[str]:
    first_words = " ".join(line.split()[:4])
    return [s for s in sentences if first_words in s]


@pytest.mark.parametrize(("kind", "line"), LINES)
def test_clutter_line_in_html_is_neither_claim_nor_passage(kind: str, line: str) -> None:
    body = "".join(f"<p>{s}</p>" for s in ARTICLE[:2]) + f"<p>{line}</p>" + "".join(
        f"<p>{s}</p>" for s in ARTICLE[2:]) + f"<p><em>{line}</em></p>"
    text = extract_html(f"<html><body><article>{body}</article></body></html>").text
    assert leaked(line, outputs(text)) == []
    assert text.split("\n\n") == ARTICLE


@pytest.mark.parametrize(("kind", "line"), LINES)
def test_clutter_line_in_plain_text_is_neither_claim_nor_passage(kind: str, line: str) -> None:
    text = extract_text("\n".join([*ARTICLE[:2], line, *ARTICLE[2:], line])).text
    assert leaked(line, outputs(text)) == []
    assert text.split("\n\n") == ARTICLE


HOVER_CARDS = [
    # an author's card inside the byline link, shown on hover
    "<span class='author-hovercard'>Jane Doe is a senior writer who covers science. "
    "Follow 2.1K followers</span>",
    "<span role='tooltip'>Jane Doe, 14 articles since 2019, based in London.</span>",
    "<span class='c-popover'>Jane Doe wrote 314 stories for The Daily since 2011.</span>",
]


@pytest.mark.parametrize("card", HOVER_CARDS)
def test_hover_card_text_is_not_run_into_the_paragraph(card: str) -> None:
    body = (f"<p>The bridge opened on Monday, <a href='/by/jane'>Jane Doe{card}</a> reports "
            "from the city council, after four years of work.</p>"
            + "".join(f"<p>{s}</p>" for s in ARTICLE[1:]))
    text = extract_html(f"<html><body><article>{body}</article></body></html>").text
    assert text.split("\n\n") == [
        "The bridge opened on Monday, Jane Doe reports from the city council, after four "
        "years of work.", *ARTICLE[1:]]
