"""Stage 1: page -> Article. The main content of a page and its metadata.

HTML goes through readability-lxml; plain text (seed captures, pasted text)
goes through a furniture cleaner. Either way the result is an `Article` whose
text has one paragraph per line-pair ("\n\n").
"""

from __future__ import annotations

import re
import unicodedata

import lxml.html
from readability import Document

from .types import Article, Page

BLOCK_TAGS = {
    "p", "div", "section", "article", "blockquote", "li", "ul", "ol", "h1", "h2",
    "h3", "h4", "h5", "h6", "pre", "table", "tr", "figure", "figcaption", "header",
    "footer", "aside", "dd", "dt", "dl", "main",
}


class ExtractError(ValueError):
    """The page has no text we can use."""


def extract(page: Page) -> Article:
    if page.html is not None and page.html.strip():
        article = extract_html(page.html, url=page.url)
    elif page.text is not None and page.text.strip():
        article = extract_text(page.text)
    else:
        raise ExtractError("the page is empty")
    return Article(
        text=article.text,
        title=page.title or article.title,
        url=page.url or article.url,
        outlet=page.outlet or article.outlet,
        published=page.published or article.published,
        author=page.author or article.author,
        language=article.language,
    )


def normalize_space(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ")
    lines = (re.sub(r"[ \t\r\f\v\u200b]+", " ", line).strip() for line in text.split("\n"))
    paragraphs, current = [], []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)


# ---------------------------------------------------------------- HTML

def html_to_text(root: lxml.html.HtmlElement) -> str:
    """Block elements become paragraph breaks; inline elements never split words."""
    parts: list[str] = []

    def walk(el: lxml.html.HtmlElement) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in ("script", "style", "noscript", "template"):
            if el.tail:
                parts.append(el.tail)
            return
        block = tag in BLOCK_TAGS
        if block:
            parts.append("\n\n")
        elif tag == "br":
            parts.append("\n")
        if el.text:
            parts.append(el.text)
        for child in el:
            walk(child)
        if block:
            parts.append("\n\n")
        if el.tail:
            parts.append(el.tail)

    walk(root)
    return normalize_space("".join(parts))


def meta(doc: lxml.html.HtmlElement, *names: str) -> str | None:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            found = doc.xpath(f'//meta[@{attr}="{name}"]/@content')
            if found and found[0].strip():
                return found[0].strip()
    return None


def extract_html(html: str, url: str | None = None) -> Article:
    try:
        doc = Document(html, url=url)
        summary = doc.summary(html_partial=True)
        root = lxml.html.fromstring(html)
    except Exception as exc:  # readability raises bare Exceptions on junk
        raise ExtractError(f"could not parse the HTML: {exc}") from exc
    text = html_to_text(lxml.html.fromstring(summary)) if summary.strip() else ""
    if not text:
        text = html_to_text(root.body if root.find("body") is not None else root)
    if not text:
        raise ExtractError("the page has no text")
    canonical = root.xpath('//link[@rel="canonical"]/@href')
    return Article(
        text=text,
        title=meta(root, "og:title", "twitter:title") or (doc.short_title() or None),
        url=url or meta(root, "og:url") or (canonical[0] if canonical else None),
        outlet=meta(root, "og:site_name", "application-name"),
        published=meta(root, "article:published_time", "datePublished", "date", "pubdate"),
        author=meta(root, "author", "article:author"),
        language=(root.get("lang") or None),
    )


# ---------------------------------------------------------------- plain text

SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


def is_prose(line: str) -> bool:
    words = line.split()
    return len(words) >= 12 or (len(words) >= 5 and bool(SENTENCE_END.search(line)))


def extract_text(text: str) -> Article:
    """Keep the article's prose; drop menus, share buttons and teaser lists."""
    lines = [ln.strip() for ln in normalize_space(text.replace("\n", "\n\n")).split("\n\n")]
    kept = [ln for ln in lines if is_prose(ln)]
    if not kept:
        raise ExtractError("the text has no article prose")
    return Article(text="\n\n".join(kept))
