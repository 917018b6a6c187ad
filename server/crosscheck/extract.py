"""Stage 1: page -> Article. The main content of a page and its metadata.

HTML, in order:
1. `decode_html` (bytes only): BOM, then valid UTF-8, then `<meta charset>`,
   then charset-normalizer's guess.
2. `metadata.read`: title, author, date, outlet, URL, language, from the
   untouched tree.
3. `preclean`: drop what is never article text (head, nav, footer, hidden
   elements, figures and captions, the page's first `<h1>` (its title),
   buttons, share bars, bylines, a list of teaser `<article>`s inside the
   article) and un-class embedded quotes (tweets) so readability keeps them.
4. readability-lxml picks the main content (`Readable`: without its own
   cleaning pass, which `preclean` replaces, and with Readability.js's rules
   put back where readability-lxml's lose article text).
5. `html_blocks` turns it into paragraphs (block elements break, inline
   elements never split words) and `is_boilerplate` drops link-only teaser
   lines, furniture lines and the title repeated.

Plain text (seed captures, pasted text) goes through `furniture.article_lines`.
Either way the result is an `Article` whose text has one paragraph per
"\\n\\n"-separated block.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, partial
from types import FunctionType

import lxml.etree
import lxml.html
from readability import Document
from readability.readability import REGEXES
from selectolax.lexbor import LexborHTMLParser, SelectolaxError

from . import furniture, metadata
from .types import Article, Page

BLOCK_TAGS = {
    "p", "div", "section", "article", "blockquote", "li", "ul", "ol", "h1", "h2",
    "h3", "h4", "h5", "h6", "pre", "table", "tr", "td", "th", "figure", "figcaption", "header",
    "footer", "aside", "dd", "dt", "dl", "main", "address", "hr", "nav", "form",
}
LISTS = {"ul", "ol", "dl", "table", "tbody"}
ITEM_LISTS = {"ul", "ol", "dl"}
SKIP_TAGS = {"script", "style", "noscript", "template", "head", "title", "svg"}
CODE_TAGS = ("script", "style", "noscript", "template", "svg", "iframe")  # never text to read
DROP_TAGS = ("head", "nav", "footer", "figure", "figcaption", "button", "select", "dialog", "menu")
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
MOST_TEXT = 0.5  # an element with more than this share of the page's text is never dropped
# What an element's class or id names it, when that is never article text: captions, credits,
# bylines, share bars and hover cards (any element), and, on containers only (a code token
# may be named "comment"), comment threads and forms, related stories, newsletter sign-ups
# and cookie notices.
CONTAINERS = {"div", "section", "aside", "article", "ol", "ul", "li", "form", "p", "table"}
DROP_NAMES = (
    (re.compile(r"(?<!no_)(?<!no-)(?<!no)caption|credit|"  # "no_caption" names a paragraph
                r"(?:^|[-_ ])(?:byline|share|social|hover-?card|popover|tooltip)(?:$|[-_ ])",
                re.I), None),
    (re.compile(r"(?:^|[-_ ])(?:comments?|comment-?(?:list|area|section|form|thread|respond)|"
                r"commentlist|disqus|disqus_thread|respond)(?:$|[-_ ])", re.I), CONTAINERS),
    (re.compile(r"(?:^|[-_ ])(?:related|relatedposts|related-?(?:posts|stories|articles|"
                r"content|links|news)|more-?stories|recirc|recirculation|outbrain|taboola|"
                r"newsletter|newsletter-?(?:signup|wrapper|promo|form)|cookies?|cookie-?(?:banner|"
                r"notice|consent|bar)|consent|gdpr)(?:$|[-_ ])", re.I),
     CONTAINERS),
)
# Elements that may be hidden or so named: a coarse pre-selection by lexbor's CSS engine
# while parsing (in C, 20 times faster than the same test in XPath), marked with CANDIDATE;
# DROP_NAMES and is_hidden then decide.
CANDIDATE = "data-crosscheck-candidate"
CANDIDATE_WORDS = (
    "caption", "credit", "byline", "share", "social", "comment", "disqus", "respond", "related",
    "recirc", "outbrain", "taboola", "newsletter", "stories", "hover", "popover", "tooltip",
    "cookie", "consent", "gdpr", "author", "dateline", "writtenby")
CANDIDATES_CSS = ", ".join(
    [f'[{attr}*="{word}" i]' for word in CANDIDATE_WORDS for attr in ("class", "id")]
    + ["[hidden]", "[aria-hidden]", '[style*="none" i]', '[style*="hidden" i]',
       '[role="tooltip"]', '[rel="author" i]', '[itemprop*="author" i]'])
# A byline as Readability.js finds one: so named or marked, and short.
BYLINE = re.compile(r"byline|author|dateline|writtenby|p-author", re.I)
BYLINE_CHARS = 100
MARKED = lxml.etree.XPath(f"//*[@{CANDIDATE}]")
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w.:]+)""", re.I)
PICK_SHARE = 0.1  # readability's pick with under this share of the declared article's text
TEASER_CARDS = 3  # articles inside an article: a list of other stories
LINK_SHARE = 0.8  # a short block this much link text is a teaser or a menu entry
SHORT_BLOCK = 20  # words
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"  # zero-width characters, soft hyphen
SURROGATE = re.compile("[\ud800-\udfff]")
# C0 control characters but tab, newline and carriage return, as bytes: in UTF-8 they never
# occur inside another character.
CONTROL_BYTES = bytes(c for c in range(32) if c not in b"\t\n\r")


class ExtractError(ValueError):
    """The page has no text we can use."""


def extract(page: Page) -> Article:
    page = Page(**{k: valid_unicode(v) for k, v in vars(page).items()})
    if page.html is not None and page.html.strip():
        article = extract_html(page.html, url=page.url)
    elif page.text is not None and page.text.strip():
        article = extract_text(page.text, title=page.title)
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


def valid_unicode(value: str | None) -> str | None:
    """Lone surrogates (JSON allows them, UTF-8 does not) become U+FFFD."""
    if value is None:
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return SURROGATE.sub("\ufffd", value)
    return value


def normalize_space(text: str) -> str:
    """NFC, one space between words, paragraphs (blank-line separated) joined by "\\n\\n"."""
    paragraphs = re.split(r"\n[ \t\r\f\v\u00a0]*\n", text.strip())
    return "\n\n".join(p for p in map(one_line, paragraphs) if p)


def one_line(text: str) -> str:
    """NFC, no zero-width characters, words joined by single spaces (str.split knows
    every Unicode space)."""
    text = unicodedata.normalize("NFC", text)
    for char in INVISIBLE:
        if char in text:
            text = text.replace(char, "")
    return " ".join(text.split())


# ---------------------------------------------------------------- HTML

def decode_html(raw: bytes) -> str:
    """Bytes of an HTML file to text: BOM, then valid UTF-8 (a saved copy often keeps a stale
    <meta charset>; legacy-encoded text is almost never valid UTF-8), then <meta charset>,
    then charset-normalizer's guess."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"),
                       (b"\xfe\xff", "utf-16")):
        if raw.startswith(bom):
            return raw.decode(codec)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = META_CHARSET.search(raw[:4096])
    if declared:
        try:
            return raw.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    from charset_normalizer import from_bytes
    best = from_bytes(raw).best()
    return str(best) if best is not None else raw.decode("latin-1")


PARSER = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
# Every element is an HtmlElement, chosen in C: lxml.html's own lookup calls Python for each
# element it hands out (to give form fields their classes, which nothing here uses), a
# tenth of the time of a page.
PARSER.set_element_class_lookup(lxml.etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity))
# lexbor's time grows with the square of the nesting depth (16,000 unclosed <div>s: 3 s);
# libxml2 stops at 256 levels, which bounds every later stage (they recurse). A page with
# more unclosed containers than this is left to libxml2 alone.
HTML5_MAX_UNCLOSED = 1000
CONTAINER_TAGS = ("div", "span", "section", "article", "ul", "ol", "blockquote", "table",
                  "font", "center")


def parse(html: str) -> lxml.html.HtmlElement:
    """The page as a browser builds it: lexbor (an HTML5 parser) recovers what libxml2 cannot
    (no <body>, content after a stray </html>, elements it will not nest), and lxml reads
    its serialization, which is well-formed, into the tree every later stage works on."""
    # Control characters would parse, then make lxml raise ValueError on any later edit.
    html = without_controls(html)
    marked = False
    if unclosed(html) <= HTML5_MAX_UNCLOSED:
        try:
            tree = LexborHTMLParser(html)
            for node in tree.css(CANDIDATES_CSS):
                node.attrs[CANDIDATE] = ""
            html, marked = tree.html or html, True
        except (ValueError, SelectolaxError):  # lexbor gave up: libxml2 makes what it can
            pass
    # lxml refuses str input that declares an encoding; bytes in UTF-8 parse alike.
    try:
        root = lxml.html.document_fromstring(html.encode("utf-8"), parser=PARSER)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ExtractError(f"could not parse the HTML: {exc}") from exc
    if not marked:
        mark_candidates(root)
    return root


CONTAINER_TAG = re.compile(rf"<(/?)({'|'.join(CONTAINER_TAGS)})\b", re.I)


def without_controls(html: str) -> str:
    """The text without control characters, which XML (so lxml, on any later edit) refuses:
    C0 controls deleted from its UTF-8 bytes in one C pass (twice as fast as a regex on a
    page), and U+FFFE and U+FFFF."""
    raw = html.encode("utf-8", "surrogatepass")
    kept = raw.translate(None, CONTROL_BYTES)
    if len(kept) != len(raw):
        html = kept.decode("utf-8", "surrogatepass")
    if "\ufffe" in html or "\uffff" in html:
        html = html.replace("\ufffe", "").replace("\uffff", "")
    return html


def unclosed(html: str) -> int:
    """How many container elements the page opens and never closes (a bound on its depth)."""
    counts: Counter[tuple[str, str]] = Counter()
    for (slash, tag), n in Counter(CONTAINER_TAG.findall(html)).items():  # counted in C
        counts[slash, tag.lower()] += n
    return sum(max(0, counts["", tag] - counts["/", tag]) for tag in CONTAINER_TAGS)


def mark_candidates(root: lxml.html.HtmlElement) -> None:
    """What CANDIDATES_CSS selects, found in Python (slower) on a page lexbor did not parse."""
    for el in ATTRIBUTED(root):
        name = f"{el.get('class', '')} {el.get('id', '')}".lower()
        if (any(word in name for word in CANDIDATE_WORDS) or "none" in el.get("style", "")
                or "hidden" in el.get("style", "") or el.get("hidden") is not None
                or el.get("aria-hidden") is not None or el.get("role") == "tooltip"
                or el.get("rel", "").lower() == "author"
                or "author" in el.get("itemprop", "").lower()):
            el.set(CANDIDATE, "")


ATTRIBUTED = lxml.etree.XPath(
    "//*[@class or @id or @hidden or @aria-hidden or @style or @role or @rel or @itemprop]")


def preclean(root: lxml.html.HtmlElement) -> None:
    """Drop what is never article text; keep embedded quotes (tweets) in reach of readability.
    Nothing that holds most of the page's text is dropped, whatever its tag or name says
    (`<main class="js-social-anchor-start">`, a page that is all `<head>`)."""
    for el in list(root.iter(*CODE_TAGS)):
        drop(el)
    body = root.find("body")
    keep = MOST_TEXT * text_length(root if body is None else body)
    for el in list(root.iter(*DROP_TAGS)):
        drop(el, keep)
    title = next(root.iter("h1"), None)  # the page's title; later <h1>s head sections (Medium)
    if title is not None:
        drop(title, keep)
    if len(list(root.iter("article"))) > TEASER_CARDS:  # else no article holds enough
        for outer in root.xpath("//article[count(.//article) >= $n]", n=TEASER_CARDS):
            for el in outer.xpath(".//article"):
                drop(el, keep)
    for el in root.iter("blockquote"):
        el.attrib.pop("class", None)
        el.attrib.pop("id", None)
    for el in MARKED(root):
        if el.tag != "body" and (is_hidden(el) or is_named_clutter(el) or is_byline(el)):
            drop(el, keep)


def is_byline(el: lxml.html.HtmlElement) -> bool:
    """An element marked as the author (`rel`, `itemprop`) or named a byline, author or
    dateline, with under 100 characters of text, as Readability.js judges one."""
    marked = el.get("rel", "").lower() == "author" or "author" in el.get("itemprop", "").lower()
    return ((marked or bool(BYLINE.search(f"{el.get('class', '')} {el.get('id', '')}")))
            and el.tag not in ("article", "main") and text_length(el) < BYLINE_CHARS)


def is_named_clutter(el: lxml.html.HtmlElement) -> bool:
    name = f"{el.get('class', '')} {el.get('id', '')}"
    return any((tags is None or el.tag in tags) and pattern.search(name)
               for pattern, tags in DROP_NAMES)


TEXT_LENGTH = lxml.etree.XPath("string-length(normalize-space())")


def text_length(el: lxml.html.HtmlElement) -> int:
    """Characters of text, each run of white space counted as one (in C: no string is built)."""
    return int(TEXT_LENGTH(el))


def is_hidden(el: lxml.html.HtmlElement) -> bool:
    return (el.get("hidden") is not None or el.get("aria-hidden") == "true"
            or el.get("role") == "tooltip"
            or bool(HIDDEN_STYLE.search(el.get("style", ""))))


def drop(el: lxml.html.HtmlElement, keep: float | None = None) -> None:
    """Remove the element with its text, unless it holds more than `keep` characters of it."""
    if el.getparent() is not None and (keep is None or text_length(el) <= keep):
        el.drop_tree()


# Some of readability's methods (its `sanitize` above all) measure blocks with its module's
# `text_length`, which first cleans the whole text with three regexes (a tenth of the time of
# a long page), name every element they drop for a debug line built whether or not debug
# logging is on (kept in a module-wide table), and build the article with lxml.html's parser,
# whose elements' classes are chosen in Python. `Readable` runs those methods with these
# names in place of the module's (lengths counted in C, a run of white space counted as one
# character as readability's cleaning nearly does; elements named by their tag; PARSER);
# readability itself is left as it is.
READABILITY_NAMES = {
    "text_length": text_length,
    "describe": lambda node, depth=1: str(node.tag),
    "fragment_fromstring": partial(lxml.html.fragment_fromstring, parser=PARSER),
    "document_fromstring": partial(lxml.html.document_fromstring, parser=PARSER),
}


def readability_method(name: str) -> FunctionType:
    """readability's method `name`, reading READABILITY_NAMES where it reads its module's."""
    method = vars(Document)[name]
    return FunctionType(method.__code__, {**method.__globals__, **READABILITY_NAMES},
                        method.__name__, method.__defaults__, method.__closure__)


# readability's patterns, matched on lowered names (twice as fast as ignoring case)
UNLIKELY = re.compile(REGEXES["unlikelyCandidatesRe"].pattern)
MAYBE = re.compile(REGEXES["okMaybeItsACandidateRe"].pattern)
KEEPS_UNLIKELY = lxml.etree.XPath(
    "ancestor-or-self::pre | ancestor-or-self::code | ancestor::table"
    " | descendant-or-self::main | descendant-or-self::article | descendant-or-self::math")
TABLE_PARTS = ("tbody", "thead", "tfoot")
# readability's test for a block element inside a <div>: these at the start of a tag name
# ("p" also takes <pre> and <picture>).
BLOCKISH = ("blockquote", "dl", "div", "img", "ol", "p", "table", "ul")
INLINE_TAGS = {"a", "b", "cite", "code", "em", "font", "i", "small", "span", "strong", "sub",
               "sup", "u"}
SENTENCE_STOP = re.compile(r"\.( |$)")


class Readable(Document):
    """readability's Document on a tree `preclean` already cleaned: skip its own cleaner,
    which copies the tree and rewrites every link (a third of the time per page). Where
    readability-lxml strays from Readability.js (Mozilla's, which Firefox's reader view
    runs) in a way that loses article text, Readability.js's rule is put back: unlikely
    candidates are never links nor inside a table, the pick climbs to an ancestor that
    scores higher, a sibling paragraph is measured by its whole text, and a heading is
    not dropped for being a link."""

    sanitize = readability_method("sanitize")
    add_heading_preamble = readability_method("add_heading_preamble")
    get_semantic_main_candidate = readability_method("get_semantic_main_candidate")
    readability_pick = readability_method("select_best_candidate")
    readability_article = readability_method("get_article")

    def _parse(self, input: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
        self.encoding = "utf-8"
        return copy.deepcopy(input)

    def get_clean_html(self) -> str:
        """The HTML of the article readability built, which `main_blocks` reads as a tree
        (`self.html`) and readability only measures (under 250 characters, it tries again
        with less cleaning). readability also strips presentation attributes from it with a
        regex run until nothing changes: a fifth of the time of a long page."""
        return lxml.etree.tounicode(self.html, method="html")

    def is_quote_lead(self, elem: lxml.html.HtmlElement) -> bool:
        """readability's own (the element, or an ancestor, is followed by a quote and ends
        in a colon, in 25 or more characters), without cleaning the whole text of each
        ancestor with three regexes (a twentieth of the time of a long page)."""
        for lead in (elem, *elem.iterancestors()):
            following = lead.getnext()
            if following is None or not following.findall(".//blockquote"):
                continue
            if (lead.text_content().rstrip().endswith(":")
                    and text_length(lead) >= self.min_text_length):
                return True
        return False

    def get_link_density(self, elem: lxml.html.HtmlElement) -> float:
        """readability's own, with text lengths counted in C (its version cleans the whole text
        of every candidate with three regexes: half the time of a long page), and links that
        do not lead off the page not counted (readability drops a heading that is its own
        anchor). A heading counts no links: readability-lxml drops a heading that is a link
        (a film's name in a list of reviews), Readability.js does not; `is_boilerplate` judges
        it later with what follows it."""
        if elem.tag in HEADINGS:
            return 0.0
        links = sum(text_length(a) for a in elem.iterdescendants("a") if not is_anchor(a))
        return links / max(text_length(elem), 1)

    def remove_unlikely_candidates(self) -> None:
        """Drop what is named like a comment, footer or menu, as readability does, but never a
        link (its text belongs to its sentence: a note's `class="popup"` link) nor what lies
        inside a table, as Readability.js does."""
        for elem in list(self.html.iter()):  # faster than choosing the named ones by XPath
            cls, ident = elem.get("class"), elem.get("id")
            if (cls is None and ident is None) or elem.tag in ("html", "body", "a"):
                continue
            name = f"{cls or ''} {ident or ''}".lower()
            if UNLIKELY.search(name) and not MAYBE.search(name) and not KEEPS_UNLIKELY(elem):
                elem.drop_tree()

    def transform_misused_divs_into_paragraphs(self) -> None:
        """readability's own: a <div> that holds no block element becomes a <p>, and the text
        and inline elements of the other <div>s are wrapped in <p>s. Whether an element holds a
        block is found in one pass up the tree, where readability serializes the content of
        every <div> and of its inline children (a tenth of the time of a page)."""
        holds_block = set()
        for el in reversed(list(self.html.iter())):  # each element after all it holds
            parent = el.getparent()
            if parent is not None and (el in holds_block or (
                    isinstance(el.tag, str) and el.tag.startswith(BLOCKISH))):
                holds_block.add(parent)
        divs = list(self.html.iterdescendants("div"))
        for div in divs:
            if div not in holds_block:
                div.tag = "p"
        for div in divs:
            if div.tag == "div":
                wrap_inline(div, holds_block)

    def score_paragraphs(self) -> dict:
        """readability's scores: each paragraph (<p>, <pre>, <td>, <blockquote>) of 25 or
        more characters adds 2, its commas and a point per 100 characters (at most 3) to its
        parent and half that to its grandparent; each score is then scaled by the share of
        text outside links. Lengths are counted in C, where readability first rewrites each
        paragraph's text with three regexes (a seventh of the time of a long page)."""
        candidates: dict = {}
        for elem in self.tags(self.html, "p", "pre", "td", "blockquote"):
            parent = elem.getparent()
            length = text_length(elem)
            if parent is None or length < self.min_text_length:
                continue
            score = 2 + elem.text_content().count(",") + min(length / 100, 3)
            for node, share in ((parent, 1), (parent.getparent(), 2)):
                if node is not None:
                    if node not in candidates:
                        candidates[node] = self.score_node(node)
                    candidates[node]["content_score"] += score / share
        links = link_chars(self.html, candidates)
        for node, candidate in candidates.items():
            if node.tag not in HEADINGS:  # as get_link_density, for all candidates at once
                candidate["content_score"] *= 1 - links.get(node, 0) / max(text_length(node), 1)
        return candidates

    def select_best_candidate(self, candidates: dict) -> dict | None:
        """readability's pick, then Readability.js's climb: up the ancestors while their
        scores stay above a third of the pick's, taking the first that scores more than the
        one below it (the paragraphs before a "read more" box). A pick inside a table is the
        table, whose siblings (a list's introduction) may then join."""
        best = self.readability_pick(candidates)
        if best is None:
            return None
        last = best["content_score"]
        for parent in best["elem"].iterancestors():
            if parent.tag == "body":
                break
            if parent not in candidates:
                continue
            score = candidates[parent]["content_score"]
            if score < best["content_score"] / 3:
                break
            if score > last:
                best = candidates[parent]
                break
            last = score
        table = best["elem"].getparent()
        if best["elem"].tag in TABLE_PARTS and table is not None:
            best = candidates[table] = {"content_score": best["content_score"], "elem": table}
        return best

    def get_article(self, candidates: dict, best_candidate: dict,
                    html_partial: bool = False) -> lxml.html.HtmlElement:
        """readability joins a sibling paragraph of over 80 characters, or a shorter one with
        no links that ends a sentence, but counts only the text before its first inline
        element (an introduction that opens in bold is left out). Such paragraphs are
        measured by their whole text, as Readability.js does, and marked to join."""
        join = max(10, best_candidate["content_score"] * 0.2)
        parent = best_candidate["elem"].getparent()
        for sibling in parent if parent is not None else ():
            if sibling.tag != "p" or sibling in candidates:
                continue
            links = self.get_link_density(sibling)
            if ((text_length(sibling) > 80 and links < 0.25) or (
                    links == 0 and SENTENCE_STOP.search(one_line(sibling.text_content())))):
                candidates[sibling] = {"content_score": join, "elem": sibling}
        return self.readability_article(candidates, best_candidate, html_partial)


def link_chars(root: lxml.html.HtmlElement, within: dict) -> dict:
    """The characters of link text (links off the page) each element of `within` holds, in
    one pass over the links: each link is measured once, not once per candidate above it."""
    chars: dict = {}
    for link in root.iter("a"):
        if is_anchor(link):
            continue
        length = text_length(link)
        if length:
            for node in link.iterancestors():
                if node in within:
                    chars[node] = chars.get(node, 0) + length
    return chars


def wrap_inline(div: lxml.html.HtmlElement, holds_block: set) -> None:
    """readability's wrapping of a <div>'s loose text and runs of inline elements in <p>s
    (a <br> ends a run and goes)."""
    children = list(div)
    paragraph = None
    if div.text and div.text.strip():
        paragraph = lxml.html.Element("p")
        paragraph.text, div.text = div.text, None
        div.insert(0, paragraph)
    for child in children:
        if child.tag == "br" or child.tag not in INLINE_TAGS or child in holds_block:
            paragraph = None
            continue
        if paragraph is None:
            paragraph = lxml.html.Element("p")
            child.addprevious(paragraph)
        paragraph.append(child)
    for pos, child in reversed(list(enumerate(div))):
        if child.tail and child.tail.strip():
            paragraph = lxml.html.Element("p")
            paragraph.text, child.tail = child.tail, None
            div.insert(pos + 1, paragraph)
        if child.tag == "br":
            child.drop_tree()


def is_anchor(link: lxml.html.HtmlElement) -> bool:
    """A link that does not lead off the page: to a place on it (a heading's own anchor), to
    a script (a note that pops up over a word), or no link at all (`<a name>`)."""
    href = link.get("href", "").strip().lower()
    return not href or href.startswith(("#", "javascript:"))


@dataclass
class Block:
    """One paragraph of a page: its text and how much of it is link text."""

    parts: list[str] = field(default_factory=list)
    link_chars: int = 0
    in_list: int = 0  # the list (<ul>, <ol>, <dl>) it is an item of: a number, 0 for none
    heading: bool = False

    @cached_property
    def text(self) -> str:
        return one_line("".join(self.parts))


def html_blocks(root: lxml.html.HtmlElement) -> list[Block]:
    """Block elements become paragraph breaks; inline elements never split words. An item of
    a list nested in a list's item counts as an item of the outer list."""
    blocks = [Block()]

    def add(text: str | None, in_link: bool) -> None:
        if text:
            blocks[-1].parts.append(text)
            blocks[-1].link_chars += len(text.strip()) if in_link else 0

    def walk(el: lxml.html.HtmlElement, in_link: bool, in_list: int, in_item: bool) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in SKIP_TAGS or not tag:
            add(el.tail, in_link)
            return
        inner_link = in_link or (tag == "a" and not is_anchor(el))
        nested = in_item and tag in ITEM_LISTS
        inner_list = len(blocks) if tag in LISTS and not nested else in_list
        if tag in BLOCK_TAGS or tag == "br":
            blocks.append(Block(in_list=inner_list, heading=tag in HEADINGS))
        add(el.text, inner_link)
        for child in el:
            walk(child, inner_link, inner_list, in_item or tag == "li")
        if tag in BLOCK_TAGS:
            blocks.append(Block(in_list=in_list))
        add(el.tail, in_link)

    walk(root, False, 0, False)
    return [b for b in blocks if b.text]


def is_link_line(block: Block) -> bool:
    """A short block (nearly) all link text, not a bare URL: a teaser, a menu entry."""
    text = block.text
    return (block.link_chars >= LINK_SHARE * len(text.replace(" ", ""))
            and len(text.split()) <= SHORT_BLOCK and not text.startswith(("http://", "https://")))


def is_boilerplate(block: Block, title: str | None, lists: set[int] = frozenset(),
                   after: Block | None = None) -> bool:
    """A link line (unless an item of one of `lists`, lists that also hold prose: a list of
    links alone is a menu or teasers; or a heading followed, as `after`, by a paragraph longer
    than a teaser's dek: the reviewed game or film a section is about), a furniture line, or
    the title again."""
    text = block.text
    heads_section = (block.heading and after is not None
                     and furniture.word_count(after.text) >= furniture.LONG_PROSE_WORDS)
    if is_link_line(block) and block.in_list not in lists and not heads_section:
        return True
    short = len(text.split()) <= 12
    if short and (furniture.is_furniture(text) or furniture.is_teaser_heading(text)):
        return True
    if not short and furniture.is_prompt(text):  # is_furniture asks it of short lines
        return True
    return furniture.same(text, title)


def main_blocks(root: lxml.html.HtmlElement, url: str | None) -> list[Block]:
    try:
        readable = Readable(root, url=url)
        summary = readable.summary(html_partial=True)
    except Exception as exc:  # readability raises bare Exceptions on junk
        raise ExtractError(f"could not find the article: {exc}") from exc
    blocks = html_blocks(readable.html) if summary.strip() else []  # the article readability built
    picked = sum(len(b.text) for b in blocks)
    if picked < PICK_SHARE * text_length(root):  # else no declared article can be 10 times more
        marked = declared_article(root)
        if marked is not None and picked < PICK_SHARE * text_length(marked):
            return html_blocks(marked)  # readability picked a fragment (a masthead, a teaser)
    body = root.find("body")
    return blocks or html_blocks(body if body is not None else root)


DECLARED = lxml.etree.XPath(
    "//*[@itemprop='articleBody'] | //article | //main | //*[@role='main']")


def declared_article(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The element the page declares as its article: one articleBody, else one <article>,
    else one <main>, when the page has exactly one such element of that kind."""
    found = DECLARED(root)
    for test in (lambda el: el.get("itemprop") == "articleBody", lambda el: el.tag == "article",
                 lambda el: el.tag == "main" or el.get("role") == "main"):
        els = [el for el in found if test(el)]
        if len(els) == 1:
            return els[0]
    return None


def extract_html(html: str | bytes, url: str | None = None) -> Article:
    root = parse(decode_html(html) if isinstance(html, bytes) else html)
    info = metadata.read(root, url)
    preclean(root)
    blocks = main_blocks(root, url)
    lists = {b.in_list for b in blocks if b.in_list and not is_link_line(b)}
    kept = [b.text for b, after in zip(blocks, [*blocks[1:], None], strict=False)
            if not is_boilerplate(b, info.title, lists, after)]
    if not kept:
        raise ExtractError("the page has no text")
    return Article(text="\n\n".join(kept), title=info.title, url=info.url, outlet=info.outlet,
                   published=info.published, author=info.author, language=info.language)


# ---------------------------------------------------------------- plain text

def extract_text(text: str, title: str | None = None) -> Article:
    """Keep the article's lines; drop menus, share buttons, teaser lists and notices."""
    lines = normalize_space(text.replace("\n", "\n\n")).split("\n\n")
    kept = furniture.article_lines(lines, title)
    if not kept:
        raise ExtractError("the text has no article prose")
    return Article(text="\n\n".join(kept), title=title, published=furniture.dateline(lines))
