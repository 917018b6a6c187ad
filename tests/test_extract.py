"""Extraction: paragraphs and words, furniture, metadata, encodings, odd input."""

from __future__ import annotations

import json

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crosscheck.extract import (
    ExtractError,
    decode_html,
    extract,
    extract_html,
    extract_text,
    html_blocks,
)
from crosscheck.furniture import article_lines
from crosscheck.types import Page

BODY = ("<p>The bridge opened on Monday after four years of work, the city council said.</p>"
        "<p>It cost 40 million euros, twice the first estimate, according to the council.</p>"
        "<p>Traffic on the old crossing fell by half in the first week, a spokesman said.</p>")


def page(body: str, head: str = "", lang: str = "en") -> str:
    return f'<html lang="{lang}"><head>{head}</head><body>{body}</body></html>'


def test_block_elements_break_paragraphs_and_inline_elements_do_not_split_words() -> None:
    html = page("<article><h2>Section</h2><div>The dam<b>wall</b> is <a href='/x'>4</a>0 m "
                "high, engineers said on Friday after the survey.</div><div>Second block with "
                "enough words to count as a paragraph of the article.</div><ul><li>Item one of "
                "the list, a full sentence of the article.</li></ul>" + BODY + "</article>")
    paragraphs = extract_html(html).text.split("\n\n")
    assert "The damwall is 40 m high, engineers said on Friday after the survey." in paragraphs
    assert "Second block with enough words to count as a paragraph of the article." in paragraphs
    assert "Item one of the list, a full sentence of the article." in paragraphs


WORDS = st.lists(st.text("abcdefghij", min_size=1, max_size=8), min_size=1, max_size=30)


@settings(deadline=None)  # timing is for bench/, not tests
@given(WORDS, st.lists(st.sampled_from(["p", "div", "li", "h2", "td", "br", "b", "a", "span",
                                        "em", "sup"]), min_size=30, max_size=30))
def test_words_are_never_glued_nor_split(words: list[str], tags: list[str]) -> None:
    """Each word in its own element: block tags (and <br>) separate, inline ones keep words."""
    html = "".join(f"<{t}>{w}</{t}>" if t not in ("br", "b", "a", "span", "em", "sup")
                   else f"<br>{w} " if t == "br" else f"<{t}>{w[:1]}</{t}>{w[1:]} "
                   for w, t in zip(words, tags, strict=False))
    text = " ".join(b.text for b in html_blocks(lxml.html.fromstring(f"<div>{html}</div>")))
    assert text.split() == words


def test_line_breaks_separate_lines_never_glue_them() -> None:
    html = page("<article><p>First line of the verse that is long enough to keep.<br>Second line "
                "of the verse that is long enough to keep.</p>" + BODY + "</article>")
    text = extract_html(html).text
    assert "keep.Second" not in text
    assert "First line of the verse that is long enough to keep." in text


def test_captions_share_bars_teasers_and_the_title_are_dropped() -> None:
    html = page(
        "<h1>Bridge opens after four years</h1><article>"
        "<figure><img src='a.jpg'><figcaption>The bridge at dawn. Photo: City</figcaption></figure>"
        "<div class='share-bar'>Share on Facebook Share on X</div>" + BODY +
        "<p><a href='/other'>Council votes on new budget for schools</a></p>"
        "<p>Share this article</p><p>Advertisement</p></article>",
        head='<meta property="og:title" content="Bridge opens after four years">')
    text = extract_html(html).text
    assert text.split("\n\n") == [
        "The bridge opened on Monday after four years of work, the city council said.",
        "It cost 40 million euros, twice the first estimate, according to the council.",
        "Traffic on the old crossing fell by half in the first week, a spokesman said.",
    ]


def test_embedded_tweets_are_kept_as_quotes() -> None:
    html = page("<article>" + BODY + "<blockquote class='twitter-tweet'><p>The new bridge is "
                "a delight to cross every morning, says a local cyclist.</p>&mdash; Ann (@ann) "
                "November 18, 2019</blockquote></article>")
    assert "a delight to cross every morning" in extract_html(html).text


def test_metadata_from_json_ld_open_graph_and_meta_tags() -> None:
    ld = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": "Site"},
        {"@type": "WebPage", "datePublished": "2019-11-22T08:00:00Z", "name": "Page"},
        {"@type": "NewsArticle", "headline": "Bridge opens", "datePublished":
         "2019-11-20T01:50:59.403Z", "author": [{"@type": "Person", "name": "By Ann Lee"},
                                                {"name": "Bo Chen"}],
         "publisher": {"@type": "Organization", "name": "The Daily"}}]}
    head = (f'<script type="application/ld+json">{json.dumps(ld)}</script>'
            '<meta property="og:site_name" content="Daily News">'
            '<link rel="canonical" href="/news/bridge">')
    article = extract_html(page(BODY, head), url="https://daily.test/news/bridge?utm=x")
    assert article.title == "Bridge opens"
    assert article.author == "Ann Lee, Bo Chen"
    assert article.published == "2019-11-20"
    assert article.outlet == "Daily News"
    assert article.url == "https://daily.test/news/bridge"
    assert article.language == "en"


def test_metadata_falls_back_to_meta_tags_time_and_title() -> None:
    head = ('<title>Bridge opens | Daily</title><meta name="author" content="Ann Lee">'
            '<meta property="article:published_time" content="0001-01-01T00:00:00">')
    body = '<time datetime="2024-06-20T14:28:00+02:00">20 June</time>' + BODY
    article = extract_html(page(body, head, lang="de-AT"))
    assert (article.title, article.author, article.published, article.language) == (
        "Bridge opens | Daily", "Ann Lee", "2024-06-20", "de")


def test_the_page_fields_win_over_what_the_page_declares() -> None:
    head = '<meta property="og:title" content="Declared title">'
    article = extract(Page(html=page(BODY, head), title="Given title", published="2024-01-02",
                           url="https://x.test/a"))
    assert (article.title, article.published, article.url) == (
        "Given title", "2024-01-02", "https://x.test/a")


@pytest.mark.parametrize("codec", ["windows-1251", "koi8-r", "iso-8859-5"])
def test_declared_charset_is_honoured(codec: str) -> None:
    text = "Президент прибыл в Пхеньян впервые за 24 года, сообщили в Кремле во вторник."
    raw = (f'<html><head><meta charset="{codec}"></head><body><article><p>{text}</p>'
           f'<p>{text}</p></article></body></html>').encode(codec)
    assert decode_html(raw).count(text) == 2
    assert text in extract_html(raw).text


def test_utf8_wins_over_a_stale_declared_charset() -> None:
    raw = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
           "</head><body><p>Le président a signé l'accord à Pyongyang.</p></body></html>")
    assert "Le président a signé l'accord à Pyongyang." in decode_html(raw.encode("utf-8"))


def test_undeclared_charset_is_detected() -> None:
    text = ("東京都は月曜日、新しい橋の開通を発表した。"
            "工事には四年かかり、費用は四千万ユーロだった。")
    raw = f"<html><body><article><p>{text}</p><p>{text}</p></article></body></html>"
    assert text in decode_html(raw.encode("shift_jis"))
    assert text in decode_html(b"\xef\xbb\xbf" + raw.encode("utf-8"))
    assert text in decode_html(raw.encode("utf-16"))


def test_non_english_and_mixed_pages_extract() -> None:
    body = ("<article><p>정부는 월요일 새 다리가 개통되었다고 발표했다. 공사는 4년이 걸렸다.</p>"
            "<p>The council said the bridge cost 40 million euros, twice the estimate.</p>"
            "<p>Le pont a coûté 40 millions d'euros, selon le conseil municipal de la ville.</p>"
            "</article>")
    text = extract_html(page(body, lang="ko")).text
    assert "정부는 월요일 새 다리가 개통되었다고 발표했다." in text
    assert "Le pont a coûté 40 millions d'euros" in text


@pytest.mark.parametrize("html", ["", "   ", "<html></html>", "<p></p>", "<script>x()</script>"])
def test_pages_without_text_raise_extract_error(html: str) -> None:
    with pytest.raises(ExtractError):
        extract(Page(html=html))


@settings(deadline=None)  # timing is for bench/, not tests
@given(st.text(max_size=300))
def test_any_html_input_gives_an_article_or_an_extract_error(html: str) -> None:
    try:
        article = extract_html(html)
    except ExtractError:
        return
    assert article.text.strip() == article.text and article.text


@settings(deadline=None)  # timing is for bench/, not tests
@given(st.text(max_size=300))
def test_any_text_input_gives_an_article_or_an_extract_error(text: str) -> None:
    try:
        article = extract_text(text)
    except ExtractError:
        return
    assert article.text


def test_inline_teaser_is_dropped_and_the_article_resumes() -> None:
    lines = [
        "The first paragraph of the column says something about the summit in June.",
        "Another Story Headline Here",
        "Other Topics of Interest",
        "Another Story Headline Here",
        "The one sentence of dek that sells the other story to the reader.",
        "The column goes on with its second paragraph, after the teaser box.",
        "And a third paragraph follows, closing the argument of the column.",
    ]
    assert article_lines(lines) == [lines[0], lines[5], lines[6]]


def test_teaser_list_at_the_end_is_dropped() -> None:
    lines = [
        "The article's only paragraph states that the bridge opened on Monday.",
        "More stories",
        "A headline of another story",
        "Its dek, one sentence long, ends like a sentence does.",
        "Another headline: is this the right question?",
        "A second dek, with a question mark this time?",
        "A third headline",
        "A third dek that is long enough to be prose even without an ending",
    ]
    assert article_lines(lines) == [lines[0]]


def test_short_body_lines_between_sentences_are_kept() -> None:
    lines = ["Menu", "Home", "The minister said the treaty had been signed in 2019.",
             "\"Never mind. A signature can be revoked.\"", "A subheading",
             "The treaty allows either side to leave with a year's notice.", "Tags", "treaty"]
    assert article_lines(lines) == lines[2:6]


@pytest.mark.parametrize("line", [
    "Share prices fell 5% on Monday.", "Also on Monday, the minister met the envoy.",
    "Related parties were not named.", "Print runs were cut to 2,000 copies.",
    "Email records show the deal was signed in May.", "Il faut essayer de comprendre pourquoi.",
])
def test_body_lines_that_start_like_furniture_are_kept(line: str) -> None:
    lines = ["The council approved the budget on Tuesday after a long debate.", line,
             "The vote was 12 to 3, the clerk said after the session closed."]
    assert article_lines(lines) == lines
    html = page("<article>" + "".join(f"<p>{x}</p>" for x in lines) + BODY + "</article>")
    assert line in extract_html(html).text.split("\n\n")


SENTENCES = st.lists(
    st.lists(st.text("abcdefgh", min_size=1, max_size=9), min_size=5, max_size=30).map(
        lambda words: " ".join(words).capitalize() + "."),
    min_size=1, max_size=12)
TOP = ["Menu", "Search", "Log in", "Twitter", "Facebook", "A+", "A-", "Share", "Listen"]
BOTTOM = ["Share", "Print", "Copy link", "Views: 255", "Comments", "Caliber.az © 2024. ."]
TEASERS = ["More stories", "A headline of another story", "Its dek, one sentence long.",
           "Another headline", "time to read", "3 mins"]


@settings(deadline=None)  # timing is for bench/, not tests
@given(SENTENCES, st.lists(st.sampled_from(TOP), max_size=8),
       st.lists(st.sampled_from(BOTTOM), max_size=6), st.booleans())
def test_article_sentences_are_all_kept_and_furniture_all_dropped(
        body: list[str], top: list[str], bottom: list[str], teasers: bool) -> None:
    capture = "\n".join(top + body + bottom + (TEASERS if teasers else []))
    assert extract_text(capture).text.split("\n\n") == body
