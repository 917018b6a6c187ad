"""Extraction on pages of odd shapes: broken markup, names that lie, comments, lists, a
readability pick that is not the article."""

from __future__ import annotations

import lxml.html
import pytest

from crosscheck.extract import extract_html, html_blocks

ARTICLE = [
    "The bridge opened on Monday after four years of work, the city council said.",
    "It cost 40 million euros, twice the first estimate, according to the council.",
    "Traffic on the old crossing fell by half in the first week, a spokesman said.",
    "The old crossing will close for repairs in March and reopen next year, officials said.",
]
BODY = "".join(f"<p>{s}</p>" for s in ARTICLE)


def paragraphs(html: str) -> list[str]:
    return extract_html(html).text.split("\n\n")


@pytest.mark.parametrize("html", [
    # no <body>: an unknown element in <head> (libxml2 keeps all of it in the head)
    "<html><head><title>T</title><story-body>" + BODY + "</story-body></head></html>",
    # an unclosed <noscript> in the head
    "<html><head><noscript><div></noscript>" + BODY + "</html>",
    # a stray </html> before the article (libxml2 drops all that follows)
    "<html><body><p>Menu</p></body></html><html><body><article>" + BODY + "</article>",
    # 250 unclosed <div>s (libxml2 reads 256 levels, and every later stage recurses)
    "<html><body>" + "<div>" * 250 + BODY + "</body></html>",
    # an unclosed <font> repeated on every paragraph, as old editors wrote it
    "<html><body>" + "".join(f"<font size=2><p>{s}" for s in ARTICLE) + "</body></html>",
])
def test_broken_markup_keeps_the_whole_article(html: str) -> None:
    assert paragraphs(html) == ARTICLE


def test_a_page_too_deep_for_the_html5_parser_is_still_read_and_cleaned() -> None:
    """lexbor's time grows with the square of the depth: 5,000 unclosed <div>s go to libxml2
    alone, which keeps its first 256 levels; the share bar is still found and dropped."""
    html = ("<html><body><article><div class='share-bar'>Pass this story on to three friends "
            "who would like it.</div>" + BODY
            + "</article>" + "<div>" * 5000 + "The end.</body></html>")
    assert paragraphs(html) == ARTICLE


@pytest.mark.parametrize("wrapper", [
    '<main class="pg-main js-social-anchor-start">{}</main>',
    '<div id="gigya-share-btns-2_gig_containerParent">{}</div>',
    '<div id="content_byline">{}</div>',
    '<div class="caption-wrapper">{}</div>',
    '<div aria-hidden="true">{}</div>',
    '<nav>{}</nav>',
    '<div class="comments-open">{}</div>',
])
def test_an_element_holding_most_of_the_text_is_kept_whatever_it_is_called(wrapper: str) -> None:
    html = ("<html><body><div class='social'>Share on Facebook</div>"
            + wrapper.format("<article>" + BODY + "</article>")
            + "<footer>About us</footer></body></html>")
    assert paragraphs(html) == ARTICLE


COMMENTS = ("<div id='comments' class='comments-area'><h3>12 comments</h3><ol class='comment-list'>"
            + "".join(f"<li class='comment'><p>Reader {n} wrote that the bridge is far too "
                      f"expensive for a town of this size and that nobody asked them.</p></li>"
                      for n in range(12))
            + "</ol><div id='respond'><p>Leave a reply. Your email address will not be "
            "published.</p></div></div>")


def test_comment_threads_are_dropped() -> None:
    html = f"<html><body><article>{BODY}</article>{COMMENTS}</body></html>"
    assert paragraphs(html) == ARTICLE


def test_related_stories_and_newsletter_boxes_are_dropped() -> None:
    html = ("<html><body><article>" + BODY
            + "<div class='jp-relatedposts'><h3>Related</h3><p>The council approved a new budget "
            "for the schools of the town on Tuesday, the mayor said.</p></div>"
            "<div class='newsletter-signup'><p>Get the best of the city in your inbox every "
            "morning, and never miss a story again.</p></div></article></body></html>")
    assert paragraphs(html) == ARTICLE


def test_a_list_of_links_with_prose_items_is_kept_a_list_of_links_alone_is_not() -> None:
    items = ["<li><a href='/b/1'>Ann fixed the crash on start-up</a></li>",
             *(f"<li>{s}</li>" for s in ARTICLE)]
    teasers = "".join(f"<li><a href='/s/{n}'>Other story number {n}</a></li>" for n in range(5))
    html = (f"<html><body><article>{BODY}<ul>{''.join(items)}</ul><ul>{teasers}</ul>"
            "</article></body></html>")
    text = paragraphs(html)
    assert "Ann fixed the crash on start-up" in text
    assert not any(p.startswith("Other story") for p in text)


def test_the_declared_article_wins_when_readability_picks_a_fragment() -> None:
    """A blog post made of lists gives readability no paragraph to score; it picked the
    masthead's tagline."""
    items = "".join(f"<li>{s}</li>" for s in ARTICLE * 3)
    html = ("<html><body><div id='masthead'><p>Let us improve quality, build after build, "
            "every single night of the year!</p></div><article><h2>Highlights</h2><ul>"
            f"{items}</ul></article></body></html>")
    assert paragraphs(html)[:5] == ["Highlights", *ARTICLE]


def test_headings_that_are_their_own_anchors_and_no_caption_blocks_are_kept() -> None:
    html = ("<html><body><article><div class='item image no_caption'><h2>A lede in a block "
            "named for its missing caption, with enough words to count.</h2></div>"
            + "".join(f"<h2><a href='#part{n}'>Part {n} of the story</a></h2><p>{s}</p>"
                      for n, s in enumerate(ARTICLE)) + "</article></body></html>")
    text = paragraphs(html)
    assert text[0].startswith("A lede in a block")
    assert "Part 1 of the story" in text


LONG = " ".join(ARTICLE)  # 60 words: longer than any teaser's dek


def test_later_h1s_head_sections_and_link_headings_over_long_prose_stay() -> None:
    """The first <h1> is the title; Medium heads sections with <h1> too. A review list heads
    each section with a link to the film; teaser headlines (links over a short dek) still go."""
    html = ("<html><body><h1>The title</h1><article><p>" + LONG + "</p><h1>Why it matters</h1>"
            "<p>" + LONG + "</p><h3><a href='https://films.example/1'>“Rez Infinite” ($30)</a>"
            "</h3><p>" + LONG + "</p><h3><a href='/other'>Another story of ours</a></h3>"
            "<p>A short dek.</p></article></body></html>")
    text = paragraphs(html)
    assert "The title" not in text
    assert "Why it matters" in text and "“Rez Infinite” ($30)" in text
    assert "Another story of ours" not in text


def test_a_note_that_pops_up_over_words_keeps_them_in_the_sentence() -> None:
    """`<a href="javascript:..." class="popup">`: readability-lxml removed 'popup' elements
    and their words; links that lead nowhere off the page are not link text either."""
    html = ("<html><body><article>" + BODY + "<p>\"Will you tell me, Bartleby, <a "
            "href='javascript:void(0);' class='popup'>where you were born?\"</a></p>"
            "</article></body></html>")
    assert '"Will you tell me, Bartleby, where you were born?"' in paragraphs(html)


def test_a_list_nested_in_a_prose_list_counts_as_part_of_it_and_a_byline_goes() -> None:
    """A prose list's item holding a list of links (bug numbers): its items count as items of
    the prose list, so they are not taken for a menu. A short element marked as the author
    (Readability.js's byline) goes."""
    bugs = "".join(f"<li><a href='https://bugs.example/{n}'>Bug {n}</a></li>" for n in range(3))
    root = lxml.html.fromstring(f"<div><ul><li>{ARTICLE[0]}</li><li>In progress:<ul>{bugs}"
                                "</ul></li></ul></div>")
    blocks = [b for b in html_blocks(root) if b.text.startswith(("The bridge", "Bug"))]
    assert len(blocks) == 4 and len({b.in_list for b in blocks}) == 1
    html = ("<html><body><article><p class='bloc_signature'>By <span itemprop='author'>Ann "
            "Lee</span></p>" + BODY + "</article></body></html>")
    assert not any("Ann Lee" in p for p in paragraphs(html))
