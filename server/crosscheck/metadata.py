"""Page metadata: title, author, publication date, outlet, canonical URL, language.

Read from what a page declares for machines, most specific first: JSON-LD
(schema.org NewsArticle and kin), OpenGraph and `article:*` meta tags, other
meta tags, then `<time datetime>`, `<link rel=canonical>`, `<h1>` and `<title>`.
Dates come back as ISO dates (YYYY-MM-DD); anything unparseable or out of
range is dropped. A page that declares no date is handed to htmldate, which
also reads URLs and visible dates (it takes ~4 ms a page, so only then).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

import lxml.html
from htmldate import find_date

ARTICLE_TYPE = re.compile(r"Article$|BlogPosting|Report")
PAGE_TYPE = re.compile(r"WebPage$")
BY = re.compile(r"^\s*(?:by|par|por|von|di)\s+", re.I)
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
EARLIEST = date(1990, 1, 1)


@dataclass(frozen=True)
class Metadata:
    title: str | None = None
    author: str | None = None
    published: str | None = None
    outlet: str | None = None
    url: str | None = None
    language: str | None = None


def read(root: lxml.html.HtmlElement, url: str | None = None) -> Metadata:
    """The metadata a parsed page declares (call before cleaning the tree)."""
    ld = json_ld(root)
    tags = meta_tags(root)

    def meta(*names: str) -> str | None:
        return first(*(tags.get(name) for name in names))

    return Metadata(
        title=first(meta("og:title"), text(ld.get("headline")), meta("twitter:title"),
                    xpath_text(root, "//h1"), xpath_text(root, "//title")),
        author=first(person(ld.get("author")), person(meta(
            "author", "article:author", "byl", "dc.creator", "parsely-author"))),
        published=first(*(iso_date(v) for v in (
            ld.get("datePublished"),
            meta("article:published_time", "datepublished", "date", "pubdate", "publish-date",
                 "sailthru.date", "dc.date", "dc.date.issued"),
            *root.xpath("//time/@datetime")[:1],
            ld.get("dateCreated")))) or guess_date(root, url),
        outlet=first(meta("og:site_name"), person(ld.get("publisher")),
                     meta("application-name")),
        url=canonical(root, meta("og:url"), url),
        language=language(root, meta("og:locale", "content-language")),
    )


def first(*values: str | None) -> str | None:
    return next((v for v in values if v), None)


def text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return " ".join(value.split()) if isinstance(value, str) and value.strip() else None


def meta_tags(root: lxml.html.HtmlElement) -> dict[str, str]:
    """{property, name, itemprop or http-equiv (lower case): content}, first one wins."""
    tags: dict[str, str] = {}
    for el in root.iter("meta"):
        content = " ".join((el.get("content") or "").split())
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = (el.get(attr) or "").strip().lower()
            if key and content:
                tags.setdefault(key, content)
    return tags


def xpath_text(root: lxml.html.HtmlElement, path: str) -> str | None:
    found = root.xpath(path)
    return text(found[0].text_content()) if found else None


def json_ld(root: lxml.html.HtmlElement) -> dict[str, Any]:
    """The page's first JSON-LD article object, else its first web page object, else {}."""
    items = [item for script in root.xpath('//script[@type="application/ld+json"]/text()')
             for item in ld_items(load_json(script))]
    for kinds in (ARTICLE_TYPE, PAGE_TYPE):
        for item in items:
            kind = item.get("@type")
            if any(isinstance(k, str) and kinds.search(k)
                   for k in (kind if isinstance(kind, list) else [kind])):
                return item
    return {}


def load_json(text: str) -> Any:
    try:
        return json.loads(text, strict=False)
    except (ValueError, RecursionError):
        return None


def ld_items(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, list):
        return [item for part in data for item in ld_items(part)]
    if isinstance(data, dict):
        return [data, *ld_items(data.get("@graph", []))]
    return []


def person(value: Any) -> str | None:
    """A name from a JSON-LD author/publisher: a string, an object or a list of them."""
    if isinstance(value, list):
        names = [person(v) for v in value]
        return ", ".join(n for n in names if n) or None
    if isinstance(value, dict):
        value = value.get("name")
    name = text(value)
    return BY.sub("", name) if name and not name.startswith("http") else None


def iso_date(value: Any) -> str | None:
    """YYYY-MM-DD from an ISO 8601 or RFC 2822 date, else None."""
    value = text(value)
    if not value:
        return None
    try:
        return valid_day(datetime.fromisoformat(value.replace("Z", "+00:00")).date().isoformat())
    except ValueError:
        pass
    try:
        return valid_day(parsedate_to_datetime(value).date().isoformat())
    except (TypeError, ValueError, IndexError):
        pass
    found = DAY.match(value)
    return valid_day(found.group()) if found else None


def valid_day(value: str) -> str | None:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day.isoformat() if EARLIEST <= day <= date.today() + timedelta(days=1) else None


def guess_date(root: lxml.html.HtmlElement, url: str | None) -> str | None:
    """htmldate's reading of the page (URL, headers, visible dates) when it declares none."""
    found = find_date(root, url=url, extensive_search=False, original_date=True)
    return valid_day(found) if found else None


def canonical(root: lxml.html.HtmlElement, og_url: str | None, url: str | None) -> str | None:
    links = root.xpath('//link[@rel="canonical"]/@href')
    found = first(*(link.strip() for link in links), og_url)
    if found and url:
        return urljoin(url, found)
    return found if found and found.startswith("http") else url


def language(root: lxml.html.HtmlElement, declared: str | None) -> str | None:
    value = first(root.get("lang"), root.get("xml:lang"), declared)
    code = re.split(r"[-_]", value.strip())[0].lower() if value else ""
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None
