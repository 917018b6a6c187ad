"""Readable names for sources: an outlet's display name, a page title without the site suffix.

The outlet is the site's own name from its metadata (og:site_name and kin) when that is a name,
else a readable form of its web address ("hawaiinewsnow.com"); never a raw URL or a `seed:`
address. A title loses a trailing " | Site" part, and a " - Site" part when Site names the outlet
or its address.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

SEPARATORS = re.compile(r"\s+(\||-|–|—|·|::)\s+")
MAX_SUFFIX_WORDS = 5
MIN_NAME = 3  # letters: "nj" says less than "nj.com"
WEB = re.compile(r"^(https?://|www\.)", re.I)


def site_of(url: str | None) -> str | None:
    """The readable host of a web address: no scheme, no www., no port ("nj.com")."""
    if not url or not WEB.match(url):
        return None
    host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    host = re.sub(r"^(www\d?|m|amp|mobile)\.", "", host.lower())
    return host or None


@lru_cache(maxsize=4096)
def outlet_name(outlet: str | None, url: str | None) -> str | None:
    """The name to show for a source."""
    name = " ".join((outlet or "").split())
    if WEB.match(name):
        return site_of(name) or site_of(url)
    if len(re.sub(r"\W", "", name)) >= MIN_NAME:
        return name
    return site_of(url) or name or None


def squash(text: str) -> str:
    return re.sub(r"[\W_]", "", text.lower())


def names_the_site(suffix: str, outlet: str | None, url: str | None) -> bool:
    key = squash(suffix)
    if not key:
        return False
    known = [squash(outlet or "")]
    host = site_of(url)
    if host:
        known += [squash(host), squash(host.rsplit(".", 1)[0])]
    return any(k and (key == k or key in k or k in key) for k in known)


@lru_cache(maxsize=4096)
def clean_title(title: str | None, outlet: str | None = None, url: str | None = None) -> str | None:
    """The title without the site's name tacked on its end."""
    if not title:
        return title
    title = " ".join(title.split())
    last = next(reversed([*SEPARATORS.finditer(title)]), None)
    if last is None or not last.start():
        return title
    head, suffix = title[:last.start()], title[last.end():]
    if len(suffix.split()) > MAX_SUFFIX_WORDS:
        return title
    if last.group(1) == "|" or names_the_site(suffix, outlet, url):
        return head
    return title
