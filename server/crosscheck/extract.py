"""Stage 1: page -> Article. The main content of a page and its metadata.

HTML goes through readability-lxml; plain text (seed captures, pasted text)
goes through a furniture cleaner. Either way the result is an `Article` whose
text has one paragraph per line-pair ("\n\n").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

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

SKIP_TAGS = {"script", "style", "noscript", "template"}


@dataclass
class Block:
    """One paragraph of a page: its text and how much of it is link text."""

    parts: list[str] = field(default_factory=list)
    link_chars: int = 0
    tag: str = ""

    @property
    def text(self) -> str:
        return normalize_space("".join(self.parts))


def html_blocks(root: lxml.html.HtmlElement) -> list[Block]:
    """Block elements become paragraph breaks; inline elements never split words."""
    blocks = [Block()]

    def add(text: str | None, in_link: bool) -> None:
        if text:
            blocks[-1].parts.append(text)
            blocks[-1].link_chars += len(text.strip()) if in_link else 0

    def walk(el: lxml.html.HtmlElement, in_link: bool) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in SKIP_TAGS:
            add(el.tail, in_link)
            return
        in_link = in_link or tag == "a"
        if tag in BLOCK_TAGS:
            blocks.append(Block(tag=tag))
        elif tag == "br":
            blocks[-1].parts.append("\n")
        add(el.text, in_link)
        for child in el:
            walk(child, in_link)
        if tag in BLOCK_TAGS:
            blocks.append(Block(tag=blocks[-1].tag))
        add(el.tail, in_link and tag != "a")

    walk(root, False)
    return [b for b in blocks if b.text]


def html_to_text(root: lxml.html.HtmlElement) -> str:
    return "\n\n".join(b.text for b in html_blocks(root))


def meta(doc: lxml.html.HtmlElement, *names: str) -> str | None:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            found = doc.xpath(f'//meta[@{attr}="{name}"]/@content')
            if found and found[0].strip():
                return found[0].strip()
    return None


DROP_TAGS = ("figure", "figcaption", "h1", "button", "select", "dialog", "menu")
BOILER = re.compile(r"(?:^|[-_ ])(?:caption|credit|byline|share|social)(?:$|[-_ ])", re.I)


def preclean(root: lxml.html.HtmlElement) -> None:
    for el in root.iter(*DROP_TAGS):
        el.drop_tree() if False else None
    for el in list(root.iter(*DROP_TAGS)):
        if el.getparent() is not None:
            el.drop_tree()
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.tag in ("html", "body") or el.getparent() is None:
            continue
        if el.tag == "blockquote" and "blockquote" in RULES:
            el.attrib.pop("class", None)
            el.attrib.pop("id", None)
            continue
        attrs = f"{el.get('class', '')} {el.get('id', '')}"
        if BOILER.search(attrs):
            el.drop_tree()


RULES = {"link", "vocab", "title", "blockquote"}
FURNITURE = re.compile(
    r"^(?:share|like this|loading|comments?|advert(?:isement)?|tags?|related|read more|see more|"
    r"more:|click here|don.t miss|you may also like|also read|read also|leggi anche|voltar|"
    r"this slideshow requires|follow us|sign up|subscribe|tell us what|print|email)\b", re.I)
CAPS = re.compile(r"[^\W\d_]")


def is_boilerplate(b: Block, title: str) -> bool:
    text = b.text
    words = len(text.split())
    letters = "".join(CAPS.findall(text))
    if "link" in RULES and words <= 15 and b.link_chars >= 0.8 * len(text.replace(" ", "")):
        return True
    if "caps" in RULES and words >= 3 and letters.isupper():
        return True
    if "vocab" in RULES and words <= 12 and FURNITURE.search(text):
        return True
    if "title" in RULES and title and text.strip().lower() == title.strip().lower():
        return True
    return False


def keep_blocks(blocks: list[Block], root) -> list[Block]:
    titles = root.xpath("//title/text()")
    title = meta(root, "og:title") or (titles[0] if titles else "")
    return [b for b in blocks if not is_boilerplate(b, title)]


def extract_html(html: str, url: str | None = None) -> Article:
    try:
        root = lxml.html.fromstring(html)
        work = lxml.html.fromstring(html)
        preclean(work)
        doc = Document(work, url=url)
        summary = doc.summary(html_partial=True)
    except Exception as exc:  # readability raises bare Exceptions on junk
        raise ExtractError(f"could not parse the HTML: {exc}") from exc
    text = "\n\n".join(b.text for b in keep_blocks(html_blocks(lxml.html.fromstring(summary)), root)) if summary.strip() else ""
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
