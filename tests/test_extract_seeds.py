"""The seed captures: the article's first and last sentences survive, the page furniture does not.

Checked three ways: `extract_text` on the bare capture (no title known), and the passages
and claims made from `extract` on the seed page as the store loads it (title from the manifest).
"""

from __future__ import annotations

import pytest
from conftest import seed_text

from crosscheck.claims import extract_claims, passages
from crosscheck.extract import extract, extract_text
from crosscheck.seeds import seed_pages

SEEDS = {
    "000": {
        "first": "Russian President Vladimir Putin's visit to North Korea and the signature pact "
                 "promising \"mutual help\"",
        "last": "Pyongyang may have delivered around three million artillery shells in the "
                "past year.",
        "published": "2024-06-20",
        "furniture": [
            "Essayer OR - Gratuit", "PLUS D'HISTOIRES DE The Straits Times", "The Straits Times",
            "AMORIM PROUD OF STICKING TO BELIEFS", "Red Devils boss 'learns a lot'",
            "A school team gave back a trophy", "These are kids who understand integrity",
            "Local producers and retailers must better understand",
            "SEA Games squash gold medallist Vivian Rhamanan",
            "Ms Jamie Ng was flourishing in her career",
            "A fight is brewing between Donald Trump and Zohran Mamdani.",
            "Nov 1 Breeders' Cup Classic form analysis",
            "Older generations value its role in the nation",
            "Does the Singapore River need to change course",
            "Grace Fu named among Time's 100", "Minister recognised for her efforts",
            "time to read", "3 mins", "November 01, 2025", "Listen", "Translate", "Share",
            "Change font size", "- Jonathan Eyal",
        ],
    },
    "001": {
        "first": "On June 19, Russian President Vladimir Putin arrived in North Korea for an "
                 "official visit for the first time in 25 years.",
        "last": "to keep Russia and North Korea isolated from the rest of the world.",
        "published": "2024-06-20",
        "furniture": [
            "twitter", "youtube", "instagram", "facebook", "telegram", "apple store",
            "play market", "night_theme", "search", "WHAT ARE YOU LOOKING FOR ?",
            "Any use of materials is allowed only if there is a hyperlink to Caliber.az",
            "Caliber.az © 2024", "ANALYTICS", "A+", "A-", "Caliber.Az", "Views: 255",
            "Liked the story? Share it on social media!", "print", "copy link",
            "Ссылка скопирована", "Analytical materials of te authors of Caliber.az", "loading",
        ],
    },
    "002": {
        "first": "Vladimir Putin & Kim Jong Un have а lot in common…",
        "last": "including for nuclear-powered submarines.",
        "published": "2023-09-12",
        "furniture": [
            "KEYWORDS :", "weapons", "relationship", "Russia- Ukraine war", "Comentarios",
            "Publicar un comentario",
        ],
    },
    "003": {
        "first": "With Russian flags and welcoming banners, Pyongyang greeted Russian President "
                 "Vladimir Putin",
        "last": "if it is found to be providing military support to Moscow.",
        "published": "2024-06-19",
        "furniture": [
            "date 2024-06-19 News", "News Bulletin Reports", "2024-06-19 | 13:25", "High views",
            "Share", "min", "A report by Ahmad Abdallah", "Next", "Previous",
            "Hezbollah's Hudhud Drone Mission", "Vatican's Cardinal Pietro Parolin Visits Beirut",
            "Putin's Historic Visit to North Korea: Strengthening Military Ties",
        ],
    },
    "004": {
        "first": "President Putin’s recent signing of two new strategic partnerships underscore",
        "last": "they’ll become as dependent on external support as Ukraine.",
        "published": None,
        "furniture": [
            "Other Topics of Interest",
            "Euphemisms and Self-Censorship: How Russians Talk About Ukraine",
            "The word \"war\" was banned initially",
            "The views expressed in this opinion article",
            "To suggest a correction or clarification", "press Ctrl + Enter",
        ],
    },
}
SHORT_BODY_LINES = {"002": ["Never mind. A signature can be revoked."],
                    "004": ["Vietnam: a strategic balancing act"]}
PAGES = {page.url.removeprefix("seed:")[:3]: page for page in seed_pages()}


def folded(text: str) -> str:
    return " ".join(text.split())  # no-break spaces too: "-\xa0Jonathan Eyal" in 000


def leftovers(furniture: list[str], texts: list[str]) -> list[str]:
    """Furniture found in texts: items of two words or fewer as a whole text, longer ones
    anywhere (whitespace folded), each item once."""
    texts = [folded(t) for t in texts]
    return [f for f in furniture
            if any(t == f if len(f.split()) <= 2 else folded(f) in t for t in texts)]


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_the_listed_furniture_is_in_the_capture(seed: str) -> None:
    """So the checks below can fail: each item is found, the way they look for it, among the
    capture's own lines."""
    furniture = SEEDS[seed]["furniture"]
    assert leftovers(furniture, seed_text(seed).splitlines()) == furniture


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_extract_text_keeps_the_article_and_drops_the_furniture(seed: str) -> None:
    expected = SEEDS[seed]
    article = extract_text(seed_text(seed))
    paragraphs = article.text.split("\n\n")
    assert paragraphs[0].startswith(expected["first"])
    assert paragraphs[-1].endswith(expected["last"])
    assert leftovers(expected["furniture"], paragraphs) == []
    for line in SHORT_BODY_LINES.get(seed, []):
        assert line in article.text


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_no_furniture_becomes_a_passage_or_a_claim(seed: str) -> None:
    """Every item is looked for among the paragraphs of the text the store gets; the longer
    ones in its passages and claims too (a passage has four words or more, a claim six, so a
    shorter item could never equal one)."""
    expected = SEEDS[seed]
    text = extract(PAGES[seed]).text
    stored = [s.text for s in passages(text)]
    claims = [s.text for s in extract_claims(text)]
    assert leftovers(expected["furniture"], text.split("\n\n")) == []
    longer = [f for f in expected["furniture"] if len(f.split()) > 2]
    assert leftovers(longer, stored) == []
    assert leftovers(longer, claims) == []
    assert text.startswith(expected["first"])
    assert stored[-1].endswith(expected["last"])


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_date_line_read_from_the_capture(seed: str) -> None:
    assert extract_text(seed_text(seed)).published == SEEDS[seed]["published"]


def test_every_seed_is_covered() -> None:
    assert sorted(PAGES) == sorted(SEEDS)
